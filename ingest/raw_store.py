"""The raw layer: DDL of the raw tables and the one-transaction write of a landed file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # only annotations: a no-change refresh never imports pandas (~1 s)
    import pandas as pd

LINEAGE_COLUMNS = """
    source_id        varchar not null,
    source_file      varchar not null,   -- path relative to the raw directory, as registered
    file_sha256      varchar not null,
    sheet            varchar,            -- null for CSV, JSON and Parquet
    row_number       integer not null,   -- 1-based row as a spreadsheet shows it (header = 1)
    column_name      varchar not null,   -- column letter and header text, or the JSON path
    load_id          varchar not null,
    loaded_at        timestamp not null
"""

VALUE_COLUMNS = """
    measure_as_written varchar not null,
    measure          varchar,            -- null: an indicator the registry does not map
    unit             varchar,
    flow_scope       varchar,            -- interregional | internal | total, for migration flows
    period_as_written varchar not null,
    period_type      varchar not null,   -- year | quarter | month | cumulative
    year             integer not null,
    period           varchar not null,   -- 2022 | 2022-Q3 | 2022-H1 | 2022-9M | 2024-05
    value_text       varchar not null,   -- the value exactly as published
    value            double,             -- parsed number; null when value_flag is set
    value_flag       varchar   -- empty | symbol_dash | symbol_ellipsis | symbol_confidential
"""

DDL = f"""
create schema if not exists raw;
create table if not exists raw.observations (
    observation_id   varchar primary key,
    region_as_written varchar not null,
    region_code      varchar,            -- 9-digit KATO; 000000000 = Republic of Kazakhstan
    territory_level  varchar not null,   -- country | region | district (districts: no region_code)
    {VALUE_COLUMNS},
    {LINEAGE_COLUMNS}
);
create table if not exists raw.od_flows (
    -- unique by construction (SHA-256 of file hash, sheet, row, column); checked by the raw gate.
    -- No primary key: its ART index costs ~18 CPU-s and ~67 MB per million rows (bench/README.md)
    -- and must fit in memory, which breaks the 4 GiB budget at 10^8 district-level rows.
    observation_id   varchar not null,
    origin_as_written varchar not null,
    origin_code      varchar not null,
    destination_as_written varchar not null,
    destination_code varchar not null,
    {VALUE_COLUMNS},
    {LINEAGE_COLUMNS}
);
create table if not exists raw.load_manifest (
    source_file      varchar not null,
    file_sha256      varchar not null,
    source_id        varchar not null,
    file_bytes       bigint,
    status           varchar not null,   -- loaded | superseded | duplicate | failed
    rows_landed      bigint not null,
    duplicate_of     varchar,            -- for duplicates: the file already loaded with that hash
    message          varchar,
    load_id          varchar not null,
    loaded_at        timestamp not null,
    primary key (source_file, file_sha256)
);
"""

OBSERVATION_COLUMNS = [
    "observation_id", "region_as_written", "region_code", "territory_level",
    "measure_as_written", "measure", "unit", "flow_scope", "period_as_written", "period_type",
    "year", "period", "value_text", "value", "value_flag",
    "source_id", "source_file", "file_sha256", "sheet", "row_number", "column_name",
    "load_id", "loaded_at",
]  # fmt: skip
OD_COLUMNS = [
    "observation_id", "origin_as_written", "origin_code", "destination_as_written",
    "destination_code", *OBSERVATION_COLUMNS[4:],
]  # fmt: skip
TABLE_COLUMNS = {"observations": OBSERVATION_COLUMNS, "od_flows": OD_COLUMNS}


def connect(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path, read_only=read_only)
    if not read_only:
        con.execute(DDL)
    return con


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


# The two look-ups of every file, also in a no-change refresh, use SQL literals, not `?`
# parameters: DuckDB's Python client imports pandas (~1 s) the first time a query binds a
# Python value, and nothing else in a no-change refresh needs pandas.
def manifest_status(con, source_file: str, sha: str) -> str | None:
    row = con.execute(
        "select status from raw.load_manifest "
        f"where source_file = {_literal(source_file)} and file_sha256 = {_literal(sha)}"
    ).fetchone()
    return row[0] if row else None


def loaded_elsewhere(con, source_file: str, sha: str) -> str | None:
    row = con.execute(
        f"select source_file from raw.load_manifest where file_sha256 = {_literal(sha)} "
        f"and status = 'loaded' and source_file <> {_literal(source_file)} "
        "order by source_file limit 1"
    ).fetchone()
    return row[0] if row else None


def upsert_manifest(con, **row) -> None:
    con.execute(
        "delete from raw.load_manifest where source_file = ? and file_sha256 = ?",
        [row["source_file"], row["file_sha256"]],
    )
    cols = list(row)
    con.execute(
        f"insert into raw.load_manifest ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
        [row[c] for c in cols],
    )


def replace_file_rows(con, table: str, source_file: str, frame: pd.DataFrame) -> None:
    """Replace exactly the rows of `source_file` in `table` by `frame` (caller holds the txn)."""
    con.execute(f"delete from raw.{table} where source_file = ?", [source_file])
    for other in TABLE_COLUMNS:
        if other != table:  # a file that moved between tables leaves nothing behind
            con.execute(f"delete from raw.{other} where source_file = ?", [source_file])
    if len(frame):
        con.register("landing_frame", frame[TABLE_COLUMNS[table]])
        con.execute(
            f"insert into raw.{table} ({', '.join(TABLE_COLUMNS[table])}) "
            f"select {', '.join(TABLE_COLUMNS[table])} from landing_frame"
        )
        con.unregister("landing_frame")
    con.execute(
        "update raw.load_manifest set status = 'superseded' "
        "where source_file = ? and status = 'loaded'",
        [source_file],
    )
