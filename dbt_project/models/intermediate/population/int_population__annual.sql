-- One row per (region_code, year): population of each unit of the year's own frame
-- (kz16 up to 2017, kz17 2018-2021, kz20 from 2022) and of the Republic ('000000000').
with

population_by_frame as (

    select * from {{ ref('int_population__by_frame') }}

),

frames as (

    select * from {{ ref('region_frames') }}

)

select
    population_by_frame.region_code,
    population_by_frame.year,
    population_by_frame.region_frame,
    population_by_frame.population_start_of_year,
    population_by_frame.population_average,
    population_by_frame.population_measure,
    population_by_frame.population_for_rates,
    population_by_frame.source_id,
    population_by_frame.quality_flag,
    population_by_frame.lineage_observation_ids
from population_by_frame
inner join frames
    on
        population_by_frame.region_frame = frames.region_frame
        and {{ year_in_frame('population_by_frame.year', 'frames') }}
