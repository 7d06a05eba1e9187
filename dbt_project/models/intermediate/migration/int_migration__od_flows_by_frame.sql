-- One row per (year, region_frame, origin_region_code, destination_region_code): interregional
-- flows of the origin-destination matrix (diar_od_flows, published in the 20-unit frame for
-- every year) in each frame. The raw cells (possibly districts, months, sexes, age groups) are
-- first summed per (source_file, year, published region pair), so the frame map joins a few
-- thousand rows whatever the number of cells. kz20 rows are the published region pairs; kz17
-- and kz16 rows map both ends to the frame's units, drop flows that start and end inside the
-- same merged unit (they are moves inside a region of that frame) and sum the rest. Lineage is
-- a key, not a list of ids: the row's own keys, the source files and the number of cells summed.
with

od_cells as (

    select
        source_file,
        year,
        origin_region_code,
        destination_region_code,
        persons
    from {{ ref('stg_raw__od_flows') }}
    where
        source_id = 'diar_od_flows'
        and flow_scope = 'interregional'
        and persons is not null
        and year >= {{ var('migration_first_year', 2015) }}

),

-- exact decimal sums: a double sum depends on DuckDB's thread order, and two builds must agree
published_pairs as (

    select
        source_file,
        year,
        origin_region_code,
        destination_region_code,
        sum(persons::decimal(18, 6)) as persons,
        count(*) as published_cells
    from od_cells
    group by source_file, year, origin_region_code, destination_region_code

),

frame_map as (

    select * from {{ ref('region_frame_map') }}

),

frames as (

    select * from {{ ref('region_frames') }}

),

pairs_in_frame_units as (

    select
        origin_units.region_frame,
        published_pairs.year,
        origin_units.frame_region_code as origin_region_code,
        destination_units.frame_region_code as destination_region_code,
        published_pairs.origin_region_code || '>' || published_pairs.destination_region_code
            as published_pair,
        published_pairs.source_file,
        published_pairs.persons,
        published_pairs.published_cells
    from published_pairs
    inner join frame_map as origin_units
        on published_pairs.origin_region_code = origin_units.region_code
    inner join frame_map as destination_units
        on
            published_pairs.destination_region_code = destination_units.region_code
            and origin_units.region_frame = destination_units.region_frame

),

flows_between_units as (

    select
        region_frame,
        year,
        origin_region_code,
        destination_region_code,
        sum(persons) as persons,
        count(distinct published_pair) as published_flows,
        sum(published_cells)::bigint as published_cells,
        list_sort(list_distinct(list(source_file))) as lineage_source_files
    from pairs_in_frame_units
    where origin_region_code <> destination_region_code
    group by region_frame, year, origin_region_code, destination_region_code

)

select
    flows_between_units.year,
    flows_between_units.region_frame,
    flows_between_units.origin_region_code,
    flows_between_units.destination_region_code,
    flows_between_units.persons,
    'diar_od_flows' as source_id,
    flows_between_units.published_flows,
    flows_between_units.published_cells,
    case
        when frames.first_year > flows_between_units.year then 'reframed_by_publisher'
        when flows_between_units.published_flows > 1 then 'merged_units'
        else 'ok'
    end as frame_flag,
    flows_between_units.lineage_source_files
from flows_between_units
inner join frames
    on flows_between_units.region_frame = frames.region_frame
