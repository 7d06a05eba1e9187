-- One row per (indicator_code, region_code, year), the Republic included: the figure chosen by
-- seed indicator_source_precedence, with what the choice means for its quality:
--   lower_precedence_source  - a source ranked higher has no figure here, a lower one is used
--   derived_mean_of_4_quarters - no published annual figure wins: mean of four quarters
--   sources_disagree         - another source differs beyond tolerance (int_quality__indicator_checks)
with

candidates as (

    select * from {{ ref('int_socioeconomic__indicator_candidates') }}

),

indicator_checks as (

    select * from {{ ref('int_quality__indicator_checks') }}

),

precedence as (

    select * from {{ ref('indicator_source_precedence') }}

),

chosen as (

    select * from candidates
    where precedence_rank = 1

),

-- sources that landed any figure of the indicator: a source with no data at all (e.g. a
-- `make download` table that was not downloaded) is not "passed over"
sources_with_data as (

    select distinct
        indicator_code,
        source_id,
        period_type
    from candidates

),

-- the sources ranked above the chosen one, which have no figure for this region and year
passed_over_sources as (

    select
        chosen.indicator_code,
        chosen.region_code,
        chosen.year,
        string_agg(
            precedence.source_id
            || case when precedence.period_type = 'quarter_mean' then ' (quarter mean)' else '' end,
            ', ' order by precedence.precedence
        ) as passed_over
    from chosen
    inner join precedence
        on
            chosen.indicator_code = precedence.indicator_code
            and chosen.precedence > precedence.precedence
    inner join sources_with_data
        on
            precedence.indicator_code = sources_with_data.indicator_code
            and precedence.source_id = sources_with_data.source_id
            and precedence.period_type = sources_with_data.period_type
    group by chosen.indicator_code, chosen.region_code, chosen.year

),

disagreements as (

    select
        region_code,
        year,
        measure,
        count(*) as sources_disagreeing,
        string_agg(source_b || ' = ' || value_b::varchar, ', ' order by source_b) as disagreeing_values
    from indicator_checks
    where check_name = 'indicator_sources_disagree'
    group by region_code, year, measure

),

source_counts as (

    select
        indicator_code,
        region_code,
        year,
        count(*) as sources_compared
    from candidates
    group by indicator_code, region_code, year

)

select
    chosen.indicator_code,
    chosen.region_code,
    chosen.year,
    chosen.region_frame,
    chosen.is_national,
    chosen.measure,
    chosen.unit,
    chosen.derivation,
    chosen.measure_value,
    chosen.population,
    chosen.population_measure,
    chosen.population_source_id,
    chosen.population_quality_flag,
    chosen.indicator_value,
    chosen.source_id,
    chosen.period_type as source_period_type,
    chosen.precedence,
    source_counts.sources_compared,
    coalesce(disagreements.sources_disagreeing, 0) > 0 as is_sources_disagree,
    chosen.is_derived_from_quarters,
    passed_over_sources.passed_over is not null as is_lower_precedence_source,
    nullif(concat_ws(
        '; ',
        case
            when disagreements.sources_disagreeing > 0
                then
                    chosen.source_id || ' = ' || chosen.measure_value::varchar
                    || ' kept by precedence; disagreeing: ' || disagreements.disagreeing_values
        end,
        case
            when chosen.is_derived_from_quarters
                then
                    'derived: mean of the 4 published quarters of ' || chosen.source_id
                    || ' (no published annual figure ranked higher)'
        end,
        case
            when passed_over_sources.passed_over is not null
                then
                    'no figure in ' || passed_over_sources.passed_over || '; ' || chosen.source_id
                    || ' used (precedence ' || chosen.precedence::varchar || ')'
        end
    ), '') as quality_note,
    chosen.lineage_observation_ids
from chosen
inner join source_counts
    on
        chosen.indicator_code = source_counts.indicator_code
        and chosen.region_code = source_counts.region_code
        and chosen.year = source_counts.year
left join passed_over_sources
    on
        chosen.indicator_code = passed_over_sources.indicator_code
        and chosen.region_code = passed_over_sources.region_code
        and chosen.year = passed_over_sources.year
left join disagreements
    on
        chosen.measure = disagreements.measure
        and chosen.region_code = disagreements.region_code
        and chosen.year = disagreements.year
