"""Every page and selector of the app with streamlit.testing.v1.AppTest, on the fixture warehouse.

Each test compares the rows behind a chart or table with the same figures queried straight from
the published DuckDB file, so the app's pandas code is checked against SQL on the marts. The Paper
figures page has its own file, test_app_paper_figures.py.
"""

from __future__ import annotations

import pytest

from streamlit_app import geometry, i18n
from tests.app.conftest import (
    PAGES,
    assert_clean,
    chart,
    close,
    open_page,
    sql,
    texts,
    widget,
)
from tests.app.warehouse_fixture import publish_fixture

MEASURE_SQL = {
    "attractiveness_coefficient": ("fct_migration_attractiveness", "attractiveness_coefficient"),
    "net_migration_per_1000": ("fct_migration_balance", "net_migration_per_1000"),
    "migration_efficiency_pct": ("fct_migration_balance", "migration_efficiency_pct"),
}


def _region_traces(fig: dict) -> dict[str, float | None]:
    return {
        t["meta"]["region_code"]: t["meta"]["value"]
        for t in fig["data"]
        if isinstance(t.get("meta"), dict) and "region_code" in t["meta"]
    }


# ------------------------------------------------------------------------------------------------
# every page, default state


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_without_error(warehouse, page):
    at = open_page(page)
    assert at.title[0].value == i18n.t(f"page_{page}", "en")
    assert not at.warning, [w.value for w in at.warning]
    assert "fixture-0001" in texts(at)
    assert "CC BY 4.0" in texts(at)


# ------------------------------------------------------------------------------------------------
# overview


@pytest.mark.parametrize("measure", list(MEASURE_SQL))
def test_overview_every_scope_frame_and_year(any_warehouse, measure):
    warehouse = any_warehouse
    table, column = MEASURE_SQL[measure]
    combos = sql(
        warehouse,
        f"select flow_scope, region_frame, min(year) as y0, max(year) as y1 from marts.{table} "
        f"where {column} is not null group by all order by all",
    )
    at = open_page("overview")
    widget(at, "selectbox", "overview", "measure").set_value(measure).run()
    assert_clean(at)
    for scope, frame, y0, y1 in combos.itertuples(index=False):
        widget(at, "selectbox", "overview", "scope").set_value(scope).run()
        widget(at, "selectbox", "overview", "frame").set_value(frame).run()
        for year in sorted({int(y0), int(y1)}):
            widget(at, "selectbox", "overview", "year").set_value(year).run()
            assert_clean(at)
            expected = sql(
                warehouse,
                f"select region_code, {column} as value from marts.{table} where year = ? "
                f"and flow_scope = ? and region_frame = ? and {column} is not null "
                "order by value desc, region_code",
                [year, scope, frame],
            )
            ranking = at.dataframe[0].value
            assert list(ranking["region_code"]) == list(expected["region_code"]), (scope, frame)
            assert all(
                close(a, b) for a, b in zip(ranking["value"], expected["value"], strict=True)
            )
            assert list(ranking["rank"])[0] == 1
            # the map: one shape per unit of the frame, coloured by the same values
            traces = _region_traces(chart(at, "overview-map"))
            assert len(traces) == len(geometry.load_frame_geojson(frame)["features"])
            want = dict(zip(expected["region_code"], expected["value"], strict=True))
            assert all(close(traces[c], v) for c, v in want.items())


def test_overview_score_points_use_the_years_own_frame(any_warehouse):
    warehouse = any_warehouse
    at = open_page("overview")
    widget(at, "selectbox", "overview", "measure").set_value("total_score_points").run()
    assert_clean(at)
    years = sql(
        warehouse,
        "select year, min(region_frame) as frame, count(*) as n from marts.fct_region_scorecard "
        "group by year order by year",
    )
    for year, frame, n in years.itertuples(index=False):
        widget(at, "selectbox", "overview", "year").set_value(int(year)).run()
        assert_clean(at)
        expected = sql(
            warehouse,
            "select region_code, total_score_points from marts.fct_region_scorecard "
            "where year = ? and total_score_points is not null "
            "order by total_score_points desc, region_code",
            [int(year)],
        )
        ranking = at.dataframe[0].value
        assert list(ranking["region_code"]) == list(expected["region_code"])
        assert list(ranking["value"]) == list(expected["total_score_points"])
        shapes = _region_traces(chart(at, "overview-map"))
        assert len(shapes) == len(geometry.load_frame_geojson(frame)["features"]) >= n
        assert i18n.frame_label(frame, "en") in texts(at)


# ------------------------------------------------------------------------------------------------
# region profile


