-- One row per disagreement beyond tolerance between migration or population figures that
-- must agree (no row when they agree). Tolerances: seed migration_check_tolerances.
-- Checks:
--   interregional_vs_internal_balance: a region's interregional net (OD matrix) must equal its
--     internal net (kanat): moves inside a region cancel in its balance (kz20, same year);
--   total_balance_sources_disagree: a total balance published by several sources (winner by
--     precedence as source_a, each disagreeing source as source_b);
--   population_sources_disagree: the same for the 1 January population;
--   interregional_balances_do_not_sum_to_zero: per year and frame the interregional balances of
--     all units must sum to 0 (every move is one unit's arrival and another's departure);
--   internal_net_not_arrivals_minus_departures: a published internal net must equal its
--     arrivals minus departures.
with

tolerances as (

    select * from {{ ref('migration_check_tolerances') }}

),

balances as (

    select * from {{ ref('int_migration__balance_by_scope') }}

),

total_candidates as (

    select * from {{ ref('int_migration__total_balance_candidates') }}

),

population_candidates as (

    select * from {{ ref('int_population__candidates') }}

),

interregional_vs_internal as (

    select
        'interregional_vs_internal_balance' as check_name,
        interregional.region_code,
        interregional.year,
        'net_migration' as measure,
        'interregional' as flow_scope,
        interregional.region_frame,
        interregional.source_id as source_a,
        interregional.net_migration as value_a,
        internal.source_id as source_b,
        internal.net_migration as value_b,
        'interregional net (arrivals ' || interregional.arrivals::bigint::varchar
        || ', departures ' || interregional.departures::bigint::varchar
        || ') must equal internal net (arrivals ' || internal.arrivals::bigint::varchar
        || ', departures ' || internal.departures::bigint::varchar
        || '): moves inside a region cancel'
        || case
            when interregional.net_migration = -internal.net_migration
                then '; the two nets are exact opposites (origin and destination swapped?)'
            else ''
        end as detail
    from balances as interregional
    inner join balances as internal
        on
            interregional.region_code = internal.region_code
            and interregional.year = internal.year
            and interregional.region_frame = internal.region_frame
    where
        interregional.flow_scope = 'interregional'
        and internal.flow_scope = 'internal'
        and interregional.region_frame = 'kz20'

),

total_sources as (

    select
        'total_balance_sources_disagree' as check_name,
        chosen.region_code,
        chosen.year,
        'net_migration' as measure,
        'total' as flow_scope,
        chosen.native_frame as region_frame,
        chosen.source_id as source_a,
        chosen.net_migration as value_a,
        other_candidates.source_id as source_b,
        other_candidates.net_migration as value_b,
        chosen.source_id || ' wins by precedence over ' || other_candidates.source_id as detail
    {{ chosen_against_other_sources('total_candidates', ['region_code', 'year']) }}

),

population_sources as (

    select
        'population_sources_disagree' as check_name,
        chosen.region_code,
        chosen.year,
        'population_start_of_year' as measure,
        null as flow_scope,
        chosen.region_frame,
        chosen.source_id as source_a,
        chosen.population_value as value_a,
        other_candidates.source_id as source_b,
        other_candidates.population_value as value_b,
        chosen.source_id || ' wins by precedence over ' || other_candidates.source_id
        || case
            when
                exists (
                    select 1 from population_candidates as shifted
                    where
                        shifted.source_id = chosen.source_id
                        and shifted.region_code = chosen.region_code
                        and shifted.year <> chosen.year
                        and shifted.population_value = other_candidates.population_value
                )
                then
                    '; the value of ' || other_candidates.source_id || ' is the ' || chosen.source_id
                    || ' figure of another year (years shifted)'
            when other_candidates.population_value <> round(other_candidates.population_value)
                then '; the value of ' || other_candidates.source_id || ' has a fraction of a person'
            else ''
        end as detail
    {{ chosen_against_other_sources('population_candidates', ['region_code', 'year']) }}

),

interregional_sums as (

    select
        'interregional_balances_do_not_sum_to_zero' as check_name,
        '000000000' as region_code,
        year,
        'net_migration' as measure,
        'interregional' as flow_scope,
        region_frame,
        'diar_od_flows' as source_a,
        sum(net_migration) as value_a,
        null as source_b,
        0.0 as value_b,
        'sum over ' || count(*)::varchar || ' units of interregional net migration; must be 0' as detail
    from balances
    where flow_scope = 'interregional'
    group by all

),

internal_identity as (

    select
        'internal_net_not_arrivals_minus_departures' as check_name,
        region_code,
        year,
        'net_migration' as measure,
        'internal' as flow_scope,
        region_frame,
        source_id as source_a,
        net_migration as value_a,
        source_id as source_b,
        arrivals - departures as value_b,
        'published net vs published arrivals minus departures' as detail
    from balances
    where
        flow_scope = 'internal'
        and arrivals is not null
        and departures is not null

),

all_comparisons as (

    select * from interregional_vs_internal
    union all
    select * from total_sources
    union all
    select * from population_sources
    union all
    select * from interregional_sums
    union all
    select * from internal_identity

)

select
    all_comparisons.check_name::varchar as check_name,
    all_comparisons.region_code::varchar as region_code,
    all_comparisons.year::integer as year,
    all_comparisons.measure::varchar as measure,
    all_comparisons.flow_scope::varchar as flow_scope,
    all_comparisons.region_frame::varchar as region_frame,
    all_comparisons.source_a::varchar as source_a,
    all_comparisons.value_a::double as value_a,
    all_comparisons.source_b::varchar as source_b,
    all_comparisons.value_b::double as value_b,
    (all_comparisons.value_a - all_comparisons.value_b)::double as difference,
    tolerances.tolerance::double as tolerance,
    all_comparisons.detail::varchar as detail
from all_comparisons
inner join tolerances
    on all_comparisons.check_name = tolerances.check_name
where abs(all_comparisons.value_a - all_comparisons.value_b) > tolerances.tolerance
