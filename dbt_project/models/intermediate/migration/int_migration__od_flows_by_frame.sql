-- One row per (year, region_frame, origin_region_code, destination_region_code): interregional
-- flows of the origin-destination matrix (diar_od_flows, published in the 20-unit frame for
-- every year) in each frame. kz20 rows are the published flows; kz17 and kz16 rows map both
-- ends to the frame's units, drop flows that start and end inside the same merged unit (they
-- are moves inside a region of that frame) and sum the rest.
with

od_flows as (

    select * from {{ ref('stg_raw__od_flows') }}
    where
        source_id = 'diar_od_flows'
        and flow_scope = 'interregional'
        and persons is not null
        and year >= {{ var('migration_first_year', 2015) }}

),

frame_map as (

    select * from {{ ref('region_frame_map') }}

),

frames as (

    select * from {{ ref('region_frames') }}

),

flows_in_frame_units as (

    select
        origin_units.region_frame,
        od_flows.year,
        origin_units.frame_region_code as origin_region_code,
        destination_units.frame_region_code as destination_region_code,
        od_flows.persons,
        od_flows.observation_id
    from od_flows
    inner join frame_map as origin_units
        on od_flows.origin_region_code = origin_units.region_code
    inner join frame_map as destination_units
        on
            od_flows.destination_region_code = destination_units.region_code
            and origin_units.region_frame = destination_units.region_frame

),

flows_between_units as (

    select
        region_frame,
        year,
        origin_region_code,
        destination_region_code,
        sum(persons) as persons,
        count(*) as published_flows,
        list(observation_id order by observation_id) as lineage_observation_ids
    from flows_in_frame_units
    where origin_region_code <> destination_region_code
    group by all

)

select
    flows_between_units.year,
    flows_between_units.region_frame,
    flows_between_units.origin_region_code,
    flows_between_units.destination_region_code,
    flows_between_units.persons,
    'diar_od_flows' as source_id,
    flows_between_units.published_flows,
    case
        when frames.first_year > flows_between_units.year then 'reframed_by_publisher'
        when flows_between_units.published_flows > 1 then 'merged_units'
        else 'ok'
    end as frame_flag,
    flows_between_units.lineage_observation_ids
from flows_between_units
inner join frames
    on flows_between_units.region_frame = frames.region_frame
