-- One row per (region_code, year): population at 1 January of the year for every unit of the
-- year's own frame (region_frames) and for the Republic ('000000000'), the source chosen by
-- the precedence seed, every other source compared with it.
with

observations as (

    select * from {{ ref('stg_raw__observations') }}

),

precedence as (

    select * from {{ ref('migration_source_precedence') }}
    where measure = 'population'

),

tolerances as (

    select * from {{ ref('migration_check_tolerances') }}
    where check_name = 'population_sources_disagree'

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
            observations.year >= frames.first_year
            and observations.year <= coalesce(frames.last_year, 9999)
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

),

ranked as (

    select
        *,
        row_number() over (
            partition by region_code, year order by precedence
        ) as precedence_rank
    from candidates

),

chosen as (

    select * from ranked
    where precedence_rank = 1

),

comparison as (

    select
        chosen.region_code,
        chosen.year,
        count(ranked.source_id) as sources_compared,
        count(ranked.source_id) filter (
            where abs(ranked.population_value - chosen.population_value) > tolerances.tolerance
        ) as sources_disagreeing,
        string_agg(
            ranked.source_id || '=' || ranked.population_value::varchar, ', ' order by ranked.precedence
        ) filter (where abs(ranked.population_value - chosen.population_value) > tolerances.tolerance)
            as disagreeing_values
    from chosen
    cross join tolerances
    left join ranked
        on
            chosen.region_code = ranked.region_code
            and chosen.year = ranked.year
            and ranked.precedence_rank > 1
    group by all

),

regional as (

    select
        chosen.region_code,
        chosen.year,
        chosen.region_frame,
        chosen.population_value as population_start_of_year,
        chosen.source_id,
        comparison.sources_compared + 1 as sources_compared,
        case
            when comparison.sources_disagreeing > 0 then 'sources_disagree'
            when chosen.is_parts_summed then 'publisher_new_frame_parts_summed'
            when chosen.precedence > 1 and comparison.sources_compared = 0
                then 'low_precedence_source_only'
            else 'ok'
        end as quality_flag,
        concat_ws(
            '; ',
            case
                when comparison.sources_disagreeing > 0
                    then
                        chosen.source_id || '=' || chosen.population_value::varchar
                        || ' kept by precedence; disagreeing: ' || comparison.disagreeing_values
            end,
            case
                when chosen.is_parts_summed
                    then
                        'the source shows the new units of the next frame in this year; '
                        || 'parent = its row plus those units'
            end,
            case
                when chosen.precedence > 1 and comparison.sources_compared = 0
                    then 'only ' || chosen.source_id || ' has this figure'
            end
        ) as quality_note,
        chosen.observation_ids as lineage_observation_ids,
        chosen.is_national
    from chosen
    inner join comparison
        on
            chosen.region_code = comparison.region_code
            and chosen.year = comparison.year

),

-- the Republic: published where a source has it, otherwise the sum of a complete frame
regions_summed as (

    select
        regional.year,
        regional.region_frame,
        sum(regional.population_start_of_year) as population_start_of_year,
        count(*) as units,
        flatten(list(regional.lineage_observation_ids order by regional.region_code))
            as lineage_observation_ids
    from regional
    where not regional.is_national
    group by all

),

national as (

    select
        '000000000' as region_code,
        regions_summed.year,
        regions_summed.region_frame,
        coalesce(
            published.population_start_of_year, regions_summed.population_start_of_year
        ) as population_start_of_year,
        coalesce(published.source_id, 'sum_of_regions') as source_id,
        coalesce(published.sources_compared, 0) as sources_compared,
        case
            when published.region_code is null then 'national_sum_of_regions'
            when
                abs(published.population_start_of_year - regions_summed.population_start_of_year)
                > tolerances.tolerance
                then 'sources_disagree'
            when published.quality_flag = 'low_precedence_source_only' then 'ok'
            else published.quality_flag
        end as quality_flag,
        case
            when published.region_code is null
                then 'sum of the ' || regions_summed.units::varchar || ' units of ' || regions_summed.region_frame
            when
                abs(published.population_start_of_year - regions_summed.population_start_of_year)
                > tolerances.tolerance
                then
                    'published ' || published.population_start_of_year::varchar
                    || ' but the regions sum to ' || regions_summed.population_start_of_year::varchar
            when published.quality_flag = 'low_precedence_source_only'
                then
                    'only ' || published.source_id || ' publishes the Republic; it equals the sum of the '
                    || regions_summed.units::varchar || ' units'
            else published.quality_note
        end as quality_note,
        coalesce(published.lineage_observation_ids, regions_summed.lineage_observation_ids)
            as lineage_observation_ids
    from regions_summed
    inner join frames
        on
            regions_summed.region_frame = frames.region_frame
            and regions_summed.units = frames.unit_count
    cross join tolerances
    left join regional as published
        on
            regions_summed.year = published.year
            and published.is_national

)

select
    region_code,
    year,
    region_frame,
    population_start_of_year,
    source_id,
    sources_compared,
    quality_flag,
    nullif(quality_note, '') as quality_note,
    lineage_observation_ids
from regional
where not is_national

union all

select
    region_code,
    year,
    region_frame,
    population_start_of_year,
    source_id,
    sources_compared,
    quality_flag,
    nullif(quality_note, '') as quality_note,
    lineage_observation_ids
from national
