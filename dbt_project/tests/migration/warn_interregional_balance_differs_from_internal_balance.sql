-- WARN: the real files violate this. A region's interregional net migration (origin-destination
-- matrix) must equal its internal net migration (kanat): moves inside a region cancel. In 2022
-- the matrix disagrees for every region (it looks partly transposed), in 2023 for Almaty Region
-- and Shymkent (647 persons each), in 2024 by 1-2 persons (monthly sums). Details per row in
-- int_quality__migration_checks; affected mart rows carry quality_flag 'source_disagreement'.
{{ config(severity = 'warn') }}

with

balances as (

    select * from {{ ref('fct_migration_balance') }}
    where region_frame = 'kz20'

)

select
    interregional.region_code,
    interregional.year,
    interregional.net_migration as interregional_net,
    internal.net_migration as internal_net
from balances as interregional
inner join balances as internal
    on
        interregional.region_code = internal.region_code
        and interregional.year = internal.year
where
    interregional.flow_scope = 'interregional'
    and internal.flow_scope = 'internal'
    and abs(interregional.net_migration - internal.net_migration) > 0.5
