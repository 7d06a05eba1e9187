-- The interregional arrivals and departures of fct_migration_balance are the sums of the flows
-- of fct_migration_flows in the same frame and year.
with

flows as (

    select * from {{ ref('fct_migration_flows') }}

),

flow_sums as (

    select
        region_frame,
        year,
        region_code,
        sum(arrivals) as arrivals,
        sum(departures) as departures
    from (
        select
            region_frame,
            year,
            destination_region_code as region_code,
            persons as arrivals,
            0 as departures
        from flows
        union all
        select
            region_frame,
            year,
            origin_region_code as region_code,
            0 as arrivals,
            persons as departures
        from flows
    ) as flow_ends
    group by region_frame, year, region_code

),

balances as (

    select * from {{ ref('fct_migration_balance') }}
    where flow_scope = 'interregional'

)

select
    balances.region_frame,
    balances.year,
    balances.region_code,
    balances.arrivals,
    flow_sums.arrivals as flow_arrivals,
    balances.departures,
    flow_sums.departures as flow_departures
from balances
full outer join flow_sums
    on
        balances.region_frame = flow_sums.region_frame
        and balances.year = flow_sums.year
        and balances.region_code = flow_sums.region_code
where
    balances.region_code is null
    or flow_sums.region_code is null
    or abs(balances.arrivals - flow_sums.arrivals) > 0.5
    or abs(balances.departures - flow_sums.departures) > 0.5
