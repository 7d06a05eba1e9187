"""Each quality flag of fct_migration_balance / fct_migration_attractiveness that issue 14
touches, on a row that must carry it and on a row that must not, in the sample build
(fixture `sample_build`, read-only)."""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture(scope="module")
def marts(sample_build):
    with duckdb.connect(str(sample_build.build_db), read_only=True) as connection:
        yield connection


def flags(marts, where: str) -> set[str]:
    rows = marts.execute(
        f"select distinct quality_flag from marts.fct_migration_balance where {where}"
    ).fetchall()
    return {flag for (flag,) in rows}


def test_best_loaded_total_balance_source_alone_is_not_low_precedence(marts):
    # 2024 total balance: only kazdata (BNS table 6567) publishes it, and no better-ranked
    # total-balance source is loaded in the sample
    assert flags(marts, "flow_scope = 'total' and year = 2024")
    assert "low_precedence_source_only" not in flags(marts, "flow_scope = 'total' and year = 2024")


def test_lower_ranked_source_alone_is_low_precedence(marts):
    # 2015-2018: only xuzzu_region_panel (rank 4) has the total balance; kazdata is loaded
    rows = marts.execute(
        "select distinct source_id, quality_flag from marts.fct_migration_balance"
        " where flow_scope = 'total' and year = 2016"
    ).fetchall()
    assert rows == [("xuzzu_region_panel", "low_precedence_source_only")]


def test_od_year_without_internal_figure_is_single_source_unverified(marts):
    assert flags(marts, "flow_scope = 'interregional' and year = 2025") == {
        "single_source_unverified"
    }


def test_od_year_with_internal_figure_is_not_single_source_unverified(marts):
    checked = flags(marts, "flow_scope = 'interregional' and year in (2022, 2023, 2024)")
    assert checked and "single_source_unverified" not in checked
    assert "single_source_unverified" not in flags(marts, "flow_scope <> 'interregional'")


def test_back_cast_frames_keep_reframed_by_publisher(marts):
    assert flags(
        marts, "flow_scope = 'interregional' and year = 2020 and region_frame = 'kz20'"
    ) == {"reframed_by_publisher"}
    assert "reframed_by_publisher" not in flags(
        marts, "flow_scope = 'interregional' and year = 2020 and region_frame = 'kz16'"
    )


def test_ranked_units_counts_the_units_of_the_ranking(marts):
    rows = marts.execute(
        "select region_frame, flow_scope, year, max(ranked_units), count(*), max(rank_in_year)"
        " from marts.fct_migration_attractiveness group by all"
    ).fetchall()
    assert rows
    for frame, scope, year, ranked_units, units, worst_rank in rows:
        assert ranked_units == units >= worst_rank, (frame, scope, year)
    internal_kz17 = {r[3] for r in rows if r[0] == "kz17" and r[1] == "internal"}
    assert internal_kz17 == {14}
