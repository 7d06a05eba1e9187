-- Every unit of a migration mart row is a unit of the row's frame (DESIGN 5.8).
with

frame_units as (

    select distinct
        region_frame,
        frame_region_code as region_code
    from {{ ref('region_frame_map') }}

),

mart_units as (

    select
        'fct_migration_balance' as mart,
        region_frame,
        region_code,
        year
    from {{ ref('fct_migration_balance') }}
    union all
    select
        'fct_migration_flows' as mart,
        region_frame,
        origin_region_code as region_code,
        year
    from {{ ref('fct_migration_flows') }}
    union all
    select
        'fct_migration_flows' as mart,
        region_frame,
        destination_region_code as region_code,
        year
    from {{ ref('fct_migration_flows') }}
    union all
    select
        'fct_migration_attractiveness' as mart,
        region_frame,
        region_code,
        year
    from {{ ref('fct_migration_attractiveness') }}

)

select mart_units.*
from mart_units
anti join frame_units
    on
        mart_units.region_frame = frame_units.region_frame
        and mart_units.region_code = frame_units.region_code
