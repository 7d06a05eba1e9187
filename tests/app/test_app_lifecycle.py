"""The app across languages, without a build or with a partial one, and across a publish between
two reruns (streamlit.testing.v1.AppTest on the fixture warehouse)."""

from __future__ import annotations

import pandas as pd
import pytest

from streamlit_app import i18n
from tests.app.conftest import (
    PAGES,
    app_test,
    assert_clean,
    chart,
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


# ------------------------------------------------------------------------------------------------
# language


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_in_every_language(any_warehouse, page, lang):
    at = open_page(page, lang=lang)
    assert at.title[0].value == i18n.t(f"page_{page}", lang)


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_language_switch_changes_region_names_and_labels(warehouse, lang):
    at = open_page("overview", lang=lang)
    ranking = at.dataframe[0].value
    names = sql(warehouse, f"select region_code, region_name_{lang} as n from marts.dim_region")
    expected = dict(zip(names["region_code"], names["n"], strict=True))
    assert [expected[c] for c in ranking["region_code"]] == list(ranking["region"])
    measure = widget(at, "selectbox", "overview", "measure", lang)
    assert measure.label == i18n.t("measure", lang)
    fig = chart(at, "overview-map")
    hover = [t["text"] for t in fig["data"] if isinstance(t.get("meta"), dict)]
    assert any(expected["750000000"] in h for h in hover)


def test_choices_survive_a_language_switch(warehouse):
    at = open_page("overview")
    widget(at, "selectbox", "overview", "frame").set_value("kz17").run()
    widget(at, "selectbox", "overview", "year").set_value(2019).run()
    at.radio(key="lang").set_value("kk").run()
    assert_clean(at)
    assert widget(at, "selectbox", "overview", "frame", "kk").value == "kz17"
    assert widget(at, "selectbox", "overview", "year", "kk").value == 2019
    # and a shared choice (year) follows the user to another page
    at.switch_page(PAGES["flows"]).run()
    assert_clean(at)
    assert widget(at, "selectbox", "flows", "year", "kk").value == 2019


def test_a_choice_that_is_no_longer_offered_falls_back(warehouse):
    at = open_page("overview")
    widget(at, "selectbox", "overview", "scope").set_value("internal").run()
    widget(at, "selectbox", "overview", "year").set_value(2022).run()
    widget(at, "selectbox", "overview", "scope").set_value("interregional").run()
    widget(at, "selectbox", "overview", "frame").set_value("kz16").run()
    assert_clean(at)
    assert widget(at, "selectbox", "overview", "year").value == 2022
    widget(at, "selectbox", "overview", "scope").set_value("internal").run()
    assert_clean(at)
    assert widget(at, "selectbox", "overview", "frame").value == "kz20"  # kz16 has no internal


# ------------------------------------------------------------------------------------------------
# no build, broken build, partial build


def test_no_published_build_shows_make_refresh(tmp_path, monkeypatch):
    monkeypatch.setenv("KZM_WAREHOUSE_DIR", str(tmp_path / "nothing"))
    at = app_test().run()
    assert_clean(at)
    assert "make refresh" in at.info[0].value
    for path in PAGES.values():
        at.switch_page(path).run()
        assert_clean(at)
        assert "make refresh" in at.info[0].value


def test_dangling_current_link_counts_as_no_build(tmp_path, monkeypatch):
    root = tmp_path / "wh"
    root.mkdir()
    (root / "current.duckdb").symlink_to(root / "builds" / "gone" / "warehouse.duckdb")
    monkeypatch.setenv("KZM_WAREHOUSE_DIR", str(root))
    at = app_test().run()
    assert_clean(at)
    assert "make refresh" in at.info[0].value


def test_a_build_without_quality_tables_still_serves(own_warehouse, fixture_tables):
    partial = {k: v for k, v in fixture_tables.items()
               if k not in ("data_quality_issues", "build_info")}  # fmt: skip
    publish_fixture(own_warehouse, "partial-0001", tables=partial)
    at = app_test().run()
    assert_clean(at)
    assert "data_quality_issues" in texts(at)  # the sidebar says what the build lacks
    for page in PAGES.values():
        at.switch_page(page).run()
        assert_clean(at)
    assert any("build_info" in w.value for w in at.warning)


def test_a_build_without_flows_says_so_on_the_flows_page(own_warehouse, fixture_tables):

    partial = {k: v for k, v in fixture_tables.items() if k != "fct_migration_flows"}
    publish_fixture(own_warehouse, "noflows-0001", tables=partial)
    at = app_test().run()
    at.switch_page(PAGES["flows"]).run()
    assert_clean(at)
    assert any("fct_migration_flows" in w.value for w in at.warning)
    at.switch_page(PAGES["quality"]).run()
    assert_clean(at)


# ------------------------------------------------------------------------------------------------
# a publish between two reruns


def test_a_new_publish_shows_on_the_next_rerun(own_warehouse):
    from tests.app.warehouse_fixture import build_tables, publish_fixture

    at = app_test().run()
    assert "fixture-0001" in texts(at)
    before = at.dataframe[0].value[["region_code", "value"]]

    new = build_tables(seed=7, build_id="fixture-0002")
    publish_fixture(own_warehouse, "fixture-0002", tables=new)
    at.run()
    assert_clean(at)
    text = texts(at)
    assert "fixture-0002" in text and "fixture-0001" not in text
    after = at.dataframe[0].value[["region_code", "value"]]
    expected = sql(
        own_warehouse,
        "select region_code, attractiveness_coefficient as value from "
        "marts.fct_migration_attractiveness where year = 2023 and flow_scope = 'interregional' "
        "and region_frame = 'kz20' order by value desc, region_code",
    )
    assert after["region_code"].tolist() == expected["region_code"].tolist()
    assert not after.equals(before)

    # and back again (a rollback re-points to the first build)
    import os

    tmp = own_warehouse / ".rollback.tmp"
    os.symlink("builds/fixture-0001/warehouse.duckdb", tmp)
    os.replace(tmp, own_warehouse / "current.duckdb")
    at.run()
    assert_clean(at)
    assert "fixture-0001" in texts(at)
    pd.testing.assert_frame_equal(at.dataframe[0].value[["region_code", "value"]], before)


def test_the_app_holds_no_lock_on_the_served_file(warehouse):
    """After a rerun, another process can open the served file read-write (DuckDB would refuse
    with a lock conflict if the app still held it)."""
    import subprocess
    import sys

    at = open_page("flows")
    assert_clean(at)
    target = (warehouse / "current.duckdb").resolve()
    code = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
        "print(con.execute('select count(*) from marts.dim_region').fetchone()[0]); con.close()"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(target)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.strip()) > 0
