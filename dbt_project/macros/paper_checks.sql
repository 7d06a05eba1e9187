{#- The shape shared by the paper's "in every year" statements (paper_claims): a statement holds
    when its condition holds in every year with data. `yearly` has one row per (claim_id, year)
    with the boolean column `holds` and the text column `listed` (the regions behind that year);
    warehouse_value says in how many years it held, evidence lists each year under `label`. -#}
{% macro holds_every_year(yearly, holds, listed, label) -%}
    select
        claim_id,
        count(*) filter (where {{ holds }}) || ' of ' || count(*) || ' years' as warehouse_value,
        case when bool_and({{ holds }}) then 'reproduced' else 'contradicted' end as verdict,
        '{{ label }}: '
        || string_agg(year || ': ' || {{ listed }}, '; ' order by year) as evidence
    from {{ yearly }}
    group by claim_id
{%- endmacro %}
