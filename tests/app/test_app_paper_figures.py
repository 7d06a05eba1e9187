"""Figures 1-3 of the Paper figures page: the paper view by default, every scope and frame on
demand, flagged values faded and listed, years without data left as gaps, Figure 3's matrix and
the indicators scored per year.

Expected values come from SQL on the published file; the app's pandas code is what is tested."""

from __future__ import annotations

import pandas as pd
import pytest

from streamlit_app import data, i18n
from streamlit_app.charts import classification
from streamlit_app.charts import figures as charts
from tests.app.conftest import (
    assert_clean,
    chart,
    close,
    open_page,
    rows_table,
    sql,
    texts,
    widget,
    year_traces,
)
from tests.app.warehouse_fixture import publish_fixture

FIGURES = {"fig1": "net_migration", "fig2": "attractiveness_coefficient"}


def _names(warehouse) -> dict[str, str]:
    dim = sql(warehouse, "select region_code, region_name_en from marts.dim_region")
    return dict(zip(dim["region_code"], dim["region_name_en"], strict=True))


@pytest.mark.parametrize("page", list(FIGURES))
def test_figures_default_to_the_paper_view(any_warehouse, page):
    value = FIGURES[page]
    expected = sql(
        any_warehouse,
        f"select region_code, year, flow_scope, region_frame, {value} "
        f"from marts.fct_migration_paper_view where {value} is not null order by all",
    )
    at = open_page("figures")
    assert widget(at, "selectbox", page, "figure_view").value == charts.PAPER_VIEW
    table = rows_table(at, value)
    got = table[["region_code", "year", "flow_scope", "region_frame"]].astype({"year": int})
    assert got.values.tolist() == expected.drop(columns=value).values.tolist()
    assert table[value].round(6).tolist() == expected[value].round(6).tolist()

    # one trace per year, carrying that year's scope (legend name and bar pattern) and frame
    per_year = expected.drop_duplicates("year").set_index("year")
    traces = year_traces(chart(at, page))
    assert [t["meta"]["year"] for t in traces] == sorted(per_year.index)
    for trace in traces:
        scope = per_year.loc[trace["meta"]["year"], "flow_scope"]
        assert trace["meta"]["flow_scope"] == scope
        assert trace["meta"]["region_frame"] == per_year.loc[trace["meta"]["year"], "region_frame"]
        assert trace["name"] == f"{trace['meta']['year']} · {i18n.t('short_scope_' + scope)}"
        assert trace["marker"]["pattern"]["shape"] == charts.SCOPE_PATTERNS[scope]
    assert "marts.fct_migration_paper_view" in texts(at)


@pytest.mark.parametrize("page", list(FIGURES))
def test_flagged_values_are_faded_and_listed_with_their_note(any_warehouse, page):
    value = FIGURES[page]
    flagged = sql(
        any_warehouse,
        f"select region_code, year, quality_flag, quality_note "
        f"from marts.fct_migration_paper_view where {value} is not null "
        "and quality_flag not in ('ok', 'population_source_disagreement') order by all",
    )
    assert not flagged.empty  # both warehouses have flagged paper-view values to show
    names = _names(any_warehouse)
    at = open_page("figures")

    faded = set()
    for trace in year_traces(chart(at, page)):
        opacity = trace["marker"]["opacity"]
        assert len(opacity) == len(trace["x"]) == len(trace["meta"]["flagged"])
        for region, alpha, is_flagged in zip(
            trace["x"], opacity, trace["meta"]["flagged"], strict=True
        ):
            assert alpha == (charts.FLAGGED_OPACITY if is_flagged else 1.0)
            if is_flagged:
                faded.add((region, trace["meta"]["year"]))
    assert faded == {(names[c], int(y)) for c, y in zip(flagged["region_code"], flagged["year"],
                                                       strict=True)}  # fmt: skip

    listed = next(
        f.value for f in at.dataframe if {"quality_note", value} <= set(f.value.columns)
        and "region_code" not in f.value.columns
    )  # fmt: skip
    want = flagged.assign(region=flagged["region_code"].map(names))
    key = ["region", "year", "quality_flag", "quality_note"]
    got = listed[key].astype({"year": int}).sort_values(key[:2]).values.tolist()
    assert got == want[key].astype({"year": int}).sort_values(key[:2]).values.tolist()
    assert i18n.t("flagged_values", n=len(flagged)) in texts(at)


