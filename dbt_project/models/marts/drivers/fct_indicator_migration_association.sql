-- One row per (year, indicator_code, migration_measure, flow_scope, region_frame, lag_years):
-- the contract over int_drivers__indicator_migration_association (a dbt Python model, whose
-- contract dbt would not enforce).
with

association as (

    select * from {{ ref('int_drivers__indicator_migration_association') }}

)

select
    year::integer as year,
    indicator_code::varchar as indicator_code,
    migration_measure::varchar as migration_measure,
    flow_scope::varchar as flow_scope,
    region_frame::varchar as region_frame,
    lag_years::integer as lag_years,
    n_regions::integer as n_regions,
    spearman_rho::double as spearman_rho,
    pearson_r::double as pearson_r,
    p_value::double as p_value,
    p_value_method::varchar as p_value_method,
    quality_flag::varchar as quality_flag,
    quality_note::varchar as quality_note
from association
