"""Across the app (issue 14): the sidebar counts the served build's data-quality issues by
severity, the same counts as the Data quality page; `make app` sends no usage statistics."""

from __future__ import annotations

import subprocess

from core.paths import REPO_ROOT
from tests.app.conftest import PAGES, assert_clean, open_page, texts
from tests.app.warehouse_fixture import publish_fixture


def _sidebar(at) -> str:
    return "\n".join(str(c.value) for c in at.sidebar.caption)


def test_sidebar_counts_the_quality_issues_by_severity(own_warehouse, fixture_tables):
    tables = dict(fixture_tables)
    issues = tables["data_quality_issues"].copy()
    issues.loc[issues.index[:2], "severity"] = "error"
    tables["data_quality_issues"] = issues
    publish_fixture(own_warehouse, "severity-0001", tables=tables)
    expected = issues["severity"].value_counts().to_dict()
    assert expected["error"] == 2 and expected["warn"] > 0
    summary = f"{expected['error']} errors · {expected['warn']} warnings"

    at = open_page("overview")
    assert f"Data-quality issues: {summary}" in _sidebar(at)
    assert "Warnings:" not in _sidebar(at)

    at.switch_page(PAGES["quality"]).run()
    assert_clean(at)
    listed = at.dataframe[1].value["severity"].value_counts().to_dict()
    assert listed == expected
    assert f"**Data-quality issues**: {summary}" in texts(at)
    assert f"Data-quality issues: {summary}" in _sidebar(at)


def test_sidebar_says_when_the_build_has_no_issue(own_warehouse, fixture_tables):
    tables = dict(fixture_tables)
    tables["data_quality_issues"] = tables["data_quality_issues"].iloc[0:0]
    publish_fixture(own_warehouse, "clean-0001", tables=tables)
    at = open_page("overview")
    assert "Data-quality issues: none" in _sidebar(at)


def test_make_app_turns_streamlit_telemetry_off():
    dry_run = subprocess.run(
        ["make", "-n", "app"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    command = dry_run.replace("\\\n", " ")
    assert "streamlit run streamlit_app/app.py" in command
    assert "--browser.gatherUsageStats false" in command
