-- One row per (region_frame, region_code, year): population of each unit of each frame in a
-- year, wherever it is derivable from the units published that year. A unit of a coarser frame
-- is the sum of its published parts (South Kazakhstan in 2020 = Turkestan + Shymkent); a unit of
-- a finer frame than the year's own is not derivable (Abai in 2020 is inside East Kazakhstan)
-- and gets no row. The annual average is the mean of 1 January of y and y + 1 in the same unit.
with

start_of_year as (

    select * from {{ ref('int_population__start_of_year') }}

),

unit_parts as (

    select * from {{ ref('int_region_frames__unit_parts') }}

),

frames as (

    select * from {{ ref('region_frames') }}

),

-- a unit of a frame is the sum of the published units inside it, when all of them are there
regional_start_of_year as (

    select
        region_frame,
        region_code,
        year,
        population_start_of_year,
        parts,
        source_id,
        quality_flag,
        parts_region_codes,
        lineage_observation_ids
    from (
        {% call sum_parts_into_frame_units('start_of_year', 'unit_parts', 'region_frame') %}
            sum(start_of_year.population_start_of_year) as population_start_of_year,
            count(*) as parts,
            string_agg(distinct start_of_year.source_id, '+' order by start_of_year.source_id) as source_id,
            case
                when bool_or(start_of_year.quality_flag = 'sources_disagree') then 'sources_disagree'
                when bool_or(start_of_year.quality_flag = 'publisher_new_frame_parts_summed')
                    then 'publisher_new_frame_parts_summed'
                when bool_or(start_of_year.quality_flag = 'low_precedence_source_only')
                    then 'low_precedence_source_only'
                when count(*) > 1 then 'sum_of_parts'
                else 'ok'
            end as quality_flag,
            string_agg(start_of_year.region_code, '+' order by start_of_year.region_code) as parts_region_codes,
            flatten(list(start_of_year.lineage_observation_ids order by start_of_year.region_code))
                as lineage_observation_ids
        {% endcall %}
    )

),

-- the Republic is the same in every frame
national_start_of_year as (

    select
        frames.region_frame,
        start_of_year.region_code,
        start_of_year.year,
        start_of_year.population_start_of_year,
        1 as parts,
        start_of_year.source_id,
        start_of_year.quality_flag,
        start_of_year.region_code as parts_region_codes,
        start_of_year.lineage_observation_ids
    from start_of_year
    cross join frames
    where start_of_year.region_code = '000000000'

),

all_start_of_year as (

    select * from regional_start_of_year
    union all
    select * from national_start_of_year

),

with_next_year as (

    select
        this_year.*,
        next_year.population_start_of_year as population_start_of_next_year,
        next_year.quality_flag as next_year_quality_flag,
        next_year.lineage_observation_ids as next_year_lineage_observation_ids
    from all_start_of_year as this_year
    left join all_start_of_year as next_year
        on
            this_year.region_frame = next_year.region_frame
            and this_year.region_code = next_year.region_code
            and this_year.year + 1 = next_year.year

)

select
    region_frame,
    region_code,
    year,
    population_start_of_year,
    (population_start_of_year + population_start_of_next_year) / 2.0 as population_average,
    case
        when population_start_of_next_year is not null then 'annual_average_from_1_january_stocks'
        else 'start_of_year'
    end as population_measure,
    coalesce(
        (population_start_of_year + population_start_of_next_year) / 2.0, population_start_of_year
    ) as population_for_rates,
    source_id,
    case
        when 'sources_disagree' in (quality_flag, next_year_quality_flag) then 'sources_disagree'
        when 'publisher_new_frame_parts_summed' in (quality_flag, next_year_quality_flag)
            then 'publisher_new_frame_parts_summed'
        when 'low_precedence_source_only' in (quality_flag, next_year_quality_flag)
            then 'low_precedence_source_only'
        when 'national_sum_of_regions' in (quality_flag, next_year_quality_flag)
            then 'national_sum_of_regions'
        when 'sum_of_parts' in (quality_flag, next_year_quality_flag) then 'sum_of_parts'
        else 'ok'
    end as quality_flag,
    parts_region_codes,
    list_concat(
        lineage_observation_ids, coalesce(next_year_lineage_observation_ids, [])
    ) as lineage_observation_ids
from with_next_year
