-- Internal and interregional balances, each year in its own region frame, with the year's "paper
-- view": the flow scope closest to the paper's "overall internal migration" (internal where
-- published, else interregional). Total balances include moves abroad and are never used here.
with

frames as (
    select
        region_frame,
        first_year,
        coalesce(last_year, 9999) as last_year
    from {{ ref('region_frames') }}
),

balances_with_coefficient as (
    select
        balance.region_code,
        balance.year,
        balance.flow_scope,
        balance.region_frame,
        balance.arrivals,
        balance.departures,
        balance.net_migration,
        balance.net_migration_per_1000,
        balance.source_id,
        balance.quality_flag,
        balance.quality_note,
        attractiveness.attractiveness_coefficient
    from {{ ref('fct_migration_balance') }} as balance
    left join {{ ref('fct_migration_attractiveness') }} as attractiveness
        on
            balance.region_code = attractiveness.region_code
            and balance.year = attractiveness.year
            and balance.flow_scope = attractiveness.flow_scope
            and balance.region_frame = attractiveness.region_frame
    where balance.flow_scope in ('internal', 'interregional')
),

balances_in_own_frame as (
    select balances_with_coefficient.*
    from balances_with_coefficient
    inner join frames
        on
            balances_with_coefficient.region_frame = frames.region_frame
            and balances_with_coefficient.year between frames.first_year and frames.last_year
),

paper_scope_by_year as (
    select
        year,
        arg_min(flow_scope, case flow_scope when 'internal' then 1 else 2 end) as flow_scope
    from balances_in_own_frame
    group by year
)

select
    balances_in_own_frame.*,
    regions.region_name_en,
    regions.region_type,
    paper_scope_by_year.flow_scope is not null as is_paper_view
from balances_in_own_frame
left join paper_scope_by_year
    on
        balances_in_own_frame.year = paper_scope_by_year.year
        and balances_in_own_frame.flow_scope = paper_scope_by_year.flow_scope
inner join {{ ref('dim_region') }} as regions
    on balances_in_own_frame.region_code = regions.region_code
