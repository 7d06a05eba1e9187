-- One row per (region_frame, origin_region_code, destination_region_code), origin <> destination:
-- the contract over int_drivers__region_distance (a dbt Python model).
with

distances as (

    select * from {{ ref('int_drivers__region_distance') }}

)

select
    region_frame::varchar as region_frame,
    origin_region_code::varchar as origin_region_code,
    destination_region_code::varchar as destination_region_code,
    distance_km::double as distance_km,
    origin_centre_name_en::varchar as origin_centre_name_en,
    origin_centre_name_ru::varchar as origin_centre_name_ru,
    origin_centre_name_kk::varchar as origin_centre_name_kk,
    origin_latitude::double as origin_latitude,
    origin_longitude::double as origin_longitude,
    destination_centre_name_en::varchar as destination_centre_name_en,
    destination_centre_name_ru::varchar as destination_centre_name_ru,
    destination_centre_name_kk::varchar as destination_centre_name_kk,
    destination_latitude::double as destination_latitude,
    destination_longitude::double as destination_longitude
from distances
