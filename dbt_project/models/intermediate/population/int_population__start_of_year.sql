-- One row per (region_code, year): population at 1 January of the year for every unit of the
-- year's own frame (region_frames) and for the Republic ('000000000'), the source chosen by
-- the precedence seed, every other source compared with it.
with

candidates as (

    select * from {{ ref('int_population__candidates') }}

),

tolerances as (

    select * from {{ ref('migration_check_tolerances') }}
    where check_name = 'population_sources_disagree'

),

frames as (

    select * from {{ ref('region_frames') }}

),

-- the figure of the source ranked first, every other source compared with it
chosen as (

    {{ chosen_with_comparison('candidates', ['region_code', 'year'], 'population_value', 'tolerances') }}

),

regional as (

    select
        chosen.region_code,
        chosen.year,
        chosen.region_frame,
        chosen.population_value as population_start_of_year,
        chosen.source_id,
        chosen.other_sources + 1 as sources_compared,
        case
            when chosen.sources_disagreeing > 0 then 'sources_disagree'
            when chosen.is_parts_summed then 'publisher_new_frame_parts_summed'
            when chosen.precedence > 1 and chosen.other_sources = 0
                then 'low_precedence_source_only'
            else 'ok'
        end as quality_flag,
        concat_ws(
            '; ',
            case
                when chosen.sources_disagreeing > 0
                    then
                        chosen.source_id || '=' || chosen.population_value::varchar
                        || ' kept by precedence; disagreeing: ' || chosen.disagreeing_values
            end,
            case
                when chosen.is_parts_summed
                    then
                        'the source shows the new units of the next frame in this year; '
                        || 'parent = its row plus those units'
            end,
            case
                when chosen.precedence > 1 and chosen.other_sources = 0
                    then 'only ' || chosen.source_id || ' has this figure'
            end
        ) as quality_note,
        chosen.observation_ids as lineage_observation_ids,
        chosen.is_national
    from chosen

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

),

all_units as (

    select * exclude (is_national) from regional
    where not is_national

    union all

    select * from national

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
from all_units