def test_years_without_data_are_gaps_never_bridged(published_sample, monkeypatch):
    """The real sample has no internal or interregional figure for some years between its first
    and last: each run of them is one empty slot with a 'no data' legend entry, no bar and no
    line stands for them, and the caption names them."""
    monkeypatch.setenv("KZM_WAREHOUSE_DIR", str(published_sample))
    years = sorted(
        sql(published_sample, "select distinct year from marts.fct_migration_paper_view")["year"]
    )
    missing = sorted(set(range(years[0], years[-1] + 1)) - set(years))
    assert missing  # the case this test is about
    runs = charts.year_runs(years)
    assert [y for first, last in runs for y in range(first, last + 1)] == missing
    at = open_page("figures")
    for page in FIGURES:
        fig = chart(at, page)
        assert {t["type"] for t in fig["data"]} == {"bar"}  # nothing drawn as a line
        gaps = [t for t in fig["data"] if "gap" in (t.get("meta") or {})]
        assert [g["meta"]["gap"] for g in gaps] == [charts.run_label(r) for r in runs]
        assert all(y is None for g in gaps for y in g["y"])
        assert not {t["meta"]["year"] for t in year_traces(fig)} & set(missing)
        # each gap slot comes right after the year before it, so the legend reads in order
        names = [t["name"] for t in fig["data"]]
        for (first, _last), gap in zip(runs, gaps, strict=True):
            before = next(t for t in year_traces(fig) if t["meta"]["year"] == first - 1)
            assert names.index(gap["name"]) == names.index(before["name"]) + 1
    labels = ", ".join(charts.run_label(r) for r in runs)
    assert i18n.t("gaps_caption", years=labels) in texts(at)


def test_figures_fall_back_to_one_scope_without_the_paper_view_mart(
    tmp_path, monkeypatch, fixture_tables
):
    """A build published before fct_migration_paper_view existed: the figures offer the flow
    scopes only, and open on the first one."""
    root = tmp_path / "warehouse"
    tables = {k: v for k, v in fixture_tables.items() if k != "fct_migration_paper_view"}
    publish_fixture(root, "fixture-0002", tables=tables)
    monkeypatch.setenv("KZM_WAREHOUSE_DIR", str(root))
    at = open_page("figures")
    view = widget(at, "selectbox", "fig1", "figure_view")
    assert charts.PAPER_VIEW not in view.options
    assert view.value == "interregional"
    assert widget(at, "selectbox", "fig1", "figure_frame").value == "kz20"


def test_grouped_bars_leave_one_empty_slot_per_run_of_missing_years():
    """Hand-made rows: 2015, 2020 and 2022 present; 2016-2019 and 2021 are empty slots."""
    rows = pd.DataFrame(
        {
            "region_code": ["a", "b", "a", "a", "b"],
            "region": ["A", "B", "A", "A", "B"],
            "year": [2015, 2015, 2020, 2022, 2022],
            "flow_scope": ["interregional"] * 3 + ["internal"] * 2,
            "region_frame": ["kz16", "kz16", "kz17", "kz20", "kz20"],
            "net_migration": [-5.0, 5.0, -3.0, 2.0, -2.0],
            "quality_flag": ["ok", "single_source_unverified", "ok", "ok", "ok"],
        }
    )
    assert charts.year_runs([2015, 2020, 2022]) == [(2016, 2019), (2021, 2021)]
    fig = charts.grouped_bars_figure(rows, "net_migration", "persons", "en").to_dict()
    names = [t["name"] for t in fig["data"]]
    assert names == [
        "2015 · interregional",
        "2016–2019: no data",
        "2020 · interregional",
        "2021: no data",
        "2022 · internal",
        "faded: value with a quality flag",
    ]
    first = fig["data"][0]
    assert list(first["x"]) == ["A", "B"]  # regions by their latest value: A 2.0, B -2.0
    assert list(first["marker"]["opacity"]) == [1.0, charts.FLAGGED_OPACITY]


def test_figure3_marks_the_indicators_scored_each_year(any_warehouse):
    coverage = sql(
        any_warehouse,
        "select year, indicator_code, count(score_class) as scored "
        "from marts.fct_socioeconomic_scores group by all having count(score_class) > 0",
    )
    at = open_page("figures")
    assert_clean(at)
    fig = chart(at, "fig3_coverage")
    heat = fig["data"][0]
    label_to_code = {i18n.indicator_label(c, "en"): c for c in coverage["indicator_code"]}
    drawn = {
        (int(year), label_to_code[label]): int(text)
        for label, row in zip(heat["y"], heat["text"], strict=True)
        for year, text in zip(heat["x"], row, strict=True)
        if text
    }
    want = {(int(y), c): int(n) for y, c, n in coverage.itertuples(index=False)}
    assert drawn == want
    year = widget(at, "selectbox", "fig3", "score_year").value
    assert fig["layout"]["meta"]["marked_years"] == [year]


