-- One row per (source_id, region_code, year): every published 1 January population of a unit
-- of the year's own frame or of the Republic, with the source's precedence (seed
-- migration_source_precedence) and its rank among the sources that publish the figure.
with

observations as (

    select * from {{ ref('stg_raw__observations') }}

),

precedence as (

    select * from {{ ref('migration_source_precedence') }}
    where measure = 'population'

),

frames as (

    select * from {{ ref('region_frames') }}

),

frame_map as (

    select * from {{ ref('region_frame_map') }}

),

-- published 1 January stocks; placeholder zeros and suppressed cells are not figures
population_observations as (

    select
        observations.observation_id,
        observations.source_id,
        observations.region_code,
        observations.is_national,
        observations.year,
        observations.value,
        observations.staging_flag,
        frames.region_frame
    from observations
    inner join frames
        on
            {{ year_in_frame('observations.year', 'frames') }}
    where
        observations.measure = 'population'
        and observations.period_type = 'year'
        and observations.value is not null
        and (
            observations.staging_flag is null
            or observations.staging_flag = 'unit_outside_its_frame_publisher_estimate'
        )

),

-- a source that already shows a new unit in a year of the old frame (xuzzu: Shymkent in 2017)
-- publishes that year in the new borders: its row for the old parent unit holds only the rest
-- of the parent, so the parent is the row plus the new units shown beside it
publisher_new_frame_parts as (

    select
        population_observations.source_id,
        population_observations.year,
        frame_map.frame_region_code as parent_region_code,
        sum(population_observations.value) as parts_value,
        list(population_observations.observation_id order by population_observations.observation_id)
            as parts_observation_ids
    from population_observations
    inner join frame_map
        on
            population_observations.region_frame = frame_map.region_frame
            and population_observations.region_code = frame_map.region_code
    where population_observations.staging_flag = 'unit_outside_its_frame_publisher_estimate'
    group by all

),

candidates as (

    select
        population_observations.region_code,
        population_observations.year,
        population_observations.region_frame,
        population_observations.is_national,
        population_observations.source_id,
        precedence.precedence,
        population_observations.value + coalesce(publisher_new_frame_parts.parts_value, 0) as population_value,
        publisher_new_frame_parts.parts_value is not null as is_parts_summed,
        list_concat(
            [population_observations.observation_id],
            coalesce(publisher_new_frame_parts.parts_observation_ids, [])
        ) as observation_ids
    from population_observations
    inner join precedence
        on population_observations.source_id = precedence.source_id
    left join publisher_new_frame_parts
        on
            population_observations.source_id = publisher_new_frame_parts.source_id
            and population_observations.year = publisher_new_frame_parts.year
            and population_observations.region_code = publisher_new_frame_parts.parent_region_code
    where population_observations.staging_flag is null

)

select
    *,
    {{ precedence_rank(['region_code', 'year']) }} as precedence_rank
from candidates