def test_region_profile_series_against_national(any_warehouse):
    """For every frame and scope, one region: its series and the national figure, from SQL."""
    warehouse = any_warehouse
    combos = sql(
        warehouse,
        "select region_frame, flow_scope, min(region_code) as region from "
        "marts.fct_migration_balance where net_migration_per_1000 is not null "
        "group by all order by all",
    )
    at = open_page("region")
    for frame, scope, region in combos.itertuples(index=False):
        widget(at, "selectbox", "region", "frame").set_value(frame).run()
        widget(at, "selectbox", "region", "region").set_value(region).run()
        widget(at, "selectbox", "region", "scope").set_value(scope).run()
        assert_clean(at)
        series = at.dataframe[0].value
        expected = sql(
            warehouse,
            "select year, net_migration_per_1000 from marts.fct_migration_balance where "
            "region_code = ? and flow_scope = ? and region_frame = ? "
            "and net_migration_per_1000 is not null order by year",
            [region, scope, frame],
        )
        got = series[series["measure"] == "net_migration_per_1000"].sort_values("year")
        assert list(got["year"]) == list(expected["year"]), (frame, scope, region)
        assert all(
            close(a, b)
            for a, b in zip(got["region_value"], expected["net_migration_per_1000"], strict=True)
        )
        national = sql(
            warehouse,
            "select year, 1000.0 * sum(net_migration) / sum(population) as v from "
            "marts.fct_migration_balance where flow_scope = ? and region_frame = ? "
            "and net_migration is not null and population is not null and year in "
            f"({', '.join(str(int(y)) for y in expected['year'])}) group by year order by year",
            [scope, frame],
        )
        assert all(
            close(a, b, 1e-6) for a, b in zip(got["national_value"], national["v"], strict=True)
        )
        coef = series[series["measure"] == "attractiveness_coefficient"].sort_values("year")
        if not coef.empty:
            nat = sql(
                warehouse,
                "select year, sum(arrivals) / sum(departures) as v from "
                "marts.fct_migration_attractiveness where flow_scope = ? and region_frame = ? "
                f"and year in ({', '.join(str(int(y)) for y in coef['year'])}) "
                "group by year order by year",
                [scope, frame],
            )
            assert all(
                close(a, b, 1e-6) for a, b in zip(coef["national_value"], nat["v"], strict=True)
            )
        assert region in texts(at)


def test_region_profile_indicators_breakdown_and_flags(warehouse):
    at = open_page("region")
    widget(at, "selectbox", "region", "frame").set_value("kz20").run()
    widget(at, "selectbox", "region", "region").set_value("100000000").run()
    for year in (2022, 2023):
        widget(at, "selectbox", "region", "score_year").set_value(year).run()
        assert_clean(at)
        total = sql(
            warehouse,
            "select total_score_points from marts.fct_region_scorecard "
            "where region_code = '100000000' and year = ?",
            [year],
        )["total_score_points"][0]
        assert at.metric[0].value == f"{total:+g}"
        breakdown = next(d.value for d in at.dataframe if "polarity" in d.value.columns)
        expected = sql(
            warehouse,
            "select indicator_code, score_points from marts.fct_socioeconomic_scores "
            "where region_code = '100000000' and year = ? order by indicator_code",
            [year],
        )
        got = breakdown.sort_values("indicator_code")
        assert got[["indicator_code", "score_points"]].values.tolist() == expected.values.tolist()
    indicators = next(d.value for d in at.dataframe if "national_average" in d.value.columns)
    expected = sql(
        warehouse,
        "select count(*) as n from marts.fct_socioeconomic_scores where region_code = '100000000'",
    )
    assert len(indicators) == expected["n"][0]
    flags = next(d.value for d in at.dataframe if "quality_note" in d.value.columns)
    assert set(flags["quality_flag"]) == {"published_in_later_frame"}
    assert set(flags["year"]) == set(range(2015, 2022))

    widget(at, "selectbox", "region", "region").set_value("750000000").run()
    assert_clean(at)
    issues = next(d.value for d in at.dataframe if "check_name" in d.value.columns)
    assert list(issues["check_name"]) == ["reconcile_internal_vs_interregional_balance"]


# ------------------------------------------------------------------------------------------------
# flows


def test_flows_top_in_out_and_sankey(any_warehouse):
    """For every frame, its first and last year and the region with the largest outflow."""
    warehouse = any_warehouse
    combos = sql(
        warehouse,
        "with y as (select region_frame, min(year) as y0, max(year) as y1 "
        "from marts.fct_migration_flows group by all) "
        "select f.region_frame, f.year, arg_max(f.origin_region_code, f.persons) as region "
        "from marts.fct_migration_flows f join y on f.region_frame = y.region_frame "
        "and f.year in (y.y0, y.y1) group by all order by all",
    )
    at = open_page("flows")
    for frame, year, region in combos.itertuples(index=False):
        _check_flows(warehouse, at, frame, int(year), region)


