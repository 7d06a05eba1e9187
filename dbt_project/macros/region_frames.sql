{#- The region frame a year is published in (seed region_frames): BNS publishes the reform years
    2018 and 2022 in the new frame, so year y belongs to the frame whose [first_year, last_year]
    holds it (last_year NULL = still in force). `frames` is the alias of a relation with
    first_year and last_year (the seed itself or int_regions__frame_units). -#}
{% macro year_in_frame(year_column, frames) -%}
    {{ year_column }} >= {{ frames }}.first_year
    and {{ year_column }} <= coalesce({{ frames }}.last_year, 9999)
{%- endmacro %}

{#- Roll figures published in a year's own frame up to the units of other frames: a unit of
    region_frame is the sum of its parts (rows of int_region_frames__unit_parts) and exists only
    where every part is published (having count(*) = parts_in_unit), so a partly published merged
    unit gets no row instead of a silent undercount. `published` is the alias of the figures
    (region_code, year and the column naming their native frame), `unit_parts` the alias of the
    unit parts (filtered by the caller to the frame relations it may derive). The caller's body
    holds the aggregates over `published`. Output: region_frame, region_code, year, parts_in_unit
    and the caller's aggregates. -#}
{% macro sum_parts_into_frame_units(published, unit_parts, native_frame_column='native_frame') -%}
    select
        {{ unit_parts }}.region_frame,
        {{ unit_parts }}.region_code,
        {{ published }}.year,
        {{ unit_parts }}.parts_in_unit,
        {{ caller() }}
    from {{ published }}
    inner join {{ unit_parts }}
        on
            {{ published }}.{{ native_frame_column }} = {{ unit_parts }}.native_frame
            and {{ published }}.region_code = {{ unit_parts }}.part_region_code
    group by all
    having count(*) = {{ unit_parts }}.parts_in_unit
{%- endmacro %}

{#- The from clause of the observations of an indicator's measure (seed indicators), each with the
    frame of its year (alias frames): where the socio-economic candidates and the indicator
    checks read the same cells. -#}
{% macro from_indicator_observations_in_year_frame(
    observations='observations', indicators='indicators', frames='frames'
) -%}
    from {{ observations }}
    inner join {{ indicators }}
        on {{ observations }}.measure = {{ indicators }}.measure
    inner join {{ frames }}
        on {{ year_in_frame(observations ~ '.year', frames) }}
{%- endmacro %}
