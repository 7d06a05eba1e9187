-- One row per (region_code, year, indicator_code), years from 2015, each year in its own frame
-- (kz16 up to 2017, kz17 2018-2021, kz20 from 2022): the region's figure as a percentage of the
-- national average, classed by seed score_bands and scored by seed indicators' polarity.
with

indicator_values as (

    select * from {{ ref('int_socioeconomic__indicator_values') }}

),

national_averages as (

    select * from {{ ref('int_socioeconomic__national_averages') }}

),

indicators as (

    select * from {{ ref('indicators') }}

),

score_bands as (

    select * from {{ ref('score_bands') }}

),

yoy_outliers as (

    select * from {{ ref('int_quality__yoy_outliers') }}
    where check_name = 'indicator_yoy_outlier'

),

regional_values as (

    select * from indicator_values
    where
        not is_national
        and year >= 2015
        and indicator_value is not null

),

-- a year-over-year jump touches both of its years: one of the two is suspect
yoy_flags as (

    select
        regional_values.indicator_code,
        regional_values.region_code,
        regional_values.year,
        string_agg(
            yoy_outliers.measure || ' ' || (yoy_outliers.year - 1)::varchar || ' -> '
            || yoy_outliers.year::varchar,
            ', ' order by yoy_outliers.year
        ) as yoy_changes
    from regional_values
    inner join yoy_outliers
        on
            regional_values.region_code = yoy_outliers.region_code
            and (
                (
                    regional_values.derivation = 'direct' and regional_values.measure = yoy_outliers.measure
                    and regional_values.source_id = yoy_outliers.source_a
                )
                or (
                    regional_values.derivation = 'per_population'
                    and regional_values.indicator_code = yoy_outliers.measure
                )
            )
            and regional_values.year in (yoy_outliers.year, yoy_outliers.year - 1)
    group by regional_values.indicator_code, regional_values.region_code, regional_values.year

),

scored as (

    select
        regional_values.region_code,
        regional_values.year,
        regional_values.indicator_code,
        regional_values.region_frame,
        regional_values.indicator_value as value,
        regional_values.unit,
        national_averages.national_average,
        national_averages.national_average_method,
        national_averages.is_partial_coverage,
        national_averages.regions_with_value,
        national_averages.frame_unit_count,
        100.0 * regional_values.indicator_value / national_averages.national_average as pct_of_national_average,
        indicators.polarity,
        regional_values.source_id,
        regional_values.source_period_type,
        regional_values.measure_value,
        regional_values.population,
        regional_values.population_measure,
        regional_values.population_source_id,
        regional_values.population_quality_flag,
        regional_values.is_sources_disagree,
        regional_values.is_derived_from_quarters,
        regional_values.is_lower_precedence_source,
        regional_values.quality_note as value_quality_note,
        yoy_flags.yoy_changes,
        regional_values.lineage_observation_ids,
        national_averages.lineage_observation_ids as national_average_lineage_observation_ids
    from regional_values
    inner join national_averages
        on
            regional_values.indicator_code = national_averages.indicator_code
            and regional_values.year = national_averages.year
    inner join indicators
        on regional_values.indicator_code = indicators.indicator_code
    left join yoy_flags
        on
            regional_values.indicator_code = yoy_flags.indicator_code
            and regional_values.region_code = yoy_flags.region_code
            and regional_values.year = yoy_flags.year

),

-- half-open bands on the percentage rounded to 6 decimals (so 95 computed as 94.9999999999 is 95)
classed as (

    select
        scored.*,
        score_bands.score_class,
        case
            when scored.polarity = 'higher_is_worse' then score_bands.score_points_if_higher_is_worse
            else score_bands.score_points
        end as score_points
    from scored
    inner join score_bands
        on
            round(scored.pct_of_national_average, 6) >= coalesce(score_bands.lower_bound_pct, '-infinity'::double)
            and round(scored.pct_of_national_average, 6) < coalesce(score_bands.upper_bound_pct, 'infinity'::double)

)

select
    region_code,
    year,
    indicator_code,
    region_frame,
    value,
    unit,
    national_average,
    national_average_method,
    pct_of_national_average,
    score_class,
    polarity,
    score_points,
    source_id,
    source_period_type,
    measure_value,
    population,
    population_measure,
    population_source_id,
    case
        when is_sources_disagree then 'sources_disagree'
        when yoy_changes is not null then 'yoy_outlier'
        when is_derived_from_quarters then 'derived_mean_of_4_quarters'
        when is_lower_precedence_source then 'lower_precedence_source'
        when is_partial_coverage then 'national_average_partial_coverage'
        when population_quality_flag not in ('ok') then 'population_flagged'
        else 'ok'
    end as quality_flag,
    nullif(concat_ws(
        '; ',
        value_quality_note,
        case when yoy_changes is not null then 'year-over-year outlier: ' || yoy_changes end,
        case
            when is_partial_coverage
                then
                    'national average over ' || regions_with_value::varchar || ' of the '
                    || frame_unit_count::varchar || ' units of ' || region_frame
        end,
        case
            when population_quality_flag not in ('ok')
                then 'population (' || population_source_id || '): ' || population_quality_flag
        end
    ), '') as quality_note,
    lineage_observation_ids,
    national_average_lineage_observation_ids
from classed
