"""The raw layer: DDL of the raw tables and the one-transaction write of a landed file.

Modules: `schema` (DDL, column lists), `od_cells` (the compact OD tables), `manifest`
(raw.load_manifest and the replacement of a file's rows), `migrations` (versioned upgrades of
stores written by earlier releases). This module opens a store and re-exports what the loaders
use.


raw.observations holds one row per published cell, every column spelled out. Origin-destination
flows reach 10^8 cells at district level, and DuckDB spends ~2 s per varchar column per 10^7 rows
writing them, even constant ones (bench/README.md): so an OD cell is stored as a row of integers
whose texts live once per file in small dictionaries (`raw.od_flow_files`, `_columns`, `_places`,
`_periods`, `_measures`, `_value_texts`). Each OD file's cells are a table of their own,
`raw.od_flow_cells_<file_key>`, and `raw.od_flow_cells` is the view that unions them (the columns
of one cells table with the file key): a bulk landing of 10^8 cells (ingest/parsers/od_bulk/)
adopts its committed scratch table by renaming it inside the loader's transaction instead of
copying it (~15 s), and replacing or removing a file drops its table. The view `raw.od_flows` joins
the cells back into one row per cell with every text as published, the same columns as
raw.observations plus origin and destination: that view is the raw OD table users and dbt read.
Nothing is lost: a value text is stored in `od_flow_value_texts` unless it is exactly the plain
integer the cell's value prints as ("0", "87", not "007" or "1 234").
"""

from __future__ import annotations

import duckdb

from ingest.raw_store.manifest import (
    loaded_elsewhere,
    manifest_status,
    mark_seen,
    may_be_unchanged,
    replace_file_rows,
    upsert_manifest,
)
from ingest.raw_store.migrations import migrate
from ingest.raw_store.od_cells import (
    adopt_bulk_cells,
    delete_od_file,
    drop_scratch,
    insert_od_cells,
    next_od_file_key,
    refresh_od_cells_view,
)
from ingest.raw_store.schema import (
    DDL,
    OBSERVATION_COLUMNS,
    OD_COLUMNS,
    OD_DDL,
    OD_DICTIONARIES,
    OD_TABLES,
    PLAIN_INTEGER_PATTERN,
    PLAIN_INTEGER_SQL,
    TABLE_COLUMNS,
    is_od_cells_table,
)

__all__ = [
    "DDL", "OBSERVATION_COLUMNS", "OD_COLUMNS", "OD_DDL", "OD_DICTIONARIES", "OD_TABLES",
    "PLAIN_INTEGER_PATTERN", "PLAIN_INTEGER_SQL", "TABLE_COLUMNS", "adopt_bulk_cells", "connect",
    "delete_od_file", "insert_od_cells", "is_od_cells_table", "loaded_elsewhere",
    "manifest_status", "mark_seen", "may_be_unchanged", "next_od_file_key", "refresh_od_cells_view",
    "replace_file_rows", "upsert_manifest",
]  # fmt: skip


def connect(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a raw store; a writable one gets the current schema (tables created, migrations not
    yet applied run once, a killed bulk landing's scratch tables dropped)."""
    con = duckdb.connect(path, read_only=read_only)
    if not read_only:
        con.execute(DDL)
        migrate(con)
        con.execute(OD_DDL)
        drop_scratch(con)
    return con
