-- net_migration = arrivals - departures wherever both are given (every scope and frame).
select
    region_code,
    year,
    flow_scope,
    region_frame,
    arrivals,
    departures,
    net_migration
from {{ ref('fct_migration_balance') }}
where
    arrivals is not null
    and departures is not null
    and abs(net_migration - (arrivals - departures)) > 0.5
