-- One row per source_id: raw.source_registry (the registry as of the last load), renamed and
-- cast only.
with

source_registry as (

    select * from {{ source('raw', 'source_registry') }}

)

select
    source_id::varchar as source_id,
    description::varchar as description,
    repository::varchar as repository,
    commit::varchar as source_commit,
    published_path::varchar as published_path,
    parser::varchar as parser_key,
    target_table::varchar as target_table,
    required::boolean as is_required,
    first_period_year::integer as first_period_year,
    entry_fingerprint::varchar as entry_fingerprint,
    load_warning::varchar as load_warning
from source_registry
