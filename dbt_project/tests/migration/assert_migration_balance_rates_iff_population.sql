-- Rates exist exactly where population does, and the population measure is stated for them.
select
    region_code,
    year,
    flow_scope,
    region_frame,
    population,
    population_measure,
    net_migration_per_1000
from {{ ref('fct_migration_balance') }}
where
    (population is null) <> (net_migration_per_1000 is null)
    or (population is null) <> (population_measure is null)
    or population <= 0
