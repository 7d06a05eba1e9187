-- One row per (indicator_code, region_code, year, source_id, period_type): every figure a
-- configured source offers for an indicator, in every year, for the units of the year's own
-- frame and the Republic. period_type 'year' is a published annual figure; 'quarter_mean' is
-- DERIVED (mean of the four published quarters) and only exists where the precedence seed asks
-- for it. precedence_rank = 1 marks the figure the precedence seed chooses.
with

observations as (

    select * from {{ ref('stg_raw__observations') }}

),

indicators as (

    select * from {{ ref('indicators') }}

),

precedence as (

    select * from {{ ref('indicator_source_precedence') }}

),

frames as (

    select * from {{ ref('region_frames') }}

),

population as (

    select * from {{ ref('int_population__annual') }}

),

-- figures that can stand: a unit of the year's own frame or the Republic (staging_flag null also
-- excludes suppressed cells and placeholder zeros), and no zero of a strictly positive measure
usable_observations as (

    select
        observations.observation_id,
        observations.source_id,
        observations.region_code,
        observations.is_national,
        observations.year,
        observations.period,
        observations.period_type,
        observations.value,
        indicators.indicator_code,
        frames.region_frame
    {{ from_indicator_observations_in_year_frame() }}
    where
        observations.value is not null
        and observations.staging_flag is null
        and not (indicators.zero_means_missing and observations.value = 0)

),

annual_figures as (

    select
        indicator_code,
        region_code,
        year,
        region_frame,
        is_national,
        source_id,
        'year' as period_type,
        value as measure_value,
        [observation_id] as observation_ids
    from usable_observations
    where period_type = 'year'

),

-- derived: only a complete set of four published quarters makes a year
quarter_means as (

    select
        indicator_code,
        region_code,
        year,
        region_frame,
        is_national,
        source_id,
        'quarter_mean' as period_type,
        avg(value::decimal(38, 10))::double as measure_value,  -- exact: order-independent
        list(observation_id order by period) as observation_ids
    from usable_observations
    where period_type = 'quarter'
    group by indicator_code, region_code, year, region_frame, is_national, source_id
    having count(distinct period) = 4

),

figures as (

    select * from annual_figures
    union all
    select * from quarter_means

),

configured_figures as (

    select
        figures.*,
        precedence.precedence
    from figures
    inner join precedence
        on
            figures.indicator_code = precedence.indicator_code
            and figures.source_id = precedence.source_id
            and figures.period_type = precedence.period_type

)

select
    configured_figures.indicator_code,
    configured_figures.region_code,
    configured_figures.year,
    configured_figures.region_frame,
    configured_figures.is_national,
    configured_figures.source_id,
    configured_figures.period_type,
    configured_figures.period_type = 'quarter_mean' as is_derived_from_quarters,
    configured_figures.precedence,
    {{ precedence_rank(
        ['configured_figures.indicator_code', 'configured_figures.region_code', 'configured_figures.year'],
        'configured_figures.precedence, configured_figures.source_id, configured_figures.period_type'
    ) }} as precedence_rank,
    indicators.measure,
    indicators.unit,
    indicators.derivation,
    configured_figures.measure_value,
    case when indicators.derivation = 'per_population' then population.population_for_rates end
        as population,
    case when indicators.derivation = 'per_population' then population.population_measure end
        as population_measure,
    case when indicators.derivation = 'per_population' then population.source_id end
        as population_source_id,
    case when indicators.derivation = 'per_population' then population.quality_flag end
        as population_quality_flag,
    -- direct indicators are the published figure; per-population ones are measure / population x scale
    case
        when indicators.derivation = 'direct' then configured_figures.measure_value
        when indicators.derivation = 'per_population'
            then
                configured_figures.measure_value / nullif(population.population_for_rates, 0)
                * indicators.scale_per_persons
    end as indicator_value,
    case
        when indicators.derivation = 'per_population'
            then list_concat(configured_figures.observation_ids, coalesce(population.lineage_observation_ids, []))
        else configured_figures.observation_ids
    end as lineage_observation_ids
from configured_figures
inner join indicators
    on configured_figures.indicator_code = indicators.indicator_code
left join population
    on
        configured_figures.region_code = population.region_code
        and configured_figures.year = population.year
