"""Versioned migrations of raw stores written by earlier releases. `raw.schema_version` records
each migration applied; `migrate` runs, once each and in order, those not recorded yet, every one
in its own transaction with its record. A store created by this release records them all at its
first connect (each finds nothing to migrate).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from ingest.raw_store.od_cells import insert_od_cells, refresh_od_cells_view
from ingest.raw_store.schema import CELLS_VIEW_COLUMNS, OD_DDL, ROW_CELLS_COLUMNS, literal

SCHEMA_VERSION_DDL = """
create table if not exists raw.schema_version (
    version          integer primary key,
    description      varchar not null,
    applied_at       timestamp not null
)
"""


def _is_base_table(con, name: str) -> bool:
    """Whether raw.<name> is a table (not a view, not missing) in this store's catalog."""
    kind = con.execute(
        "select table_type from information_schema.tables where table_catalog = "
        f"current_database() and table_schema = 'raw' and table_name = {literal(name)}"
    ).fetchone()
    return bool(kind) and kind[0] == "BASE TABLE"


def split_cells_table(con) -> None:
    """Raw stores written before the per-file cells tables hold raw.od_flow_cells as one base
    table: split it, file by file, into row tables (row numbers and column keys as stored), drop
    it and create the union view, in one transaction."""
    if not _is_base_table(con, "od_flow_cells"):
        return
    columns = ", ".join(c for c, _ in CELLS_VIEW_COLUMNS if c != "file_key")
    for (key,) in con.execute(
        "select distinct file_key from raw.od_flow_cells order by 1"
    ).fetchall():
        con.execute(f"""
            create table raw.od_flow_cells_{key} ({ROW_CELLS_COLUMNS});
            insert into raw.od_flow_cells_{key}
            select {columns} from raw.od_flow_cells where file_key = {key}
        """)
    con.execute("drop table raw.od_flow_cells")
    refresh_od_cells_view(con)


def encode_wide_od_flows(con) -> None:
    """Raw stores written before the compact OD layout hold raw.od_flows as a wide table: encode
    its rows, file by file, into the compact tables (same cells, same lineage), then drop it."""
    if not _is_base_table(con, "od_flows"):
        return
    con.execute("alter table raw.od_flows rename to od_flows_wide")
    con.execute(OD_DDL.replace("create or replace view raw.od_flows", "create view raw.od_flows"))
    columns = {r[0] for r in con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'raw' and table_name = 'od_flows_wide'"
    ).fetchall()}  # fmt: skip
    extra = [f"null::varchar as {c}" for c in ("sex", "age_group") if c not in columns]
    wide = f"select *{''.join(', ' + e for e in extra)} from raw.od_flows_wide"
    for (source_file,) in con.execute(
        "select distinct source_file from raw.od_flows_wide order by 1"
    ).fetchall():
        insert_od_cells(con, f"select * from ({wide}) where source_file = {literal(source_file)}")
    con.execute("drop table raw.od_flows_wide")


def add_entry_fingerprint(con) -> None:
    """Raw stores written before landings recorded their registry entry's fingerprint."""
    con.execute("alter table raw.load_manifest add column if not exists entry_fingerprint varchar")


def add_last_seen_at(con) -> None:
    """Raw stores written before ingests recorded when they last found each file version on disk
    (a file restored to a landed version after a failed load: the failure is then over)."""
    con.execute("alter table raw.load_manifest add column if not exists last_seen_at timestamp")


MIGRATIONS: tuple[tuple[int, str, Callable], ...] = (
    (1, "raw.od_flow_cells: one base table split into per-file cells tables", split_cells_table),
    (2, "raw.od_flows: the wide table encoded into the compact OD tables", encode_wide_od_flows),
    (3, "raw.load_manifest: entry_fingerprint column", add_entry_fingerprint),
    (4, "raw.load_manifest: last_seen_at column", add_last_seen_at),
)


def migrate(con) -> list[int]:
    """Apply the migrations not recorded in raw.schema_version; return their versions. SQL
    literals, not `?` parameters: binding a Python value imports pandas (~1 s), which a no-change
    refresh never needs."""
    con.execute(SCHEMA_VERSION_DDL)
    applied = {v for (v,) in con.execute("select version from raw.schema_version").fetchall()}
    done = []
    for version, description, step in MIGRATIONS:
        if version in applied:
            continue
        con.execute("begin")
        try:
            step(con)
            now = datetime.now(UTC).replace(tzinfo=None, microsecond=0).isoformat(sep=" ")
            con.execute(
                f"insert into raw.schema_version values ({version}, {literal(description)}, "
                f"timestamp {literal(now)})"
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        done.append(version)
    return done
