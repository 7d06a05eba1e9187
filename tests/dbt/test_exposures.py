"""The Streamlit app's exposure (dbt_project/models/exposures.yml) is the one list of what the app
reads: every table in meta.required_columns is a mart the exposure depends on (or the publish
step's build_info), and every required column is a column of that mart's contract."""

from __future__ import annotations

import re

import yaml

from core.paths import DBT_PROJECT_DIR
from streamlit_app.data import OPTIONAL_MARTS

MARTS_DIR = DBT_PROJECT_DIR / "models" / "marts"
PUBLISH_TABLES = {"build_info"}  # written at publish, not a dbt model


def app_exposure() -> dict:
    exposures = yaml.safe_load((DBT_PROJECT_DIR / "models" / "exposures.yml").read_text("utf-8"))
    return next(e for e in exposures["exposures"] if e["name"] == "streamlit_app")


def published_name(model: str) -> str:
    """The table name in schema marts: the model's alias where its SQL sets one."""
    sql = next(MARTS_DIR.glob(f"*/{model}.sql")).read_text("utf-8")
    alias = re.search(r"alias\s*=\s*[\"'](\w+)[\"']", sql)
    return alias.group(1) if alias else model


def contract_columns() -> dict[str, list[str]]:
    """Published mart table -> the columns of its contract."""
    columns = {}
    for path in sorted(MARTS_DIR.glob("*/*.yml")):
        for model in yaml.safe_load(path.read_text("utf-8")).get("models", []):
            columns[published_name(model["name"])] = [c["name"] for c in model["columns"]]
    return columns


def test_the_app_exposure_is_an_application_with_an_owner():
    exposure = app_exposure()
    assert exposure["type"] == "application"
    assert exposure["owner"]["name"]


def test_every_required_table_is_a_dependency_of_the_exposure():
    exposure = app_exposure()
    depends_on = {re.fullmatch(r"ref\('(\w+)'\)", d).group(1) for d in exposure["depends_on"]}
    required = set(exposure["meta"]["required_columns"])
    # the optional marts (absent from older builds) are dependencies without required columns
    assert {published_name(model) for model in depends_on} == (
        required - PUBLISH_TABLES | set(OPTIONAL_MARTS)
    )


def test_every_required_column_is_in_the_marts_contract():
    marts = contract_columns()
    missing = {
        table: sorted(set(columns) - set(marts[table]))
        for table, columns in app_exposure()["meta"]["required_columns"].items()
        if table not in PUBLISH_TABLES and set(columns) - set(marts[table])
    }
    assert missing == {}
