{#- The shape shared by the paper's "in every year" statements (int_paper__balance_checks): one holds
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

{#- What a claim's check used, as the columns years, flow_scope, region_frame and quality_flag
    of the claim checks (int_paper__balance_checks, int_paper__score_checks): the distinct
    years, scopes and frames of its rows and their flags other than 'ok' ('ok' when none). `prefix` qualifies the columns ('rows.' in a join); `flow_scope`
    replaces the scope list with a fixed text (claims on socio-economic scores). -#}
{% macro rows_used(prefix='', flow_scope=none) -%}
    string_agg(distinct {{ prefix }}year::varchar, ', ' order by {{ prefix }}year::varchar) as years,
    {% if flow_scope is none -%}
    string_agg(distinct {{ prefix }}flow_scope, ', ' order by {{ prefix }}flow_scope) as flow_scope,
    {%- else -%}
    '{{ flow_scope }}' as flow_scope,
    {%- endif %}
    string_agg(distinct {{ prefix }}region_frame, ', ' order by {{ prefix }}region_frame)
        as region_frame,
    coalesce(
        string_agg(distinct {{ prefix }}quality_flag, ', ' order by {{ prefix }}quality_flag)
        filter (where {{ prefix }}quality_flag <> 'ok'),
        'ok'
    ) as quality_flag
{%- endmacro %}
