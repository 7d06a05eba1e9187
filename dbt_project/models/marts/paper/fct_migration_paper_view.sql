-- The balances of the paper's Figures 1 and 2: for each year, the flow scope closest to the
-- paper's "overall internal migration" (internal where published, else interregional) in the
-- year's own region frame. The choice is made once, in int_paper__balance_paper_view, which
-- paper_claims reads too, so the figures and the verdicts use the same rows.
with

paper_view_balances as (
    select *
    from {{ ref('int_paper__balance_paper_view') }}
    where is_paper_view
)

select
    region_code,
    year,
    flow_scope,
    region_frame,
    arrivals,
    departures,
    net_migration,
    net_migration_per_1000,
    attractiveness_coefficient,
    source_id,
    quality_flag,
    quality_note
from paper_view_balances
