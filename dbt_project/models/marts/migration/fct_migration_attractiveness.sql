-- One row per (region_code, year, flow_scope, region_frame) where arrivals and departures
-- exist: the coefficient of overall migration attractiveness (arrivals / departures) and its
-- rank within year, scope and frame.
with

balances as (

    select * from {{ ref('fct_migration_balance') }}
    where
        arrivals is not null
        and departures is not null

),

coefficients as (

    select
        region_code,
        year,
        flow_scope,
        region_frame,
        arrivals,
        departures,
        arrivals / nullif(departures, 0) as attractiveness_coefficient,
        quality_flag
    from balances

)

select
    region_code::varchar as region_code,
    year::integer as year,
    flow_scope::varchar as flow_scope,
    region_frame::varchar as region_frame,
    arrivals::double as arrivals,
    departures::double as departures,
    attractiveness_coefficient::double as attractiveness_coefficient,
    (attractiveness_coefficient > 1)::boolean as is_attractive,
    rank() over (
        partition by year, flow_scope, region_frame
        order by attractiveness_coefficient desc nulls last
    )::integer as rank_in_year,
    -- coarser frames rank only the units a scope covers (e.g. 14 of 17 in kz17): say how many
    count(*) over (partition by year, flow_scope, region_frame)::integer as ranked_units,
    quality_flag::varchar as quality_flag
from coefficients
