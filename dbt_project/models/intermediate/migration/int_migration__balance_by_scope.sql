-- One row per (region_frame, region_code, year, flow_scope): arrivals, departures and net
-- migration of each scope before population and checks are joined: interregional from the
-- origin-destination matrix (all three frames), internal from kanat_internal_migration, total
-- from the three total-balance sources by precedence. Scopes are never mixed: each row holds
-- the figures of one scope from one source family.
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

all_scopes as (

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
        lineage_observation_ids
    from interregional

    union all

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
        lineage_observation_ids
    from internal

    union all

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
        lineage_observation_ids
    from total

)

select * from all_scopes
