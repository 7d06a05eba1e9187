-- One row per year-over-year change beyond the tolerance of seed quality_tolerances, in the
-- columns of int_quality__migration_checks (value_a = the earlier year, value_b = `year`):
--   indicator_yoy_outlier  - every source's published annual series of every indicator measure,
--                            in every year (e.g. the GRP JSON's 80100.0 among ~100), and the
--                            chosen series of the per-population indicators (doctors_per_10k, ...)
--   balance_yoy_outlier    - every source's published net migration balance, per 1,000 population
-- Only consecutive years are compared, and only where the unit kept its territory between the
-- frames of the two years (Almaty region 2021 -> 2022 lost Zhetisu: not an outlier, not compared).
with

candidates as (

    select * from {{ ref('int_socioeconomic__indicator_candidates') }}

),

indicator_values as (

    select * from {{ ref('int_socioeconomic__indicator_values') }}

),

observations as (

    select * from {{ ref('stg_raw__observations') }}

),

population as (

    select * from {{ ref('int_population__annual') }}

),

frames as (

    select * from {{ ref('region_frames') }}

),

frame_map as (

    select * from {{ ref('region_frame_map') }}

),

tolerances as (

    select * from {{ ref('quality_tolerances') }}

),

-- the current-frame units that make up each unit of each frame
unit_territories as (

    select
        region_frame,
        frame_region_code as region_code,
        list(region_code order by region_code) as member_codes
    from frame_map
    group by region_frame, frame_region_code

),

source_series as (

    select
        'indicator_yoy_outlier' as check_name,
        measure,
        null::varchar as flow_scope,
        region_code,
        year,
        region_frame,
        source_id,
        measure_value as value,
        measure_value as value_for_check
    from candidates
    where period_type = 'year'

),

derived_indicator_series as (

    select
        'indicator_yoy_outlier' as check_name,
        indicator_code as measure,
        null::varchar as flow_scope,
        region_code,
        year,
        region_frame,
        source_id,
        indicator_value as value,
        indicator_value as value_for_check
    from indicator_values
    where derivation = 'per_population' and indicator_value is not null

),

balance_series as (

    select
        'balance_yoy_outlier' as check_name,
        'net_migration' as measure,
        observations.flow_scope,
        observations.region_code,
        observations.year,
        frames.region_frame,
        observations.source_id,
        observations.value,
        1000 * observations.value / nullif(population.population_for_rates, 0) as value_for_check
    from observations
    inner join frames
        on
            {{ year_in_frame('observations.year', 'frames') }}
    inner join population
        on
            observations.region_code = population.region_code
            and observations.year = population.year
    where
        observations.measure = 'net_migration'
        and observations.period_type = 'year'
        and observations.value is not null
        and observations.staging_flag is null

),

series as (

    select * from source_series
    union all
    select * from derived_indicator_series
    union all
    select * from balance_series

),

with_previous as (

    select
        *,
        lag(year) over series_window as previous_year,
        lag(region_frame) over series_window as previous_region_frame,
        lag(value) over series_window as previous_value,
        lag(value_for_check) over series_window as previous_value_for_check
    from series
    window series_window as (
        partition by check_name, measure, flow_scope, source_id, region_code order by year
    )

),

comparable_changes as (

    select with_previous.*
    from with_previous
    left join unit_territories as previous_territory
        on
            with_previous.previous_region_frame = previous_territory.region_frame
            and with_previous.region_code = previous_territory.region_code
    left join unit_territories as current_territory
        on
            with_previous.region_frame = current_territory.region_frame
            and with_previous.region_code = current_territory.region_code
    where
        with_previous.previous_year = with_previous.year - 1
        and (
            with_previous.region_code = '000000000'
            or previous_territory.member_codes = current_territory.member_codes
        )

),

checked as (

    select
        comparable_changes.*,
        comparable_changes.value_for_check - comparable_changes.previous_value_for_check as difference,
        {{ tolerance_between(
            'coalesce(specific.abs_tolerance, generic.abs_tolerance)',
            'case when specific.check_name is null then generic.rel_tolerance else specific.rel_tolerance end',
            'comparable_changes.previous_value_for_check', 'comparable_changes.value_for_check') }}
            as tolerance
    from comparable_changes
    left join tolerances as specific
        on
            comparable_changes.check_name = specific.check_name
            and comparable_changes.measure = specific.measure
    left join tolerances as generic
        on
            comparable_changes.check_name = generic.check_name
            and generic.measure = '*'
    where specific.check_name is not null or generic.check_name is not null

)

select
    check_name,
    region_code,
    year,
    case when check_name = 'balance_yoy_outlier' then 'net_migration_per_1000' else measure end as measure,
    flow_scope,
    region_frame,
    source_id as source_a,
    previous_value_for_check as value_a,
    source_id as source_b,
    value_for_check as value_b,
    difference,
    tolerance,
    measure || ' of ' || source_id || ' went from ' || round(previous_value, 4)::varchar || ' ('
    || previous_year::varchar || ') to ' || round(value, 4)::varchar || ' (' || year::varchar || ')'
    || case
        when check_name = 'balance_yoy_outlier'
            then
                ', i.e. ' || round(previous_value_for_check, 2)::varchar || ' -> '
                || round(value_for_check, 2)::varchar || ' per 1,000 population'
        else ''
    end
    || '; one of the two years is suspect' as detail
from checked
where {{ beyond_tolerance('difference', 'tolerance') }}
