-- One row per (year, region_frame, flow_scope) with a full origin-destination matrix: the
-- contract over int_drivers__migration_system_indices (a dbt Python model).
with

system_indices as (

    select * from {{ ref('int_drivers__migration_system_indices') }}

)

select
    year::integer as year,
    region_frame::varchar as region_frame,
    flow_scope::varchar as flow_scope,
    regions::integer as regions,
    migrants::double as migrants,
    population::double as population,
    population_measure::varchar as population_measure,
    crude_migration_intensity::double as crude_migration_intensity,
    migration_effectiveness_index::double as migration_effectiveness_index,
    aggregate_net_migration_rate::double as aggregate_net_migration_rate,
    connectivity_index::double as connectivity_index,
    flow_gini::double as flow_gini,
    mean_migration_distance_km::double as mean_migration_distance_km,
    median_migration_distance_km::double as median_migration_distance_km,
    balance_disagreement_share::double as balance_disagreement_share,
    quality_flag::varchar as quality_flag,
    quality_note::varchar as quality_note
from system_indices
