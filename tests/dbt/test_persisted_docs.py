"""The marts' documentation is inside the warehouse (issue 15): dbt's persist_docs writes every
mart's description and every column's description as DuckDB comments, so a SQL client or BI tool
connected to the build shows them (duckdb_tables().comment, duckdb_columns().comment)."""

from __future__ import annotations

import duckdb
import pytest
import yaml

from core.paths import DBT_PROJECT_DIR


@pytest.fixture(scope="module")
def build_con(sample_build):
    with duckdb.connect(str(sample_build.build_db), read_only=True) as con:
        yield con


def documented_marts() -> dict[str, dict]:
    """Mart model name -> its entry in the marts' property files."""
    marts = {}
    for path in sorted((DBT_PROJECT_DIR / "models" / "marts").glob("*/*.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            marts[model["name"]] = model
    return marts


def test_every_mart_table_has_a_comment(build_con):
    rows = build_con.execute(
        "select table_name, comment from duckdb_tables() where schema_name = 'marts'"
    ).fetchall()
    assert len(rows) >= len(documented_marts()) >= 8
    uncommented = [table for table, comment in rows if not (comment or "").strip()]
    assert uncommented == []


def test_every_mart_column_has_a_comment(build_con):
    rows = build_con.execute(
        "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'"
    ).fetchall()
    assert len(rows) > 100
    uncommented = [f"{t}.{c}" for t, c, comment in rows if not (comment or "").strip()]
    assert uncommented == []


def test_a_column_comment_is_the_columns_description_in_the_yml(build_con):
    documented = documented_marts()["fct_migration_balance"]
    column = next(c for c in documented["columns"] if c["name"] == "net_migration")
    comment = build_con.execute(
        "select comment from duckdb_columns() where schema_name = 'marts' "
        "and table_name = 'fct_migration_balance' and column_name = 'net_migration'"
    ).fetchone()[0]
    assert comment.strip() == column["description"].strip()
