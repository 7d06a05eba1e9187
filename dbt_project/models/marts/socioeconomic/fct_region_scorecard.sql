-- One row per (region_code, year) with at least one scored indicator, 2015 onwards, in the
-- year's own frame: the paper's figure 3 view - the sum of the socio-economic score points next
-- to the migration attractiveness coefficient and the net migration of the best scope available
-- in the same frame (seed scorecard_scope_preference).
with

scores as (

    select * from {{ ref('fct_socioeconomic_scores') }}

),

indicators as (

    select * from {{ ref('indicators') }}

),

attractiveness as (

    select * from {{ ref('fct_migration_attractiveness') }}

),

balances as (

    select * from {{ ref('fct_migration_balance') }}

),

scope_preference as (

    select * from {{ ref('scorecard_scope_preference') }}

),

indicator_count as (

    select count(*) as indicators_available
    from indicators

),

region_scores as (

    select
        region_code,
        year,
        region_frame,
        sum(score_points) as total_score_points,
        count(*) as indicators_scored,
        count(*) filter (where quality_flag <> 'ok') as indicators_flagged,
        list(indicator_code order by indicator_code) as scored_indicator_codes
    from scores
    group by region_code, year, region_frame

),

ranked_attractiveness as (

    select
        attractiveness.region_code,
        attractiveness.year,
        attractiveness.region_frame,
        attractiveness.flow_scope,
        attractiveness.attractiveness_coefficient,
        attractiveness.quality_flag,
        row_number() over (
            partition by attractiveness.region_code, attractiveness.year, attractiveness.region_frame
            order by scope_preference.preference
        ) as scope_rank
    from attractiveness
    inner join scope_preference
        on
            scope_preference.metric = 'attractiveness_coefficient'
            and attractiveness.flow_scope = scope_preference.flow_scope
    where attractiveness.attractiveness_coefficient is not null

),

ranked_balances as (

    select
        balances.region_code,
        balances.year,
        balances.region_frame,
        balances.flow_scope,
        balances.net_migration,
        balances.net_migration_per_1000,
        balances.quality_flag,
        row_number() over (
            partition by balances.region_code, balances.year, balances.region_frame
            order by scope_preference.preference
        ) as scope_rank
    from balances
    inner join scope_preference
        on
            scope_preference.metric = 'net_migration'
            and balances.flow_scope = scope_preference.flow_scope
    where balances.net_migration is not null

)

select
    region_scores.region_code,
    region_scores.year,
    region_scores.region_frame,
    region_scores.total_score_points,
    region_scores.indicators_scored,
    indicator_count.indicators_available,
    region_scores.indicators_flagged,
    region_scores.scored_indicator_codes,
    ranked_attractiveness.attractiveness_coefficient,
    ranked_attractiveness.flow_scope as attractiveness_flow_scope,
    ranked_attractiveness.region_frame as attractiveness_region_frame,
    ranked_attractiveness.quality_flag as attractiveness_quality_flag,
    ranked_balances.net_migration,
    ranked_balances.net_migration_per_1000,
    ranked_balances.flow_scope as net_migration_flow_scope,
    ranked_balances.region_frame as net_migration_region_frame,
    ranked_balances.quality_flag as net_migration_quality_flag
from region_scores
cross join indicator_count
left join ranked_attractiveness
    on
        region_scores.region_code = ranked_attractiveness.region_code
        and region_scores.year = ranked_attractiveness.year
        and region_scores.region_frame = ranked_attractiveness.region_frame
        and ranked_attractiveness.scope_rank = 1
left join ranked_balances
    on
        region_scores.region_code = ranked_balances.region_code
        and region_scores.year = ranked_balances.year
        and region_scores.region_frame = ranked_balances.region_frame
        and ranked_balances.scope_rank = 1
