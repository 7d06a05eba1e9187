"""The marts' contracts are enforced by DuckDB: every mart table of the sample build carries its
primary key and NOT NULL constraints, so a build that would break them fails. The marts' yml
therefore does not repeat them as unique / not_null data tests."""

from __future__ import annotations

import re
import shutil

import duckdb
import pytest
import yaml

from core.paths import DBT_PROJECT_DIR


def contracted_marts() -> list[tuple[str, list[str], list[str]]]:
    """(model, primary key columns, NOT NULL columns) of every mart with an enforced contract."""
    marts = []
    for path in sorted((DBT_PROJECT_DIR / "models" / "marts").glob("*/*.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            if not model.get("config", {}).get("contract", {}).get("enforced"):
                continue
            key = next(c["columns"] for c in model["constraints"] if c["type"] == "primary_key")
            not_null = [
                col["name"]
                for col in model["columns"]
                if any(c["type"] == "not_null" for c in col.get("constraints", []))
            ]
            marts.append((model["name"], key, not_null))
    return marts


@pytest.fixture(scope="module")
def writable_build(sample_build, tmp_path_factory):
    copy = tmp_path_factory.mktemp("contracts") / "warehouse.duckdb"
    shutil.copy(sample_build.build_db, copy)
    with duckdb.connect(str(copy)) as con:
        yield con


def relation(model: str) -> str:
    """marts.<table>: the model's name, or the alias its SQL configures."""
    sql = next((DBT_PROJECT_DIR / "models" / "marts").glob(f"*/{model}.sql")).read_text("utf-8")
    alias = re.search(r"alias\s*=\s*[\"'](\w+)[\"']", sql)
    return f"marts.{alias.group(1) if alias else model}"


def test_every_mart_declares_a_primary_key_and_not_null_columns():
    marts = contracted_marts()
    assert len(marts) >= 8
    assert all(key and not_null for _, key, not_null in marts)


@pytest.mark.parametrize(("model", "key", "not_null"), contracted_marts())
def test_duckdb_refuses_a_duplicate_key_and_a_null_in_each_mart(writable_build, model, key,
                                                                 not_null):  # fmt: skip
    con, table = writable_build, relation(model)
    con.execute(f"create or replace temp table one_row as select * from {table} limit 1")
    assert con.execute("select count(*) from one_row").fetchone()[0] == 1
    with pytest.raises(duckdb.ConstraintException, match="primary key"):
        con.execute(f"insert into {table} select * from one_row")
    con.execute(f"delete from {table}")  # so that only the NULL can be refused below
    columns = [c for (c,) in con.execute("select column_name from (describe one_row)").fetchall()]
    for column in not_null:
        values = ", ".join("null" if c == column else f'"{c}"' for c in columns)
        with pytest.raises(duckdb.ConstraintException, match="NOT NULL"):
            con.execute(f"insert into {table} select {values} from one_row")
    con.execute(f"insert into {table} select * from one_row")  # the row itself is accepted
