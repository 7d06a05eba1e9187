-- Per year and frame, the interregional balances derived from the flows sum to 0: every move
-- is one unit's arrival and another's departure.
select
    year,
    region_frame,
    sum(net_migration) as sum_of_balances,
    sum(arrivals) - sum(departures) as arrivals_minus_departures
from {{ ref('fct_migration_balance') }}
where flow_scope = 'interregional'
group by year, region_frame
having abs(sum(net_migration)) > 0.5 or abs(sum(arrivals) - sum(departures)) > 0.5
