"""The drivers marts of the sample build: identities, distances, and the gravity estimates
against a second, independent fit of the published sample (pyfixest's fepois)."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from analysis.geo import haversine_km


@pytest.fixture(scope="module")
def con(sample_build):
    connection = duckdb.connect(str(sample_build.build_db), read_only=True)
    yield connection
    connection.close()


def test_anmr_is_cmi_times_mei_over_100(con):
    rows = con.sql(
        """select crude_migration_intensity, migration_effectiveness_index,
            aggregate_net_migration_rate
        from marts.fct_migration_system_indices where population is not null"""
    ).fetchall()
    assert len(rows) >= 15
    for cmi, mei, anmr in rows:
        assert anmr == pytest.approx(cmi * mei / 100, rel=1e-12)


def test_system_indices_agree_with_the_flows_and_balances(con):
    """M and the MEI recomputed in SQL from fct_migration_flows; P from fct_migration_balance."""
    recomputed = dict(
        con.sql(
            """with ends as (
                select year, region_frame, origin_region_code as unit, -persons as net,
                    persons as moved
                from marts.fct_migration_flows
                union all
                select year, region_frame, destination_region_code, persons, persons
                from marts.fct_migration_flows
            ), units as (
                select year, region_frame, unit, abs(sum(net)) as net_abs, sum(moved) as turnover
                from ends group by all
            )
            select year || region_frame, [sum(turnover) / 2, 100 * sum(net_abs) / sum(turnover)]
            from units group by all"""
        ).fetchall()
    )
    marts = con.sql(
        """select year || region_frame, migrants, migration_effectiveness_index
        from marts.fct_migration_system_indices"""
    ).fetchall()
    assert len(marts) == len(recomputed) == 21  # 7 years x 3 frames
    for key, migrants, mei in marts:
        assert [migrants, mei] == pytest.approx(recomputed[key])
    (p_2023,) = con.sql(
        """select sum(population) from marts.fct_migration_balance
        where year = 2023 and region_frame = 'kz20' and flow_scope = 'interregional'"""
    ).fetchone()
    assert (
        p_2023
        == con.sql(
            "select population from marts.fct_migration_system_indices"
            " where year = 2023 and region_frame = 'kz20'"
        ).fetchone()[0]
    )


def test_the_2022_matrix_is_flagged_and_its_disagreement_measured(con):
    flags = dict(
        con.sql(
            "select year, list(distinct quality_flag)"
            " from marts.fct_migration_system_indices group by year"
        ).fetchall()
    )
    assert flags[2022] == ["source_disagreement"]
    assert flags[2025] == ["ok"]
    (share,) = con.sql(
        """select balance_disagreement_share from marts.fct_migration_system_indices
        where year = 2022 and region_frame = 'kz20'"""
    ).fetchone()
    assert share == pytest.approx(246772 / 2 / 370572)  # README: differences add up to 246,772


def test_distances_are_haversine_of_the_seed_and_symmetric(con):
    rows = con.sql(
        """select region_frame, count(*), max(abs(a.distance_km - b.distance_km))
        from marts.dim_region_distance a
        join marts.dim_region_distance b using (region_frame)
        where a.origin_region_code = b.destination_region_code
          and a.destination_region_code = b.origin_region_code
        group by region_frame order by region_frame"""
    ).fetchall()
    assert [(frame, n) for frame, n, _ in rows] == [("kz16", 240), ("kz17", 272), ("kz20", 380)]
    assert all(diff == 0 for *_, diff in rows)
    pairs = con.sql(
        """select origin_latitude, origin_longitude, destination_latitude, destination_longitude,
        distance_km from marts.dim_region_distance"""
    ).fetchnumpy()
    expected = haversine_km(
        pairs["origin_latitude"],
        pairs["origin_longitude"],
        pairs["destination_latitude"],
        pairs["destination_longitude"],
    )
    assert np.allclose(pairs["distance_km"], expected, rtol=0, atol=1e-9)


def test_association_covers_both_lags_measures_and_total_score_points(con):
    combos = con.sql(
        """select distinct indicator_code, migration_measure, lag_years
        from marts.fct_indicator_migration_association"""
    ).fetchall()
    assert ("total_score_points", "net_migration_per_1000", 0) in combos
    assert ("grp_per_capita", "attractiveness_coefficient", 1) in combos
    (rho,) = con.sql(
        """select spearman_rho from marts.fct_indicator_migration_association
        where year = 2021 and indicator_code = 'total_score_points' and lag_years = 0
          and migration_measure = 'net_migration_per_1000' and flow_scope = 'total'
          and region_frame = 'kz17'"""
    ).fetchone()
    pairs = con.sql(
        """select s.total_score_points, b.net_migration_per_1000
        from marts.fct_region_scorecard s
        join marts.fct_migration_balance b using (region_code, year, region_frame)
        where s.year = 2021 and b.flow_scope = 'total'"""
    ).fetchnumpy()
    from scipy import stats

    assert rho == pytest.approx(
        stats.spearmanr(pairs["total_score_points"], pairs["net_migration_per_1000"]).statistic
    )


def test_the_default_gravity_model_excludes_2022_and_matches_pyfixest(con):
    pyfixest = pytest.importorskip("pyfixest")
    sample = con.sql(
        "select * from marts.fct_gravity_sample where model_id = 'gravity_ppml_push_pull'"
    ).df()
    reasons = sample.groupby("year")["exclusion_reason"].unique().to_dict()
    assert list(reasons[2022]) == ["flagged_year"]
    assert list(reasons[2015]) == ["no_indicator_data"]  # no indicator for 2014
    estimates = con.sql(
        "select * from marts.fct_gravity_estimates where model_id = 'gravity_ppml_push_pull'"
    ).df()
    assert list(estimates["years"].iloc[0]) == [2020, 2021, 2023, 2024, 2025]
    assert estimates["converged"].all()
    terms = list(estimates["term"])
    assert terms[:3] == ["ln_population_origin", "ln_population_destination", "ln_distance_km"]
    included = sample[sample["included"]].assign(
        pair=lambda d: d["origin_region_code"] + d["destination_region_code"]
    )
    fit = pyfixest.fepois(
        f"persons ~ {' + '.join(terms)} | year", data=included, vcov={"CRV1": "pair"}
    )
    theirs = fit.coef()
    for term, ours in zip(terms, estimates["estimate"], strict=True):
        assert ours == pytest.approx(theirs[term], abs=1e-6), term
    # the distance elasticity is negative and precise: the one unambiguous driver
    distance = estimates.set_index("term").loc["ln_distance_km"]
    assert distance["ci_high_95"] < 0
