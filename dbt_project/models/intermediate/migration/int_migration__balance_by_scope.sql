-- One row per (region_frame, region_code, year, flow_scope): arrivals, departures and net
-- migration of each scope before population and checks are joined: interregional from the
-- origin-destination matrix (all three frames), internal from kanat_internal_migration, total
-- from the three total-balance sources by precedence. Scopes are never mixed: each row holds
-- the figures of one scope from one source family. Lineage: raw.observations ids for internal
-- and total rows; for interregional rows a key into raw.od_flows (source files, cell count).
with

interregional as (

    select * from {{ ref('int_migration__interregional_balance') }}

),

internal as (

    select * from {{ ref('int_migration__internal_balance') }}

),

total as (

    select * from {{ ref('int_migration__total_balance') }}

),

-- interregional rows trace back to OD cells (source files, cell count), internal and total rows
-- to raw.observations ids
all_scopes as (

    {% for scope in ['interregional', 'internal', 'total'] %}
        select
            region_frame,
            region_code,
            year,
            flow_scope,
            arrivals,
            departures,
            net_migration,
            source_id,
            base_flag,
            base_note,
            {% if scope == 'interregional' -%}
                []::varchar[] as lineage_observation_ids,
                lineage_od_source_files,
                lineage_od_cells
            {%- else -%}
                lineage_observation_ids,
                null::varchar[] as lineage_od_source_files,
                null::bigint as lineage_od_cells
            {%- endif %}
        from {{ scope }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from all_scopes
