-- One row per region (oblast or city of republican significance) ever used since 2015.
with

regions as (

    select * from {{ ref('regions') }}

)

select
    region_code::varchar as region_code,
    region_name_en::varchar as region_name_en,
    region_name_ru::varchar as region_name_ru,
    region_name_kk::varchar as region_name_kk,
    region_type::varchar as region_type,
    valid_from::date as valid_from,
    valid_to::date as valid_to
from regions