def test_figure3_warns_when_compared_years_score_different_indicators(any_warehouse):
    sets = sql(
        any_warehouse,
        "select year, list(distinct indicator_code order by indicator_code) as codes "
        "from marts.fct_socioeconomic_scores where score_class is not null group by year",
    )
    by_year = {int(y): tuple(c) for y, c in sets.itertuples(index=False)}
    at = open_page("figures")
    year = widget(at, "selectbox", "fig3", "score_year").value
    differing = [y for y, c in by_year.items() if c != by_year[year]]
    same = [y for y, c in by_year.items() if c == by_year[year] and y != year]
    assert differing and same  # both cases exist in both warehouses

    widget(at, "selectbox", "fig3", "compare_year").set_value(differing[0]).run()
    assert_clean(at)
    only_here = sorted(set(by_year[year]) - set(by_year[differing[0]]))
    warning = " ".join(w.value for w in at.warning)
    assert f"{year} and {differing[0]} score different indicators" in warning
    assert all(i18n.indicator_label(c, "en") in warning for c in only_here)
    assert "change" not in rows_table(at, "other_total_score_points").columns
    assert fig_marked(at) == [year, differing[0]]

    widget(at, "selectbox", "fig3", "compare_year").set_value(same[0]).run()
    assert_clean(at)
    assert not at.main.warning, [w.value for w in at.main.warning]
    compared = rows_table(at, "other_total_score_points").set_index("region_code")
    totals = sql(
        any_warehouse,
        "select a.region_code, a.total_score_points - b.total_score_points as change "
        "from marts.fct_region_scorecard a join marts.fct_region_scorecard b "
        "using (region_code) where a.year = ? and b.year = ? order by 1",
        [year, same[0]],
    ).set_index("region_code")
    assert compared.loc[totals.index, "change"].round(9).tolist() == (
        totals["change"].round(9).tolist()
    )


def fig_marked(at) -> list[int]:
    return chart(at, "fig3_coverage")["layout"]["meta"]["marked_years"]


def test_indicator_coverage_and_comparison_by_hand():
    """Two regions, two years: 2020 scores wage for both regions and GRP for one; 2021 scores
    only GRP. Coverage counts regions scored; the change is left out unless comparable."""
    scores = pd.DataFrame(
        {
            "region_code": ["a", "a", "b", "b", "a", "b"],
            "year": [2020, 2020, 2020, 2020, 2021, 2021],
            "indicator_code": ["wage", "grp", "wage", "grp", "grp", "grp"],
            "score_class": ["high", "low", "medium", None, "low", "high"],
        }
    )
    coverage = classification.indicator_coverage(scores)
    assert coverage.values.tolist() == [
        [2020, "grp", 1, 2],
        [2020, "wage", 2, 2],
        [2021, "grp", 2, 2],
    ]
    assert classification.scored_indicators(scores, 2020) == {"grp", "wage"}
    assert classification.scored_indicators(scores, 2021) == {"grp"}
    card = pd.DataFrame(
        {
            "region_code": ["a", "b", "a", "c"],
            "year": [2020, 2020, 2021, 2021],
            "total_score_points": [0.0, 0.5, -1.0, 2.0],
            "indicators_scored": [2, 1, 1, 1],
        }
    )
    names = {"a": "A", "b": "B", "c": "C"}
    same = classification.compare_totals(card, 2021, 2020, names, comparable=True)
    assert same["region_code"].tolist() == ["a", "b", "c"]
    assert same["change"].tolist()[0] == -1.0
    assert same["change"].isna().tolist() == [False, True, True]  # b and c lack a year
    differ = classification.compare_totals(card, 2021, 2020, names, comparable=False)
    assert "change" not in differ.columns


# ------------------------------------------------------------------------------------------------
# every scope and frame, and Figure 3's matrix