def _check_flows(warehouse, at, frame, year, region):
    widget(at, "selectbox", "flows", "frame").set_value(frame).run()
    widget(at, "selectbox", "flows", "year").set_value(year).run()
    widget(at, "selectbox", "flows", "region").set_value(region).run()
    assert_clean(at)
    base = (
        "select origin_region_code, destination_region_code, persons from "
        "marts.fct_migration_flows where region_frame = ? and year = ? and "
    )
    order = " order by persons desc, origin_region_code, destination_region_code"
    into = sql(warehouse, base + "destination_region_code = ?" + order + " limit 10",
               [frame, year, region])  # fmt: skip
    out = sql(warehouse, base + "origin_region_code = ?" + order + " limit 10",
              [frame, year, region])  # fmt: skip
    top_in, top_out = at.dataframe[0].value, at.dataframe[1].value
    cols = ["origin_region_code", "destination_region_code", "persons"]
    assert top_in[cols].values.tolist() == into.values.tolist()
    assert top_out[cols].values.tolist() == out.values.tolist()
    assert chart(at, "flows-in")["data"][0]["x"] == into["persons"].tolist()

    every = sql(warehouse, base + "origin_region_code <> destination_region_code" + order,
                [frame, year])  # fmt: skip
    sankey = chart(at, "flows-sankey")["data"][0]
    assert len(sankey["link"]["value"]) == min(60, len(every))
    at.slider(key="flows:top_n").set_value(5).run()
    assert_clean(at)
    sankey = chart(at, "flows-sankey")["data"][0]
    assert sankey["link"]["value"] == [float(v) for v in every["persons"][:5]]
    all_flows = at.dataframe[2].value
    assert len(all_flows) == len(every)
    assert f"{int(every['persons'].sum()):,}" in texts(at)
    at.slider(key="flows:top_n").set_value(min(60, len(every))).run()


# ------------------------------------------------------------------------------------------------
# data quality and coverage


def test_quality_page_issues_build_info_and_coverage(warehouse):
    at = open_page("quality")
    info = at.dataframe[0].value
    assert dict(zip(info["field"], info["value"], strict=True))["build_id"] == "fixture-0001"
    issues = at.dataframe[1].value
    expected = sql(warehouse, "select check_name from marts.data_quality_issues")
    assert sorted(issues["check_name"]) == sorted(expected["check_name"])
    widget(at, "selectbox", "quality", "severity").set_value("warn").run()
    assert_clean(at)
    assert len(at.dataframe[1].value) == len(expected)

    cov = at.dataframe[2].value.set_index(["measure", "flow_scope", "region_frame", "year"])
    assert cov.loc[("arrivals", "interregional", "kz16", 2015), "regions"] == 16
    assert cov.loc[("net_migration", "total", "kz20", 2022), "regions"] == 20
    assert ("net_migration", "total", "kz20", 2021) not in cov.index  # not derivable
    assert ("arrivals", "total", "kz20", 2022) not in cov.index  # balance-only source
    assert cov.loc[("grp_per_capita", "—", "kz17", 2019), "regions"] == 17
    assert cov.loc[("od_flows", "interregional", "kz17", 2020), "share"] == 1.0
    assert ("doctors_per_10k", "—", "kz20", 2023) not in cov.index
    sources = at.dataframe[3].value
    assert {"diar_od_flows", "xuzzu_region_panel"} <= set(sources["source_id"])
    registry = sql(warehouse, "select * from marts.dim_source").set_index("source_id")
    shown = sources.set_index("source_id")
    assert shown.loc["diar_od_flows", "description"] == registry.loc["diar_od_flows", "description"]
    assert shown["latest_period_year"].notna().all()


def test_sources_without_dim_source_are_shown_by_id(own_warehouse, fixture_tables):
    """A build published before marts.dim_source existed: ids only, and a note saying why."""
    partial = {k: v for k, v in fixture_tables.items() if k != "dim_source"}
    publish_fixture(own_warehouse, "nosources-0001", tables=partial)
    at = open_page("quality")
    sources = at.dataframe[3].value
    assert list(sources.columns) == ["source_id"]
    assert {"diar_od_flows", "xuzzu_region_panel"} <= set(sources["source_id"])
    assert i18n.t("sources_without_registry", "en") in texts(at)
    at.switch_page(PAGES["figures"]).run()
    assert_clean(at)
    assert "`diar_od_flows`" in texts(at) and "Diar299/kz-migration" not in texts(at)
