{#- Tolerance of a comparison of two figures, from a row of seed quality_tolerances:
    the larger of the absolute tolerance and the relative tolerance times the larger |value|.
    A difference is beyond tolerance when round(|difference|, 9) > tolerance (the rounding keeps
    binary noise such as 4.9 - 4.8 = 0.1000000000000005 from counting). -#}
{% macro tolerance_between(abs_tolerance, rel_tolerance, value_a, value_b) -%}
    greatest(
        coalesce({{ abs_tolerance }}, 0),
        coalesce({{ rel_tolerance }}, 0) * greatest(abs({{ value_a }}), abs({{ value_b }}))
    )
{%- endmacro %}

{% macro beyond_tolerance(difference, tolerance) -%}
    round(abs({{ difference }}), 9) > {{ tolerance }}
{%- endmacro %}
