-- One row per (region_frame, region_code, year): internal migration (moves within the country,
-- including moves inside a region) from kanat_internal_migration, published in the 20-unit
-- frame for 2022-2024. The annual row of the file is used where it exists; 2024 is published
-- only by month, so its annual figure is the sum of the 12 months (flag
-- 'derived_annual_sum_of_months'). Coarser frames (kz17, kz16) sum the parts: net migration
-- adds up, arrivals and departures of a merged unit do not (moves between its parts are
-- unknown) and stay NULL.
with

observations as (

    select * from {{ ref('stg_raw__observations') }}
    where
        source_id = 'kanat_internal_migration'
        and flow_scope = 'internal'
        and measure in ('arrivals', 'departures', 'net_migration')
        and not is_national
        and value is not null
        and staging_flag is null
        and year >= {{ var('migration_first_year', 2015) }}

),

unit_parts as (

    select * from {{ ref('int_region_frames__unit_parts') }}
    where frame_relation in ('same', 'coarser')

),

frames as (

    select * from {{ ref('region_frames') }}

),

annual_rows as (

    select
        region_code,
        year,
        max(value) filter (where measure = 'arrivals') as arrivals,
        max(value) filter (where measure = 'departures') as departures,
        max(value) filter (where measure = 'net_migration') as net_migration,
        false as is_sum_of_months,
        list(observation_id order by measure) as lineage_observation_ids
    from observations
    where period_type = 'year'
    group by all

),

monthly_sums as (

    select
        region_code,
        year,
        sum(value) filter (where measure = 'arrivals') as arrivals,
        sum(value) filter (where measure = 'departures') as departures,
        sum(value) filter (where measure = 'net_migration') as net_migration,
        true as is_sum_of_months,
        list(observation_id order by period, measure) as lineage_observation_ids
    from observations
    where period_type = 'month'
    group by all
    having count(distinct period) = 12

),

published_units as (

    select * from annual_rows

    union all

    select monthly_sums.* from monthly_sums
    anti join annual_rows
        on
            monthly_sums.region_code = annual_rows.region_code
            and monthly_sums.year = annual_rows.year

),

published_with_frame as (

    select
        published_units.*,
        frames.region_frame as native_frame
    from published_units
    inner join frames
        on
            {{ year_in_frame('published_units.year', 'frames') }}

),

frame_units as (

    {% call sum_parts_into_frame_units('published_with_frame', 'unit_parts') %}
        sum(published_with_frame.arrivals) as arrivals,
        sum(published_with_frame.departures) as departures,
        sum(published_with_frame.net_migration) as net_migration,
        bool_or(published_with_frame.is_sum_of_months) as is_sum_of_months,
        list_sort(flatten(list(published_with_frame.lineage_observation_ids))) as lineage_observation_ids
    {% endcall %}

)

select
    region_frame,
    region_code,
    year,
    'internal' as flow_scope,
    case when parts_in_unit = 1 then arrivals end as arrivals,
    case when parts_in_unit = 1 then departures end as departures,
    net_migration,
    'kanat_internal_migration' as source_id,
    case
        when is_sum_of_months then 'derived_annual_sum_of_months'
        when parts_in_unit > 1 then 'merged_units'
        else 'ok'
    end as base_flag,
    nullif(concat_ws(
        '; ',
        case when is_sum_of_months then 'annual figure = sum of the 12 published months' end,
        case
            when parts_in_unit > 1
                then
                    'net migration summed over ' || parts_in_unit::varchar
                    || ' units; arrivals and departures unknown (moves between the parts are not published)'
        end
    ), '') as base_note,
    lineage_observation_ids
from frame_units
