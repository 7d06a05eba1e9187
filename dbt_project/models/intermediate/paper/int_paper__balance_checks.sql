-- The paper's statements about balances (seed paper_claim_statements), one CTE per kind of check
-- (the seed's check_name): the warehouse's value, the verdict, the evidence in words, and the
-- years, scopes, frames and flags of the balances the check read. Grain: one row per claim_id of
-- the checks below; marts.paper_claims adds the statements' texts.
with

claims as (
    select * from {{ ref('paper_claim_statements') }}
),

balances as (
    select * from {{ ref('int_paper__balance_paper_view') }}
),

scores as (
    select * from {{ ref('fct_socioeconomic_scores') }}
),

named_regions as (
    select * from {{ ref('paper_named_regions') }}
),

-- balances of each claim's years, paper view (the claim's scope_rule says which rows it reads)
claim_balances as (
    select
        claims.claim_id,
        claims.check_name,
        claims.paper_number,
        claims.tolerance,
        balances.*
    from claims
    inner join balances
        on
            balances.year between claims.first_year and claims.last_year
            and (
                (claims.scope_rule = 'paper_view' and balances.is_paper_view)
                or claims.scope_rule = balances.flow_scope
            )
),

-- years, scopes, frames and flags each claim's balances come from
claim_coverage as (
    select
        claim_id,
        {{ rows_used() }}
    from claim_balances
    group by claim_id
),

movers_by_year as (
    select
        claim_id,
        paper_number,
        year,
        sum(departures) as movers
    from claim_balances
    where check_name = 'movers_above'
    group by all
),

internal_moves_by_year as (
    select
        year,
        sum(departures) as moves
    from balances
    where flow_scope = 'internal'
    group by year
),

check_movers_above as (
    select
        movers_by_year.claim_id,
        min(movers_by_year.movers)::bigint::varchar as warehouse_value,
        case
            when bool_and(movers_by_year.movers > movers_by_year.paper_number) then 'reproduced'
            else 'contradicted'
        end as verdict,
        string_agg(
            movers_by_year.year || ': ' || movers_by_year.movers::bigint
            || ' people moved between regions (sum of the origin-destination flows)'
            || coalesce(
                '; the internal-migration file counts ' || internal_moves_by_year.moves::bigint
                || ' moves, including moves inside a region', ''
            ),
            '. ' order by movers_by_year.year
        ) as evidence
    from movers_by_year
    left join internal_moves_by_year on movers_by_year.year = internal_moves_by_year.year
    group by movers_by_year.claim_id
),

receivers_ranked as (
    select
        claim_id,
        year,
        region_name_en,
        region_type,
        net_migration,
        row_number() over (partition by claim_id, year order by net_migration desc) as receiver_rank,
        count(*) filter (where region_type = 'city') over (partition by claim_id, year) as cities
    from claim_balances
    where check_name = 'top_receivers_are_cities'
),

receivers_by_year as (
    select
        claim_id,
        year,
        bool_and(region_type = 'city') filter (where receiver_rank <= cities) as cities_lead,
        string_agg(region_name_en || ' ' || net_migration::bigint, ', ' order by receiver_rank)
        filter (where receiver_rank <= 3) as top_three
    from receivers_ranked
    group by all
),

check_top_receivers_are_cities as (
    {{ holds_every_year('receivers_by_year', 'cities_lead', 'top_three',
                        'largest net migration by year') }}
),

negative_share_by_year as (
    select
        claim_id,
        paper_number,
        year,
        count(*) filter (where net_migration < 0) as negative_units,
        count(*) as units
    from claim_balances
    where check_name = 'share_negative_balance'
    group by all
),

check_share_negative_balance as (
    select
        claim_id,
        round(min(negative_units / units), 2)::varchar as warehouse_value,
        case
            when bool_and(negative_units / units >= paper_number) then 'reproduced'
            else 'contradicted'
        end as verdict,
        'units with a negative balance: '
        || string_agg(year || ': ' || negative_units || ' of ' || units, '; ' order by year)
            as evidence
    from negative_share_by_year
    group by claim_id
),