def test_figure1_and_2_every_scope_and_frame(any_warehouse):
    """Every scope and frame stays selectable besides the paper view, each drawing exactly the
    mart's rows of that scope and frame."""
    warehouse = any_warehouse
    at = open_page("figures")
    combos = sql(
        warehouse,
        "select distinct flow_scope, region_frame from marts.fct_migration_balance "
        "where net_migration is not null order by all",
    )
    for scope, frame in combos.itertuples(index=False):
        widget(at, "selectbox", "fig1", "figure_view").set_value(scope).run()
        widget(at, "selectbox", "fig1", "figure_frame").set_value(frame).run()
        assert_clean(at)
        expected = sql(
            warehouse,
            "select region_code, year, net_migration from marts.fct_migration_balance where "
            "flow_scope = ? and region_frame = ? and net_migration is not null order by all",
            [scope, frame],
        )
        table = rows_table(at, "net_migration")
        assert (
            table[["region_code", "year", "net_migration"]]
            .astype({"year": int, "net_migration": int})
            .values.tolist()
            == expected.astype({"year": int}).values.tolist()
        )
        fig = chart(at, "fig1")
        years = [t["meta"]["year"] for t in fig["data"] if "year" in (t.get("meta") or {})]
        assert sorted(years) == sorted(set(expected["year"]))
        assert {t["meta"]["flow_scope"] for t in year_traces(fig)} == {scope}
        assert sum(len(t["y"]) for t in year_traces(fig)) >= len(expected)
        assert f"Scope: {i18n.scope_label(scope, 'en')}" in texts(at)
        sources = sql(
            warehouse,
            "select distinct source_id from marts.fct_migration_balance where flow_scope = ? "
            "and region_frame = ? and net_migration is not null",
            [scope, frame],
        )
        for source in data.split_source_ids(sources["source_id"]):
            assert f"`{source}`" in texts(at)

    combos = sql(
        warehouse,
        "select distinct flow_scope, region_frame from marts.fct_migration_attractiveness "
        "order by all",
    )
    for scope, frame in combos.itertuples(index=False):
        widget(at, "selectbox", "fig2", "figure_view").set_value(scope).run()
        widget(at, "selectbox", "fig2", "figure_frame").set_value(frame).run()
        assert_clean(at)
        expected = sql(
            warehouse,
            "select region_code, year, attractiveness_coefficient from "
            "marts.fct_migration_attractiveness where flow_scope = ? and region_frame = ? "
            "order by all",
            [scope, frame],
        )
        table = rows_table(at, "attractiveness_coefficient")
        assert list(table["region_code"]) == list(expected["region_code"])
        assert all(
            close(a, b)
            for a, b in zip(
                table["attractiveness_coefficient"],
                expected["attractiveness_coefficient"],
                strict=True,
            )
        )
        fig = chart(at, "fig2")
        assert any(s.get("y0") == 1.0 and s.get("y1") == 1.0 for s in fig["layout"]["shapes"])


def test_figure3_matrix_for_every_year(any_warehouse):
    warehouse = any_warehouse
    at = open_page("figures")
    years = sql(warehouse, "select distinct year from marts.fct_socioeconomic_scores order by 1")
    for year in years["year"]:
        widget(at, "selectbox", "fig3", "score_year").set_value(int(year)).run()
        assert_clean(at)
        expected = sql(
            warehouse,
            "select s.region_code, s.indicator_code, s.score_class, s.score_points, "
            "c.total_score_points from marts.fct_socioeconomic_scores s left join "
            "marts.fct_region_scorecard c using (region_code, year) where s.year = ? "
            "and s.score_class is not null order by s.region_code, s.indicator_code",
            [int(year)],
        )
        matrix = rows_table(at, "indicator_code").sort_values(["region_code", "indicator_code"])
        got = matrix[["region_code", "indicator_code", "score_class", "score_points",
                      "total_score_points"]].values.tolist()  # fmt: skip
        assert got == expected.values.tolist()
        fig = chart(at, "fig3")
        classes, totals = fig["data"][0], fig["data"][1]
        n_regions = expected["region_code"].nunique()
        assert len(classes["y"]) == len(totals["y"]) == n_regions
        # the total column is ordered like the rows, best first
        assert totals["z"] == sorted(totals["z"], reverse=True)
        assert sorted(v[0] for v in totals["z"]) == sorted(
            expected.drop_duplicates("region_code")["total_score_points"]
        )


def test_figure3_defaults_to_the_year_with_most_indicators(any_warehouse):
    warehouse = any_warehouse
    at = open_page("figures")
    best = sql(
        warehouse,
        "select year, count(distinct indicator_code) as n from marts.fct_socioeconomic_scores "
        "where score_class is not null group by year order by n desc, year desc limit 1",
    )
    assert widget(at, "selectbox", "fig3", "score_year").value == int(best["year"][0])
