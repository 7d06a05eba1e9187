-- One row per (region_frame, region_code): the units of each region frame with the years the
-- frame is in force (seeds region_frames and region_frame_map). A unit is valid in year y when it
-- is a unit of y's frame: the one place that rule is written (stg_raw__observations flags the
-- cells outside it, the test region_in_year_frame fails the marts' rows outside it).
with

frames as (

    select * from {{ ref('region_frames') }}

),

frame_map as (

    select * from {{ ref('region_frame_map') }}

)

select
    frames.region_frame,
    frame_map.region_code,
    frames.first_year,
    frames.last_year
from frames
inner join frame_map
    on
        frames.region_frame = frame_map.region_frame
        and frame_map.region_code = frame_map.frame_region_code
