-- One row per (native_frame, region_frame, region_code, part_region_code): the units of a
-- year's own frame (native_frame) whose figures add up to unit region_code of region_frame.
-- Only where the unit is a union of whole native units: a unit split later (Abai inside East
-- Kazakhstan of kz17) cannot be built from sums and gets no row. frame_relation says whether
-- region_frame is the native frame, coarser, or finer (then only unchanged units appear).
with

frame_map as (

    select * from {{ ref('region_frame_map') }}

),

frames as (

    select * from {{ ref('region_frames') }}

),

-- the 20 units of the current frame are the atoms every unit of every frame is made of
atoms as (

    select
        frame_map.region_frame,
        frame_map.region_code as atom_code,
        frame_map.frame_region_code
    from frame_map
    where frame_map.region_code in (
        select current_units.region_code from frame_map as current_units
        where current_units.region_frame = 'kz20'
    )

),

native_unit_sizes as (

    select
        region_frame,
        frame_region_code,
        count(*) as atom_count
    from atoms
    group by all

),

-- each native unit against each unit of each frame it shares atoms with
unit_overlaps as (

    select
        native_atoms.region_frame as native_frame,
        target_atoms.region_frame,
        target_atoms.frame_region_code as region_code,
        native_atoms.frame_region_code as part_region_code,
        count(*) as shared_atoms
    from atoms as native_atoms
    inner join atoms as target_atoms
        on native_atoms.atom_code = target_atoms.atom_code
    group by all

),

derivable_units as (

    select
        unit_overlaps.native_frame,
        unit_overlaps.region_frame,
        unit_overlaps.region_code,
        count(*) as parts_in_unit
    from unit_overlaps
    inner join native_unit_sizes
        on
            unit_overlaps.native_frame = native_unit_sizes.region_frame
            and unit_overlaps.part_region_code = native_unit_sizes.frame_region_code
    group by all
    having bool_and(unit_overlaps.shared_atoms = native_unit_sizes.atom_count)

)

select
    unit_overlaps.native_frame,
    unit_overlaps.region_frame,
    unit_overlaps.region_code,
    unit_overlaps.part_region_code,
    derivable_units.parts_in_unit,
    case
        when target_frames.first_year = native_frames.first_year then 'same'
        when target_frames.first_year < native_frames.first_year then 'coarser'
        else 'finer'
    end as frame_relation
from unit_overlaps
inner join derivable_units
    on
        unit_overlaps.native_frame = derivable_units.native_frame
        and unit_overlaps.region_frame = derivable_units.region_frame
        and unit_overlaps.region_code = derivable_units.region_code
inner join frames as native_frames
    on unit_overlaps.native_frame = native_frames.region_frame
inner join frames as target_frames
    on unit_overlaps.region_frame = target_frames.region_frame