check_count_negative_and_below_one as (
    select
        claim_id,
        count(*) filter (where net_migration < 0 and attractiveness_coefficient < 1)::varchar
            as warehouse_value,
        case
            when
                count(*) filter (where net_migration < 0 and attractiveness_coefficient < 1)
                = any_value(paper_number)
                then 'reproduced'
            when
                abs(
                    count(*) filter (where net_migration < 0 and attractiveness_coefficient < 1)
                    - any_value(paper_number)
                ) <= any_value(tolerance)
                then 'approximately_reproduced'
            else 'contradicted'
        end as verdict,
        count(*) filter (where net_migration < 0 and attractiveness_coefficient < 1)
        || ' of ' || count(*) || ' units have a negative balance and a coefficient below 1: '
        || string_agg(region_name_en, ', ' order by region_name_en)
        filter (where net_migration < 0 and attractiveness_coefficient < 1) as evidence
    from claim_balances
    where check_name = 'count_negative_and_below_one'
    group by claim_id
),

check_only_almaty_region_above_one as (
    select
        claim_id,
        round(any_value(attractiveness_coefficient) filter (where region_code = '190000000'), 3)
        ::varchar as warehouse_value,
        case
            when
                bool_and(region_code = '190000000')
                filter (where region_type = 'oblast' and attractiveness_coefficient > 1)
                and round(
                    any_value(attractiveness_coefficient)
                    filter (where region_code = '190000000'), 2
                ) = any_value(paper_number
                )
                then 'reproduced'
            when
                bool_and(region_code = '190000000')
                filter (where region_type = 'oblast' and attractiveness_coefficient > 1)
                and abs(
                    any_value(attractiveness_coefficient)
                    filter (where region_code = '190000000') - any_value(paper_number)
                )
                <= any_value(tolerance)
                then 'approximately_reproduced'
            else 'contradicted'
        end as verdict,
        'oblasts with a coefficient above 1: '
        || coalesce(
            string_agg(
                region_name_en || ' ' || round(attractiveness_coefficient, 3), ', '
                order by attractiveness_coefficient desc
            )
            filter (where region_type = 'oblast' and attractiveness_coefficient > 1),
            'none'
        )
        || '; cities above 1: '
        || coalesce(
            string_agg(
                region_name_en || ' ' || round(attractiveness_coefficient, 3), ', '
                order by attractiveness_coefficient desc
            )
            filter (where region_type = 'city' and attractiveness_coefficient > 1),
            'none'
        ) as evidence
    from claim_balances
    where check_name = 'only_almaty_region_above_one'
    group by claim_id
),

check_almaty_region_negative_before as (
    select
        claim_id,
        count(*) filter (where net_migration < 0) || ' of ' || count(*) || ' years negative'
            as warehouse_value,
        case when bool_and(net_migration < 0) then 'reproduced' else 'contradicted' end as verdict,
        'Almaty Region net migration: '
        || string_agg(year || ': ' || net_migration::bigint, '; ' order by year) as evidence
    from claim_balances
    where check_name = 'almaty_region_negative_before' and region_code = '190000000'
    group by claim_id
),

check_cities_never_below_one as (
    select
        claim_id,
        round(min(attractiveness_coefficient), 3)::varchar as warehouse_value,
        case
            when bool_and(attractiveness_coefficient >= 1) then 'reproduced' else 'contradicted'
        end as verdict,
        'city-years below 1: '
        || coalesce(
            string_agg(
                region_name_en || ' ' || year || ' ' || round(attractiveness_coefficient, 3),
                ', ' order by year
            ) filter (where attractiveness_coefficient < 1
            ),
            'none'
        )
        || '; lowest: ' || round(min(attractiveness_coefficient), 3) as evidence
    from claim_balances
    where check_name = 'cities_never_below_one' and region_type = 'city'
    group by claim_id
),

