-- One row per (region_frame, region_code, year): total migration balance (all flows, incl.
-- moves abroad; net only, no source publishes total arrivals and departures by region here).
-- The source is chosen per unit of the year's own frame by seed migration_source_precedence
-- (kazdata_migration_balance > camomile_migration > xuzzu_region_panel); coarser frames sum
-- the parts. Disagreements are listed in int_quality__migration_checks.
with

candidates as (

    select * from {{ ref('int_migration__total_balance_candidates') }}

),

tolerances as (

    select * from {{ ref('migration_check_tolerances') }}
    where check_name = 'total_balance_sources_disagree'

),

unit_parts as (

    select * from {{ ref('int_region_frames__unit_parts') }}
    where frame_relation in ('same', 'coarser')

),

-- the best rank among the sources this build loaded: a source ranked below it that alone
-- publishes a figure is 'low precedence only'; a source ranked below one that is not loaded
-- at all (e.g. the BNS download before `make download`) is the first-ranked source present
best_loaded as (

    select min(precedence) as precedence from candidates

),

-- the figure of the source ranked first, every other source compared with it
chosen as (

    {{ chosen_with_comparison('candidates', ['region_code', 'year'], 'net_migration', 'tolerances') }}

),

published_units as (

    select
        chosen.region_code,
        chosen.year,
        chosen.native_frame,
        chosen.net_migration,
        chosen.source_id,
        chosen.precedence > best_loaded.precedence and chosen.other_sources = 0
            as is_low_precedence_only,
        chosen.sources_disagreeing > 0 as is_disputed,
        chosen.observation_id
    from chosen
    cross join best_loaded

),

frame_units as (

    {% call sum_parts_into_frame_units('published_units', 'unit_parts') %}
        sum(published_units.net_migration) as net_migration,
        string_agg(distinct published_units.source_id, '+' order by published_units.source_id) as source_id,
        bool_or(published_units.is_low_precedence_only) as is_low_precedence_only,
        list(published_units.observation_id order by published_units.observation_id)
            as lineage_observation_ids
    {% endcall %}

)

select
    region_frame,
    region_code,
    year,
    'total' as flow_scope,
    null::double as arrivals,
    null::double as departures,
    net_migration,
    source_id,
    case
        when is_low_precedence_only then 'low_precedence_source_only'
        when parts_in_unit > 1 then 'merged_units'
        else 'ok'
    end as base_flag,
    nullif(concat_ws(
        '; ',
        case when is_low_precedence_only then 'only ' || source_id || ' publishes this balance' end,
        case when parts_in_unit > 1 then 'net migration summed over ' || parts_in_unit::varchar || ' units' end
    ), '') as base_note,
    lineage_observation_ids
from frame_units
