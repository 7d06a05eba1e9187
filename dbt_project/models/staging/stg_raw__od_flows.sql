-- One row per published raw cell (source_file, sheet, row_number, column_name) of an
-- origin-destination table: flows as published, typed. A cell may lie below the region grain
-- (a district, kept as written in origin_as_written / destination_as_written, with the region
-- it lies in as the region code) or break a flow down (sex, age_group, month), so a region pair
-- and period may have many rows here; the region-level grain belongs to
-- int_migration__od_flows_by_frame. Rename and cast only (a view: nothing is copied).
with

od_flows as (

    select * from {{ source('raw', 'od_flows') }}
    where measure is not null

)

select
    source_id,
    flow_scope,
    origin_as_written,
    origin_code as origin_region_code,
    destination_as_written,
    destination_code as destination_region_code,
    measure_as_written,
    sex,
    age_group,
    year,
    period,
    period_type,
    value as persons,
    value_text,
    value_flag,
    source_file,
    sheet,
    row_number,
    column_name,
    file_sha256
from od_flows
