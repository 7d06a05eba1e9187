-- A flow inside a unit is not interregional: merging units must drop it.
select
    year,
    region_frame,
    origin_region_code,
    destination_region_code
from {{ ref('fct_migration_flows') }}
where origin_region_code = destination_region_code
