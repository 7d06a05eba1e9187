-- One row per (year, region_frame, origin_region_code, destination_region_code): interregional
-- migration flows of the origin-destination matrix in every region frame. Lineage is a key:
-- (lineage_source_files, year, origin and destination through marts.region_frame_map) selects
-- the lineage_raw_cells cells of raw.od_flows summed into persons.
with

flows as (

    select * from {{ ref('int_migration__od_flows_by_frame') }}

),

check_flags as (

    select * from {{ ref('int_migration__check_flags') }}
    where flow_scope = 'interregional'

),

flagged_flows as (

    select
        flows.*,
        origin_flags.check_note as origin_check_note,
        destination_flags.check_note as destination_check_note
    from flows
    left join check_flags as origin_flags
        on
            flows.region_frame = origin_flags.region_frame
            and flows.origin_region_code = origin_flags.region_code
            and flows.year = origin_flags.year
    left join check_flags as destination_flags
        on
            flows.region_frame = destination_flags.region_frame
            and flows.destination_region_code = destination_flags.region_code
            and flows.year = destination_flags.year

)

select
    year::integer as year,
    region_frame::varchar as region_frame,
    origin_region_code::varchar as origin_region_code,
    destination_region_code::varchar as destination_region_code,
    persons::double as persons,
    source_id::varchar as source_id,
    case
        when coalesce(origin_check_note, destination_check_note) is not null then 'source_disagreement'
        else frame_flag
    end::varchar as quality_flag,
    nullif(concat_ws(
        '; ',
        case
            when frame_flag = 'reframed_by_publisher'
                then
                    'reframed_by_publisher: BNS published ' || year::varchar
                    || ' in an older frame; this split comes from the republished 20-unit matrix'
        end,
        case
            when published_flows > 1
                then
                    'merged_units: sum of ' || published_flows::varchar
                    || ' published flows; flows inside merged units dropped'
        end,
        case when origin_check_note is not null then 'origin: ' || origin_check_note end,
        case when destination_check_note is not null then 'destination: ' || destination_check_note end
    ), '')::varchar as quality_note,
    lineage_source_files::varchar[] as lineage_source_files,
    published_cells::bigint as lineage_raw_cells
from flagged_flows
