"""The DuckDB side of the quality gates: read-only connections and the batches (pandas
DataFrames) that Great Expectations validates. Nothing here imports Great Expectations.

A batch is what one group of a suite's expectations is validated on: the table's `schema`
(from the catalog), its `rows`, a suite's own SQL batch, or (large tables) one row of DuckDB
aggregates (`aggregates.py`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from expectations.settings import GateConfigError
from expectations.suite_files import Suite, referenced_columns


@contextmanager
def read_only(
    path: Path, memory_limit: str | None = None, spill_dir: Path | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection (many readers may share the file; no writer).

    Large aggregates spill to `spill_dir` (never next to the build file, whose folder is
    published) once DuckDB uses `memory_limit`. While a connection to the file is open in this
    process, another one with the same settings joins its database instance (DuckDB's instance
    cache): `memory_limit`, threads and `spill_dir` are then shared by both, not per connection
    (the gates' concurrent reads rely on it, see `gates._run_suites`).
    """
    config: dict[str, Any] = {}
    if memory_limit:
        config["memory_limit"] = memory_limit
    if spill_dir is not None:
        config["temp_directory"] = str(spill_dir)
    try:
        con = duckdb.connect(str(path), read_only=True, config=config)
    except duckdb.ConnectionException:
        # this process already holds the file open with other settings: share that instance
        con = duckdb.connect(str(path), read_only=True)
    con.execute("set enable_progress_bar = false")
    try:
        yield con
    finally:
        con.close()


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_sql(suite: Suite) -> str:
    return f"{ident(suite.schema)}.{ident(suite.relation)}"


def sql_literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise GateConfigError(f"non-finite bound {value!r}")
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def relation_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    schema, name = table.split(".", 1)
    return con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = ? and table_name = ? order by column_index",
        [schema, name],
    ).fetchall()


def type_family(data_type: str) -> str:
    """DuckDB type -> string | integer | number | boolean | date | timestamp (`x[]` for lists),
    so that a suite pins the kind of a column, not e.g. the precision of a DECIMAL."""
    t = data_type.upper()
    if t.endswith("[]"):
        return type_family(data_type[:-2]) + "[]"
    if t.startswith("VARCHAR") or t in ("TEXT", "STRING"):
        return "string"
    if t.removeprefix("U") in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"):
        return "integer"
    if t in ("DOUBLE", "FLOAT", "REAL") or t.startswith("DECIMAL"):
        return "number"
    if t == "BOOLEAN":
        return "boolean"
    if t == "DATE":
        return "date"
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    return t.lower()


def schema_batch(columns: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "column_name": [c for c, _ in columns],
            "data_type": [t for _, t in columns],
            "type_family": [type_family(t) for _, t in columns],
            "column_type": [f"{c}:{type_family(t)}" for c, t in columns],
        }
    )


def count_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    schema, name = table.split(".", 1)
    return int(con.execute(f"select count(*) from {ident(schema)}.{ident(name)}").fetchone()[0])


def gate_parameters(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Suite parameters shared by all suites: the region codes known in this build.

    `known_region_codes`: codes of marts.dim_region (reference.regions before the marts exist);
    `known_region_codes_with_national`: the same plus 000000000 (Republic of Kazakhstan);
    `known_frame_region_codes`: `region_frame:code` for every unit of every region frame of
    marts.region_frame_map whose code is in dim_region (a row's `region_frame:region_code` must
    be one of them).
    """
    if relation_columns(con, "marts.dim_region"):
        codes_sql = "select region_code::varchar from marts.dim_region"
    else:
        codes_sql = "select lpad(region_code::varchar, 9, '0') from reference.regions"
    try:
        codes = sorted({r[0] for r in con.execute(codes_sql).fetchall() if r[0] is not None})
    except duckdb.Error:
        codes = []
    frame_codes: list[str] = []
    has_marts = relation_columns(con, "marts.dim_region") and relation_columns(
        con, "marts.region_frame_map"
    )
    if has_marts:
        frame_codes = sorted(
            r[0]
            for r in con.execute(
                "select distinct m.region_frame || ':' || m.frame_region_code::varchar "
                "from marts.region_frame_map m join marts.dim_region d "
                "on d.region_code = m.frame_region_code"
            ).fetchall()
        )
    return {
        "known_region_codes": codes,
        "known_region_codes_with_national": sorted({*codes, "000000000"}),
        "known_frame_region_codes": frame_codes,
    }


def row_source(suite: Suite, present: set[str]) -> str:
    """`select <table columns>, <derived columns> from <table>` for the rows batch."""
    wanted = referenced_columns(suite.expectations_for("rows")) + suite.key
    derived = suite.derived
    select = [f"t.{ident(c)}" for c in dict.fromkeys(wanted) if c in present and c not in derived]
    select += [f"({expr}) as {ident(name)}" for name, expr in derived.items()]
    return f"select {', '.join(select) or '1 as __row'} from {table_sql(suite)} as t"


def rows_batch(con: duckdb.DuckDBPyConnection, suite: Suite, present: set[str]) -> pd.DataFrame:
    return con.execute(row_source(suite, present)).df().reset_index(drop=True)


def sql_batch(con: duckdb.DuckDBPyConnection, suite: Suite, batch: str) -> pd.DataFrame:
    """One of the suite's own SQL batches (`meta.batches`), `{table}` replaced."""
    sql = suite.batches[batch]["sql"].format(table=table_sql(suite))
    return con.execute(sql).df().reset_index(drop=True)


# ------------------------------------------------------------------ keys as a person reads them


@dataclass(frozen=True)
class KeyLabel:
    """Shows `label=<value>` instead of internal key columns in example keys: e.g. the source
    file for `file_key`, the column as published for (`file_key`, `column_key`)."""

    columns: tuple[str, ...]
    label: str
    values: dict[tuple[Any, ...], str]


def load_key_labels(con: duckdb.DuckDBPyConnection, suite: Suite) -> list[KeyLabel]:
    """The suite's `meta.key_labels` ({label: {"columns": [...], "sql": ...}}, the query returning
    the columns then the label), read now; an unreadable lookup leaves those keys as they are."""
    labels = []
    for label, spec in suite.key_labels.items():
        columns = tuple(spec["columns"])
        try:
            rows = con.execute(spec["sql"]).fetchall()
        except duckdb.Error:
            continue
        labels.append(KeyLabel(columns, label, {tuple(r[:-1]): str(r[-1]) for r in rows}))
    return labels


def format_key(columns: list[str], values: Any, labels: list[KeyLabel] | None = None) -> str:
    """`a=1, b=x`; key columns that a label covers are shown as that label instead."""
    pairs = dict(zip(columns, values, strict=False))
    shown: list[tuple[str, Any]] = []
    covered: set[str] = set()
    for label in labels or []:
        if not all(c in pairs for c in label.columns):
            continue
        value = label.values.get(tuple(pairs[c] for c in label.columns))
        if value is None:  # unknown key: the raw key says more than nothing
            continue
        covered.update(label.columns)
        shown.append((label.label, value))
    shown += [(c, v) for c, v in pairs.items() if c not in covered]
    return ", ".join(f"{c}={_plain(v)}" for c, v in shown)


def _plain(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NULL"
    try:
        if pd.isna(value):
            return "NULL"
    except (TypeError, ValueError):
        pass
    return str(value)
