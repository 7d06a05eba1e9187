-- One row per (source_id, measure, region_code, period): the mapped values of raw.observations,
-- typed, with a flag where a value cannot stand as published. Rename, cast and flag only.
with

observations as (

    select * from {{ source('raw', 'observations') }}
    where
        measure is not null
        and territory_level in ('country', 'region')

),

-- a unit is valid in year y when it is a unit of y's frame (BNS publishes the reform years 2018
-- and 2022 in the new frame); the model holding that rule is built from seeds alone
frame_units as (

    select * from {{ ref('int_regions__frame_units') }}

),

validity as (

    select
        observations.observation_id,
        observations.territory_level = 'country'
        or count(frame_units.region_code) > 0 as is_valid_unit_for_year
    from observations
    left join frame_units
        on
            observations.region_code = frame_units.region_code
            and {{ year_in_frame('observations.year', 'frame_units') }}
    group by observations.observation_id, observations.territory_level

)

select
    observations.observation_id,
    observations.source_id,
    observations.measure,
    observations.unit,
    observations.flow_scope,
    observations.region_code,
    observations.territory_level = 'country' as is_national,
    observations.year,
    observations.period,
    observations.period_type,
    observations.value,
    observations.value_text,
    observations.value_flag,
    not validity.is_valid_unit_for_year as is_outside_unit_validity,
    case
        when observations.value_flag is not null
            then 'not_published:' || observations.value_flag
        when not validity.is_valid_unit_for_year and observations.value = 0
            then 'placeholder_zero_before_unit_existed'
        when not validity.is_valid_unit_for_year
            then 'unit_outside_its_frame_publisher_estimate'
    end as staging_flag,
    observations.source_file,
    observations.file_sha256,
    observations.sheet,
    observations.row_number,
    observations.column_name
from observations
inner join validity
    on observations.observation_id = validity.observation_id
