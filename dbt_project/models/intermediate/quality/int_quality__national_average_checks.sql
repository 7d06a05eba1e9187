-- One row per (indicator_code, year) where the fallback national average (population-weighted
-- mean of all units of the frame) differs from the published Republic figure beyond the
-- tolerance of seed quality_tolerances: a test of the fallback where both exist. Columns of
-- int_quality__migration_checks; region_code is the Republic.
with

national_averages as (

    select * from {{ ref('int_socioeconomic__national_averages') }}

),

indicators as (

    select * from {{ ref('indicators') }}

),

tolerances as (

    select * from {{ ref('quality_tolerances') }}
    where check_name = 'national_average_fallback_vs_published'

),

compared as (

    select
        national_averages.indicator_code,
        national_averages.year,
        national_averages.region_frame,
        national_averages.republic_source_id,
        national_averages.republic_value,
        national_averages.population_weighted_mean,
        national_averages.regions_with_value,
        national_averages.population_weighted_mean - national_averages.republic_value as difference,
        {{ tolerance_between('tolerances.abs_tolerance', 'tolerances.rel_tolerance',
            'national_averages.republic_value', 'national_averages.population_weighted_mean') }}
            as tolerance
    from national_averages
    inner join tolerances
        on tolerances.measure = '*'
    where
        national_averages.republic_value is not null
        and national_averages.regions_with_population = national_averages.frame_unit_count

)

select
    'national_average_fallback_vs_published' as check_name,
    '000000000' as region_code,
    compared.year,
    compared.indicator_code as measure,
    null::varchar as flow_scope,
    compared.region_frame,
    compared.republic_source_id as source_a,
    compared.republic_value as value_a,
    'population_weighted_mean_of_regions' as source_b,
    compared.population_weighted_mean as value_b,
    compared.difference,
    compared.tolerance,
    'published Republic ' || compared.indicator_code || ' ' || round(compared.republic_value, 4)::varchar
    || ' vs population-weighted mean of the ' || compared.regions_with_value::varchar || ' units '
    || round(compared.population_weighted_mean, 4)::varchar || ' ('
    || round(100 * compared.difference / compared.republic_value, 2)::varchar || ' %); '
    || case
        when indicators.derivation = 'direct' and indicators.measure in ('unemployment_rate', 'avg_monthly_wage')
            then 'population is only a proxy for the labour force / employees that weight the national figure'
        else 'differences come from the population measure and rounding'
    end as detail
from compared
inner join indicators
    on compared.indicator_code = indicators.indicator_code
where {{ beyond_tolerance('compared.difference', 'compared.tolerance') }}
