-- The paper's checkable statements (seed paper_claim_statements), each with the warehouse's value
-- and verdict. The checks are computed in int_paper__balance_checks (statements about balances)
-- and int_paper__score_checks (about the socio-economic scores); a statement without a check row
-- is not checkable, and says why.
with

claims as (
    select * from {{ ref('paper_claim_statements') }}
),

balance_checks as (
    select * from {{ ref('int_paper__balance_checks') }}
),

score_checks as (
    select * from {{ ref('int_paper__score_checks') }}
),

checks as (
    select * from balance_checks
    union all by name
    select * from score_checks
)

select
    claims.claim_id,
    claims.section,
    claims.claim_en,
    claims.claim_ru,
    claims.paper_value,
    coalesce(checks.warehouse_value, 'not available') as warehouse_value,
    claims.unit,
    coalesce(checks.years, claims.first_year || '–' || claims.last_year) as years,
    coalesce(checks.flow_scope, 'none') as flow_scope,
    coalesce(checks.region_frame, 'none') as region_frame,
    case
        when claims.check_name = 'not_checkable' or checks.claim_id is null then 'not_checkable'
        else checks.verdict
    end as verdict,
    claims.tolerance::varchar as tolerance,
    case
        when claims.check_name = 'not_checkable' then claims.computation
        when checks.claim_id is null then 'no data in the warehouse for these years'
        else checks.evidence
    end as evidence,
    claims.computation,
    coalesce(checks.quality_flag, 'ok') as quality_flag
from claims
left join checks on claims.claim_id = checks.claim_id
