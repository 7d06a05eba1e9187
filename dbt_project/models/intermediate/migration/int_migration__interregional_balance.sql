-- One row per (region_frame, region_code, year): interregional arrivals, departures and net
-- migration of every unit of every frame, summed from the origin-destination flows of that
-- frame (flows inside a merged unit already dropped, so arrivals and departures are exact).
-- Lineage is a key: the raw cells of the source files whose origin or destination (not both)
-- lies in the unit of the frame, in the year; lineage_od_cells counts them.
with

flows as (

    select * from {{ ref('int_migration__od_flows_by_frame') }}

),

frame_units as (

    select
        region_frame,
        frame_region_code as region_code,
        count(*) as parts
    from {{ ref('region_frame_map') }}
    where
        region_code in (
            select current_units.region_code from {{ ref('region_frame_map') }} as current_units
            where current_units.region_frame = 'kz20'
        )
    group by all

),

frames as (

    select * from {{ ref('region_frames') }}

),

flow_ends as (

    select
        region_frame,
        year,
        destination_region_code as region_code,
        persons as arrivals,
        0 as departures,
        published_cells,
        lineage_source_files
    from flows

    union all

    select
        region_frame,
        year,
        origin_region_code as region_code,
        0 as arrivals,
        persons as departures,
        published_cells,
        lineage_source_files
    from flows

),

balances as (

    select
        region_frame,
        region_code,
        year,
        sum(arrivals) as arrivals,
        sum(departures) as departures,
        sum(published_cells)::bigint as lineage_od_cells,
        list_sort(list_distinct(flatten(list(lineage_source_files)))) as lineage_od_source_files
    from flow_ends
    group by all

)

select
    balances.region_frame,
    balances.region_code,
    balances.year,
    'interregional' as flow_scope,
    balances.arrivals,
    balances.departures,
    balances.arrivals - balances.departures as net_migration,
    'diar_od_flows' as source_id,
    case
        when frames.first_year > balances.year then 'reframed_by_publisher'
        when frame_units.parts > 1 then 'merged_units'
        else 'ok'
    end as base_flag,
    case
        when frames.first_year > balances.year
            then
                'BNS published ' || balances.year::varchar || ' in an older frame; the 20-unit split '
                || 'comes from the republished matrix'
                || case when frame_units.parts > 1 then '; units merged, flows between their parts dropped' else '' end
        when frame_units.parts > 1 then 'units merged from the 20-unit matrix, flows between their parts dropped'
    end as base_note,
    balances.lineage_od_source_files,
    balances.lineage_od_cells
from balances
inner join frames
    on balances.region_frame = frames.region_frame
inner join frame_units
    on
        balances.region_frame = frame_units.region_frame
        and balances.region_code = frame_units.region_code
