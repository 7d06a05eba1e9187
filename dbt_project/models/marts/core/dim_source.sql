-- One row per source of ingest/source_registry.yml: its lineage, whether a refresh requires it,
-- when its rows were last landed and the latest year they cover. The load facts are read from
-- the raw layer's bookkeeping (raw.load_manifest, and the period dictionaries of the landed
-- files) rather than from the 10^8-row cell tables.
with

sources as (

    select * from {{ ref('stg_raw__source_registry') }}

),

loads as (

    select
        source_id,
        max(loaded_at) as latest_loaded_at
    from {{ source('raw', 'load_manifest') }}
    where status = 'loaded'
    group by source_id

),

observation_years as (

    select
        source_id,
        max(year) as latest_period_year
    from {{ source('raw', 'observations') }}
    group by source_id

),

od_flow_years as (

    select
        files.source_id,
        max(periods.year) as latest_period_year
    from {{ source('raw', 'od_flow_files') }} as files
    inner join {{ source('raw', 'od_flow_periods') }} as periods
        on files.file_key = periods.file_key
    group by files.source_id

),

source_years as (

    select * from observation_years
    union all
    select * from od_flow_years

),

landed_years as (

    select
        source_id,
        max(latest_period_year) as latest_period_year
    from source_years
    group by source_id

)

select
    sources.source_id::varchar as source_id,
    sources.description::varchar as description,
    sources.repository::varchar as repository,
    -- the column name of the shared dim_source schema (other stages read it)
    sources.source_commit::varchar as commit,  -- noqa: RF04
    sources.published_path::varchar as published_path,
    sources.is_required::boolean as required,
    loads.latest_loaded_at::timestamp as latest_loaded_at,
    landed_years.latest_period_year::integer as latest_period_year,
    sources.load_warning::varchar as load_warning
from sources
left join loads on sources.source_id = loads.source_id
left join landed_years on sources.source_id = landed_years.source_id
