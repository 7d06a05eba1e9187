-- One row per (indicator_code, year): the national average level every region is compared with,
-- and how it was obtained (national_average_method), in this order:
--   republic_published               the Republic row of the chosen source (direct indicators)
--   republic_published_quarter_mean  the same, derived as the mean of the 4 published quarters
--   republic_totals_per_population   per-population indicators: the published Republic total of
--                                    the measure / the Republic population x scale
--   population_weighted_mean_of_regions  no Republic figure: sum(value x population) / sum(population)
--                                    over the regions with a value (for per-population indicators
--                                    this is sum(measure) / sum(population) x scale)
--   unweighted_mean_of_regions       a region with a value lacks a population: plain mean
with

indicator_values as (

    select * from {{ ref('int_socioeconomic__indicator_values') }}
    where indicator_value is not null

),

population as (

    select * from {{ ref('int_population__annual') }}

),

frames as (

    select * from {{ ref('region_frames') }}

),

republic as (

    select * from indicator_values
    where is_national

),

regional_values as (

    select
        indicator_values.*,
        population.population_for_rates as weight_population,
        population.lineage_observation_ids as weight_lineage_observation_ids
    from indicator_values
    left join population
        on
            indicator_values.region_code = population.region_code
            and indicator_values.year = population.year
    where not indicator_values.is_national

),

regional_means as (

    select
        indicator_code,
        year,
        region_frame,
        count(*) as regions_with_value,
        count(weight_population) as regions_with_population,
        -- sums in exact decimals: a double sum depends on DuckDB's thread order, and two builds
        -- of the same inputs must give identical marts
        (
            sum((indicator_value * weight_population)::decimal(38, 10))
            / sum(weight_population::decimal(38, 10))
        )::double as population_weighted_mean,
        avg(indicator_value::decimal(38, 10))::double as unweighted_mean,
        flatten(list(
            list_concat(lineage_observation_ids, coalesce(weight_lineage_observation_ids, []))
            order by region_code
        )) as weighted_lineage_observation_ids,
        flatten(list(lineage_observation_ids order by region_code)) as unweighted_lineage_observation_ids
    from regional_values
    group by indicator_code, year, region_frame

),

averages as (

    select
        regional_means.indicator_code,
        regional_means.year,
        regional_means.region_frame,
        frames.unit_count as frame_unit_count,
        regional_means.regions_with_value,
        regional_means.regions_with_population,
        republic.indicator_value as republic_value,
        republic.source_id as republic_source_id,
        regional_means.population_weighted_mean,
        regional_means.unweighted_mean,
        case
            when republic.indicator_value is not null and republic.derivation = 'per_population'
                then 'republic_totals_per_population'
            when republic.indicator_value is not null and republic.is_derived_from_quarters
                then 'republic_published_quarter_mean'
            when republic.indicator_value is not null
                then 'republic_published'
            when regional_means.regions_with_population = regional_means.regions_with_value
                then 'population_weighted_mean_of_regions'
            else 'unweighted_mean_of_regions'
        end as national_average_method,
        republic.lineage_observation_ids as republic_lineage_observation_ids,
        regional_means.weighted_lineage_observation_ids,
        regional_means.unweighted_lineage_observation_ids
    from regional_means
    inner join frames
        on regional_means.region_frame = frames.region_frame
    left join republic
        on
            regional_means.indicator_code = republic.indicator_code
            and regional_means.year = republic.year

)

select
    indicator_code,
    year,
    region_frame,
    case
        when national_average_method like 'republic%' then republic_value
        when national_average_method = 'population_weighted_mean_of_regions' then population_weighted_mean
        else unweighted_mean
    end as national_average,
    national_average_method,
    national_average_method not like 'republic%' as is_fallback,
    national_average_method not like 'republic%' and regions_with_value < frame_unit_count
        as is_partial_coverage,
    frame_unit_count,
    regions_with_value,
    regions_with_population,
    republic_value,
    republic_source_id,
    population_weighted_mean,
    unweighted_mean,
    case
        when national_average_method like 'republic%' then republic_lineage_observation_ids
        when national_average_method = 'population_weighted_mean_of_regions' then weighted_lineage_observation_ids
        else unweighted_lineage_observation_ids
    end as lineage_observation_ids
from averages
