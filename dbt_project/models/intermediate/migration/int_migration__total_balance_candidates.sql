-- One row per (source_id, region_code, year): every published total migration balance
-- (all flows, incl. abroad) of a unit of the year's own frame, with the source's precedence
-- (seed migration_source_precedence). Placeholder zeros for units that did not exist yet, and
-- figures for units outside the year's frame, are left out.
with

observations as (

    select * from {{ ref('stg_raw__observations') }}
    where
        measure = 'net_migration'
        and flow_scope = 'total'
        and period_type = 'year'
        and not is_national
        and value is not null
        and staging_flag is null
        and year >= {{ var('migration_first_year', 2015) }}

),

precedence as (

    select * from {{ ref('migration_source_precedence') }}
    where measure = 'net_migration' and flow_scope = 'total'

),

frames as (

    select * from {{ ref('region_frames') }}

)

select
    observations.source_id,
    observations.region_code,
    observations.year,
    frames.region_frame as native_frame,
    observations.value as net_migration,
    precedence.precedence,
    {{ precedence_rank(['observations.region_code', 'observations.year'], 'precedence.precedence') }}
        as precedence_rank,
    observations.observation_id
from observations
inner join precedence
    on observations.source_id = precedence.source_id
inner join frames
    on
        {{ year_in_frame('observations.year', 'frames') }}
