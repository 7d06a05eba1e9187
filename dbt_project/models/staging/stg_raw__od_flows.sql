-- One row per (source_id, year, period, origin_region_code, destination_region_code):
-- origin-destination flows as published, typed.
with

od_flows as (

    select * from {{ source('raw', 'od_flows') }}
    where measure is not null

)

select
    observation_id,
    source_id,
    flow_scope,
    origin_code as origin_region_code,
    destination_code as destination_region_code,
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
