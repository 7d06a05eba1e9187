-- The paper's statements about the socio-economic scores (seed paper_claim_statements), one CTE
-- per kind of check (the seed's check_name): the warehouse's value, the verdict, the evidence in
-- words, and the years, scopes, frames and flags of the rows the check read. Grain: one row per
-- claim_id of the checks below; marts.paper_claims adds the statements' texts.
with

claims as (
    select * from {{ ref('paper_claim_statements') }}
),

paper_view as (
    select * from {{ ref('int_paper__balance_paper_view') }}
    where is_paper_view
),

scores as (
    select * from {{ ref('fct_socioeconomic_scores') }}
),

associations as (
    select * from {{ ref('fct_indicator_migration_association') }}
),

named_regions as (
    select * from {{ ref('paper_named_regions') }}
),

named_region_scores as (
    select
        claims.claim_id,
        claims.paper_number,
        scores.indicator_code,
        scores.year,
        scores.region_frame,
        scores.score_points,
        scores.quality_flag
    from claims
    inner join scores on scores.year between claims.first_year and claims.last_year
    inner join named_regions on scores.region_code = named_regions.region_code
    where
        claims.check_name = 'named_regions_low_indicators'
        and named_regions.paper_name in ('Turkestan', 'Zhambyl')
        and scores.indicator_code in (
            'grp_per_capita', 'avg_monthly_wage', 'employment_applicants_per_1000',
            'doctors_per_10k'
        )
        and scores.score_points is not null
),

named_region_scores_by_indicator as (
    select
        claim_id,
        indicator_code,
        count(*) filter (where score_points < 0) as negative_years,
        count(*) as scored_years
    from named_region_scores
    group by all
),

named_region_indicator_summary as (
    select
        claim_id,
        string_agg(
            indicator_code || ' ' || negative_years || ' of ' || scored_years, ', '
            order by indicator_code
        ) as indicator_summary
    from named_region_scores_by_indicator
    group by claim_id
),

check_named_regions_low_indicators as (
    select
        named_region_scores.claim_id,
        round(count(*) filter (where named_region_scores.score_points < 0) / count(*), 2)::varchar
            as warehouse_value,
        case
            when
                count(*) filter (where named_region_scores.score_points < 0) / count(*)
                >= any_value(named_region_scores.paper_number)
                then 'reproduced'
            else 'contradicted'
        end as verdict,
        'indicator-years with negative points, Turkestan (South Kazakhstan before 2018) and '
        || 'Zhambyl: '
        || any_value(by_indicator.indicator_summary) as evidence,
        {{ rows_used('named_region_scores.', 'not applicable (socio-economic scores)') }}
    from named_region_scores
    inner join named_region_indicator_summary as by_indicator
        on named_region_scores.claim_id = by_indicator.claim_id
    group by named_region_scores.claim_id
),

paper_view_scopes as (
    select distinct
        year,
        flow_scope,
        region_frame
    from paper_view
),

score_associations as (
    select
        claims.claim_id,
        claims.tolerance,
        associations.*
    from claims
    inner join associations
        on associations.year between claims.first_year and claims.last_year
    inner join paper_view_scopes
        on
            associations.year = paper_view_scopes.year
            and associations.flow_scope = paper_view_scopes.flow_scope
            and associations.region_frame = paper_view_scopes.region_frame
    where
        claims.check_name = 'score_net_association'
        and associations.indicator_code = 'total_score_points'
        and associations.migration_measure = 'net_migration_per_1000'
        and associations.lag_years = 0
),

check_score_net_association as (
    select
        claim_id,
        round(min(spearman_rho), 2) || ' to ' || round(max(spearman_rho), 2) as warehouse_value,
        case
            when bool_and(spearman_rho > 0 and p_value < tolerance) then 'reproduced'
            when bool_and(spearman_rho > 0) then 'approximately_reproduced'
            else 'contradicted'
        end as verdict,
        'Spearman rho of total score points and net migration per 1,000 across units: '
        || string_agg(
            year || ' (' || flow_scope || ', ' || region_frame || '): ' || round(spearman_rho, 2)
            || ', p = ' || round(p_value, 3) || ', n = ' || n_regions,
            '; ' order by year
        ) as evidence,
        {{ rows_used() }}
    from score_associations
    group by claim_id
)

select * from check_named_regions_low_indicators
union all
select * from check_score_net_association
