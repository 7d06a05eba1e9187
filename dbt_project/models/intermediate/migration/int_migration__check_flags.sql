-- One row per (region_frame, region_code, year, flow_scope) that a disagreement of
-- int_quality__migration_checks touches: the checks behind it and a short note with the
-- values. A check on a unit of the 20-unit frame also touches the merged unit of kz17 and kz16
-- it belongs to; a check on the sum over all units ('000000000') touches every unit of its
-- frame and year.
with

checks as (

    select * from {{ ref('int_quality__migration_checks') }}
    where check_name <> 'population_sources_disagree'

),

frame_map as (

    select * from {{ ref('region_frame_map') }}

),

-- which mart scopes each check speaks about
check_scopes as (

    select
        'interregional_vs_internal_balance' as check_name,
        'interregional' as flow_scope
    union all
    select
        'interregional_vs_internal_balance' as check_name,
        'internal' as flow_scope
    union all
    select
        'total_balance_sources_disagree' as check_name,
        'total' as flow_scope
    union all
    select
        'interregional_balances_do_not_sum_to_zero' as check_name,
        'interregional' as flow_scope
    union all
    select
        'internal_net_not_arrivals_minus_departures' as check_name,
        'internal' as flow_scope

),

unit_hits as (

    select
        frame_map.region_frame,
        frame_map.frame_region_code as region_code,
        checks.year,
        check_scopes.flow_scope,
        checks.check_name,
        checks.check_name || ' (' || checks.region_code || ' in ' || checks.region_frame || '): '
        || checks.source_a || ' ' || checks.value_a::varchar || ' vs '
        || coalesce(checks.source_b, 'expected') || ' ' || checks.value_b::varchar as hit_note
    from checks
    inner join check_scopes
        on checks.check_name = check_scopes.check_name
    inner join frame_map
        on checks.region_code = frame_map.region_code
    where checks.region_code <> '000000000'

),

frame_hits as (

    select
        frame_map.region_frame,
        frame_map.frame_region_code as region_code,
        checks.year,
        check_scopes.flow_scope,
        checks.check_name,
        checks.check_name || ' (' || checks.region_frame || '): sum ' || checks.value_a::varchar as hit_note
    from checks
    inner join check_scopes
        on checks.check_name = check_scopes.check_name
    inner join frame_map
        on checks.region_frame = frame_map.region_frame
    where checks.region_code = '000000000'

),

all_hits as (

    select * from unit_hits
    union all
    select * from frame_hits

)

select
    region_frame,
    region_code,
    year,
    flow_scope,
    list_sort(list_distinct(list(check_name))) as check_names,
    string_agg(distinct hit_note, '; ' order by hit_note) as check_note
from all_hits
group by all
