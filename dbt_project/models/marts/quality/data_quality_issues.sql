-- One row per detected data-quality issue (issue_id): source disagreements, broken identities
-- and year-over-year outliers of the migration side (int_quality__migration_checks) and of the
-- socio-economic side (int_quality__indicator_checks, int_quality__national_average_checks,
-- int_quality__yoy_outliers), with the severity declared in seed quality_check_severity.
-- A check not declared there is an 'error' (fail closed).
with

migration_checks as (

    select * from {{ ref('int_quality__migration_checks') }}

),

indicator_checks as (

    select * from {{ ref('int_quality__indicator_checks') }}

),

national_average_checks as (

    select * from {{ ref('int_quality__national_average_checks') }}

),

yoy_outliers as (

    select * from {{ ref('int_quality__yoy_outliers') }}

),

severities as (

    select * from {{ ref('quality_check_severity') }}

),

-- every check model has the same columns; they are stacked in this order
issues as (

    {% for check_model in ['migration_checks', 'indicator_checks', 'national_average_checks', 'yoy_outliers'] %}
        select
            check_name,
            region_code,
            year,
            measure,
            flow_scope,
            region_frame,
            source_a,
            value_a,
            source_b,
            value_b,
            difference,
            tolerance,
            detail
        from {{ check_model }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    'dq_' || left(md5(concat_ws(
        '|',
        issues.check_name,
        coalesce(issues.region_code, ''),
        coalesce(issues.year::varchar, ''),
        coalesce(issues.measure, ''),
        coalesce(issues.flow_scope, ''),
        coalesce(issues.region_frame, ''),
        coalesce(issues.source_a, ''),
        coalesce(issues.source_b, ''),
        coalesce(issues.detail, '')
    )), 20) as issue_id,
    issues.check_name,
    coalesce(severities.severity, 'error') as severity,
    issues.region_code,
    issues.year::integer as year,
    issues.measure,
    issues.flow_scope,
    issues.region_frame,
    issues.source_a,
    issues.value_a::double as value_a,
    issues.source_b,
    issues.value_b::double as value_b,
    issues.difference::double as difference,
    issues.tolerance::double as tolerance,
    issues.detail
from issues
left join severities
    on issues.check_name = severities.check_name
