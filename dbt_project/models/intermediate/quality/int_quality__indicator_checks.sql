-- One row per detected indicator problem, in the columns of int_quality__migration_checks:
--   indicator_sources_disagree  - the figure chosen by precedence against every other source's
--                                 figure of the same measure, region and year, beyond the
--                                 tolerance of seed quality_tolerances (a derived quarter mean is
--                                 not held against a published annual figure that won)
--   indicator_implausible_zero  - a strictly positive measure published as 0 for a unit that
--                                 existed (treated as missing and never scored)
with

candidates as (

    select * from {{ ref('int_socioeconomic__indicator_candidates') }}

),

observations as (

    select * from {{ ref('stg_raw__observations') }}

),

indicators as (

    select * from {{ ref('indicators') }}

),

frames as (

    select * from {{ ref('region_frames') }}

),

tolerances as (

    select * from {{ ref('quality_tolerances') }}
    where check_name = 'indicator_sources_disagree'

),

chosen as (

    select * from candidates
    where precedence_rank = 1

),

compared_pairs as (

    select
        chosen.region_code,
        chosen.year,
        chosen.measure,
        chosen.region_frame,
        chosen.indicator_code,
        chosen.source_id as source_a,
        chosen.period_type as period_type_a,
        chosen.measure_value as value_a,
        other.source_id as source_b,
        other.period_type as period_type_b,
        other.measure_value as value_b,
        other.measure_value - chosen.measure_value as difference,
        {{ tolerance_between('tolerances.abs_tolerance', 'tolerances.rel_tolerance',
            'chosen.measure_value', 'other.measure_value') }} as tolerance
    from chosen
    inner join candidates as other
        on
            chosen.indicator_code = other.indicator_code
            and chosen.region_code = other.region_code
            and chosen.year = other.year
            and other.precedence_rank > 1
    inner join tolerances
        on chosen.measure = tolerances.measure
    where not (chosen.period_type = 'year' and other.period_type = 'quarter_mean')

),

source_disagreements as (

    select
        'indicator_sources_disagree' as check_name,
        region_code,
        year,
        measure,
        null::varchar as flow_scope,
        region_frame,
        source_a,
        value_a,
        source_b,
        value_b,
        difference,
        tolerance,
        source_a || case when period_type_a = 'quarter_mean' then ' (mean of 4 quarters)' else '' end
        || ' = ' || value_a::varchar || ' chosen by precedence for ' || indicator_code || '; '
        || source_b || case when period_type_b = 'quarter_mean' then ' (mean of 4 quarters)' else '' end
        || ' = ' || value_b::varchar as detail
    from compared_pairs
    where {{ beyond_tolerance('difference', 'tolerance') }}

),

implausible_zeros as (

    select
        'indicator_implausible_zero' as check_name,
        observations.region_code,
        observations.year,
        observations.measure,
        null::varchar as flow_scope,
        frames.region_frame,
        observations.source_id as source_a,
        observations.value as value_a,
        null::varchar as source_b,
        null::double as value_b,
        null::double as difference,
        null::double as tolerance,
        observations.measure || ' published as 0 for a unit of the year''s frame (period '
        || observations.period || ', ' || observations.source_file || ' row '
        || observations.row_number::varchar || ', ' || observations.column_name
        || '); treated as missing, not scored' as detail
    {{ from_indicator_observations_in_year_frame() }}
    where
        indicators.zero_means_missing
        and observations.value = 0
        and observations.staging_flag is null

)

select * from source_disagreements
union all
select * from implausible_zeros