high_grp_region_years as (
    select
        claim_balances.claim_id,
        claim_balances.paper_number,
        claim_balances.year,
        claim_balances.region_name_en,
        claim_balances.net_migration,
        scores.pct_of_national_average
    from claim_balances
    inner join scores
        on
            claim_balances.region_code = scores.region_code
            and claim_balances.year = scores.year
            and claim_balances.region_frame = scores.region_frame
    where
        claim_balances.check_name = 'high_grp_positive_balance'
        and scores.indicator_code = 'grp_per_capita'
        and scores.pct_of_national_average >= 105
),

check_high_grp_positive_balance as (
    select
        claim_id,
        round(count(*) filter (where net_migration > 0) / count(*), 2)::varchar as warehouse_value,
        case
            when count(*) filter (where net_migration > 0) / count(*) >= any_value(paper_number)
                then 'reproduced'
            else 'contradicted'
        end as verdict,
        count(*) filter (where net_migration > 0) || ' of ' || count(*)
        || ' region-years with GRP per capita at 105 % of the national average or more have a '
        || 'positive balance; negative: '
        || coalesce(
            string_agg(region_name_en || ' ' || year, ', ' order by region_name_en, year)
            filter (where net_migration <= 0),
            'none'
        ) as evidence
    from high_grp_region_years
    group by claim_id
),

check_named_regions_negative as (
    select
        claim_balances.claim_id,
        round(count(*) filter (where claim_balances.net_migration < 0) / count(*), 2)::varchar
            as warehouse_value,
        case
            when
                count(*) filter (where claim_balances.net_migration < 0) / count(*)
                >= any_value(claim_balances.paper_number)
                then 'reproduced'
            when
                count(*) filter (where claim_balances.net_migration < 0) / count(*)
                >= any_value(claim_balances.paper_number) - any_value(claim_balances.tolerance)
                then 'approximately_reproduced'
            else 'contradicted'
        end as verdict,
        count(*) filter (where claim_balances.net_migration < 0) || ' of ' || count(*)
        || ' region-years negative; not negative: '
        || coalesce(
            string_agg(
                claim_balances.region_name_en || ' ' || claim_balances.year || ' '
                || claim_balances.net_migration::bigint, ', ' order by claim_balances.year
            ) filter (where claim_balances.net_migration >= 0),
            'none'
        ) as evidence
    from claim_balances
    inner join named_regions on claim_balances.region_code = named_regions.region_code
    where claim_balances.check_name = 'named_regions_negative'
    group by claim_balances.claim_id
),

outflow_ranked as (
    select
        claim_balances.claim_id,
        claim_balances.year,
        claim_balances.region_name_en,
        claim_balances.net_migration,
        named_regions.paper_name,
        row_number() over (
            partition by claim_balances.claim_id, claim_balances.year
            order by claim_balances.net_migration
        ) as outflow_rank
    from claim_balances
    left join named_regions on claim_balances.region_code = named_regions.region_code
    where claim_balances.check_name = 'largest_outflow_turkestan_zhambyl'
),

outflow_by_year as (
    select
        claim_id,
        year,
        count(*) filter (
            where outflow_rank <= 2 and paper_name in ('Turkestan', 'Zhambyl')
        ) = 2 as both_lead,
        string_agg(region_name_en || ' ' || net_migration::bigint, ', ' order by outflow_rank)
        filter (where outflow_rank <= 2) as largest_two
    from outflow_ranked
    group by all
),

check_largest_outflow_turkestan_zhambyl as (
    {{ holds_every_year('outflow_by_year', 'both_lead', 'largest_two',
                        'largest net outflows by year') }}
),

checks as (
    select * from check_movers_above
    union all
    select * from check_top_receivers_are_cities
    union all
    select * from check_share_negative_balance
    union all
    select * from check_count_negative_and_below_one
    union all
    select * from check_only_almaty_region_above_one
    union all
    select * from check_almaty_region_negative_before
    union all
    select * from check_cities_never_below_one
    union all
    select * from check_high_grp_positive_balance
    union all
    select * from check_named_regions_negative
    union all
    select * from check_largest_outflow_turkestan_zhambyl
)

select
    checks.*,
    claim_coverage.years,
    claim_coverage.flow_scope,
    claim_coverage.region_frame,
    claim_coverage.quality_flag
from checks
inner join claim_coverage on checks.claim_id = claim_coverage.claim_id
