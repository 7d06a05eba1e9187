{{ config(alias="region_frame_map") }}

-- One row per (region_frame, region_code): the unit of the frame each unit belongs to.
with

frame_map as (

    select * from {{ ref('region_frame_map') }}

)

select
    region_frame::varchar as region_frame,
    region_code::varchar as region_code,
    frame_region_code::varchar as frame_region_code
from frame_map
