-- One row per (region_code, year, flow_scope, region_frame): arrivals, departures, net
-- migration, population and rates per 1,000 of each scope in each frame where derivable.
-- Lineage: raw.observations ids (internal and total figures, population); interregional
-- figures by key into raw.od_flows (lineage_od_source_files, lineage_od_cells).
with

balances as (

    select * from {{ ref('int_migration__balance_by_scope') }}

),

population as (

    select * from {{ ref('int_population__by_frame') }}

),

check_flags as (

    select * from {{ ref('int_migration__check_flags') }}

),

-- years an internal-migration figure exists for: the only second source an interregional
-- (origin-destination) year can be compared with (int_quality__migration_checks)
internal_years as (

    select distinct year from {{ ref('int_migration__internal_balance') }}

),

with_population as (

    select
        balances.*,
        population.population_for_rates as population,
        population.population_measure,
        population.quality_flag as population_quality_flag,
        population.lineage_observation_ids as population_lineage_observation_ids,
        check_flags.check_note,
        balances.flow_scope = 'interregional' and internal_years.year is null as is_single_source_unverified
    from balances
    left join internal_years
        on balances.year = internal_years.year
    left join population
        on
            balances.region_frame = population.region_frame
            and balances.region_code = population.region_code
            and balances.year = population.year
    left join check_flags
        on
            balances.region_frame = check_flags.region_frame
            and balances.region_code = check_flags.region_code
            and balances.year = check_flags.year
            and balances.flow_scope = check_flags.flow_scope

),

rates as (

    select
        *,
        1000.0 * arrivals / population as arrivals_per_1000,
        1000.0 * departures / population as departures_per_1000,
        1000.0 * net_migration / population as net_migration_per_1000,
        1000.0 * (arrivals + departures) / population as turnover_per_1000,
        100.0 * (arrivals - departures) / nullif(arrivals + departures, 0) as migration_efficiency_pct
    from with_population

)

select
    region_code::varchar as region_code,
    year::integer as year,
    flow_scope::varchar as flow_scope,
    region_frame::varchar as region_frame,
    arrivals::double as arrivals,
    departures::double as departures,
    net_migration::double as net_migration,
    population::double as population,
    population_measure::varchar as population_measure,
    arrivals_per_1000::double as arrivals_per_1000,
    departures_per_1000::double as departures_per_1000,
    net_migration_per_1000::double as net_migration_per_1000,
    turnover_per_1000::double as turnover_per_1000,
    migration_efficiency_pct::double as migration_efficiency_pct,
    source_id::varchar as source_id,
    case
        when check_note is not null then 'source_disagreement'
        when base_flag = 'reframed_by_publisher' then base_flag
        when is_single_source_unverified then 'single_source_unverified'
        when base_flag <> 'ok' then base_flag
        when population_quality_flag = 'sources_disagree' then 'population_source_disagreement'
        else 'ok'
    end::varchar as quality_flag,
    nullif(concat_ws(
        '; ',
        case when base_flag <> 'ok' then base_flag || ': ' || base_note end,
        check_note,
        case
            when is_single_source_unverified
                then
                    'single_source_unverified: only the origin-destination matrix covers this year;'
                    || ' no internal-migration figure to check it against'
        end,
        case when population is null then 'population not derivable for this unit and frame: no rates' end,
        case
            when population_quality_flag not in ('ok', 'sum_of_parts')
                then 'population: ' || population_quality_flag || ' (see int_population__by_frame)'
        end
    ), '')::varchar as quality_note,
    list_concat(
        lineage_observation_ids, coalesce(population_lineage_observation_ids, [])
    )::varchar[] as lineage_observation_ids,
    lineage_od_source_files::varchar[] as lineage_od_source_files,
    lineage_od_cells::bigint as lineage_od_cells
from rates
