"""What a build carries beside its DuckDB file once published (core/build_record.py): the record
(SHA-256, row counts, build_info) and the Parquet copies of the schemas readers use.

Written into the build's staging folder before the pointer switch, so a served build always has
them; then every file is made read-only (mode 0444): a published build is immutable, and a
client that wants to write into it has to say so twice (chmod, then a read-write connect).
"""

from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from core.build_record import (
    BuildRecord,
    file_sha256,
    parquet_dir,
    parquet_path,
    read_record,
    record_path,
    write_record,
)
from core.paths import BUILD_FILE_NAME

PARQUET_SCHEMAS = ("marts", "reference")
READ_ONLY_MODE = 0o444
# The raw layer's union view of the per-file OD cells tables: the gates band its row count.
COUNTED_VIEWS = ("raw.od_flow_cells",)


def table_row_counts(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> dict[str, int]:
    """Rows of every table (and of COUNTED_VIEWS) in `schemas`, as {"schema.table": n}."""
    marks = ", ".join("?" for _ in schemas)
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where not internal "
        f"and database_name = current_database() and schema_name in ({marks}) order by all",
        list(schemas),
    ).fetchall()
    counts = {f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0]
              for s, t in tables}  # fmt: skip
    for name in COUNTED_VIEWS:
        schema, view = name.split(".")
        if schema in schemas:
            exists = con.execute(
                "select count(*) from duckdb_views() where schema_name = ? and view_name = ?",
                [schema, view],
            ).fetchone()[0]
            if exists:
                sql = f'select count(*) from "{schema}"."{view}"'
                counts[name] = con.execute(sql).fetchone()[0]
    return counts


def write_parquet_copies(con: duckdb.DuckDBPyConnection, build_dir: Path) -> list[Path]:
    """parquet/<schema>/<table>.parquet (zstd) for every table of PARQUET_SCHEMAS."""
    written = []
    for schema, table in con.execute(
        "select schema_name, table_name from duckdb_tables() where not internal "
        "and database_name = current_database() and schema_name in ('marts', 'reference') "
        "order by all"
    ).fetchall():
        target = parquet_path(build_dir, schema, table)
        target.parent.mkdir(parents=True, exist_ok=True)
        escaped = str(target).replace("'", "''")
        con.execute(
            f'copy "{schema}"."{table}" to \'{escaped}\' (format parquet, compression zstd)'
        )
        written.append(target)
    return written


def describe_tables(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> dict[str, dict]:
    """{"schema.table": {"comment", "columns": [{"name", "type", "comment"}]}}: what a data
    dictionary needs (comments persisted by dbt's persist_docs; empty where absent)."""
    marks = ", ".join("?" for _ in schemas)
    tables = {
        f"{s}.{t}": {"comment": c or "", "columns": []}
        for s, t, c in con.execute(
            "select schema_name, table_name, comment from duckdb_tables() where not internal "
            f"and database_name = current_database() and schema_name in ({marks}) order by all",
            list(schemas),
        ).fetchall()
    }
    for s, t, name, data_type, comment in con.execute(
        "select schema_name, table_name, column_name, data_type, comment from duckdb_columns() "
        f"where database_name = current_database() and schema_name in ({marks}) "
        "order by schema_name, table_name, column_index",
        list(schemas),
    ).fetchall():
        if f"{s}.{t}" in tables:
            tables[f"{s}.{t}"]["columns"].append(
                {"name": name, "type": data_type, "comment": comment or ""}
            )
    return tables


def _jsonable(value):
    return value.isoformat() if isinstance(value, datetime | date) else value


def write_sidecars(build_dir: Path, build_id: str, build_info: dict, served_schemas) -> BuildRecord:
    """Parquet copies and the record of the build file in `build_dir` (read-only connect: the
    file is final). The SHA-256 is taken last, of the file as it will be served."""
    db = build_dir / BUILD_FILE_NAME
    with duckdb.connect(str(db), read_only=True) as con:
        counts = table_row_counts(con, tuple(served_schemas))
        write_parquet_copies(con, build_dir)
        tables = describe_tables(con, PARQUET_SCHEMAS)
    record = BuildRecord(
        build_id=build_id,
        sha256=file_sha256(db),
        row_counts=counts,
        published_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        extra={
            "input_manifest_hash": build_info.get("input_manifest_hash"),
            "code_hash": build_info.get("code_hash"),
            "build_info": {k: _jsonable(v) for k, v in build_info.items()},
            "tables": tables,  # of the Parquet copies: comments and column types
        },
    )
    published = db.stat()  # the refresh's quick check compares these before hashing
    record.extra.update(file_size=published.st_size, file_mtime_ns=published.st_mtime_ns)
    write_record(build_dir, record)
    return record


def make_read_only(build_dir: Path) -> None:
    """Mode 0444 on every file of the build (the folder stays writable so prune can delete)."""
    for path in [build_dir / BUILD_FILE_NAME, record_path(build_dir),
                 *parquet_dir(build_dir).rglob("*.parquet"),
                 *build_dir.glob("*.html")]:  # fmt: skip
        if path.is_file():
            os.chmod(path, READ_ONLY_MODE)


def integrity(build_dir: Path, quick: bool = False) -> tuple[bool | None, str]:
    """(True: the file matches its record; False: altered; None: no record), and a sentence.

    quick=True (the refresh's check, which must stay cheap at 10^8 rows) hashes the file only
    when its size or modification time differ from those recorded at publish; `status` and
    `rollback` always hash it."""
    record = read_record(build_dir)
    db = build_dir / BUILD_FILE_NAME
    if record is None or not record.sha256:
        return None, f"build {build_dir.name} has no record: its checksum cannot be verified"
    if not db.is_file():
        return False, f"build {build_dir.name}: {db} is missing"
    # a write not yet checkpointed lives in the WAL beside the file (the file's own bytes still
    # match): the next process to open the build replays it, so the build is altered all the same
    wal = db.with_name(db.name + ".wal")
    if wal.is_file() and wal.stat().st_size > 0:
        return False, (
            f"build {build_dir.name} was ALTERED after it was published: {wal} holds writes not "
            "yet in the file (a client opened it read-write?)"
        )
    stat_now = db.stat()
    recorded = (record.extra.get("file_size"), record.extra.get("file_mtime_ns"))
    if quick and recorded == (stat_now.st_size, stat_now.st_mtime_ns):
        return True, f"build {build_dir.name} is unchanged since it was published (size, time)"
    actual = file_sha256(db)
    if actual != record.sha256:
        return False, (
            f"build {build_dir.name} was ALTERED after it was published: {db} has SHA-256 "
            f"{actual[:16]}…, its record ({record_path(build_dir)}) says {record.sha256[:16]}… "
            "(a client opened it read-write?)"
        )
    mode = stat.S_IMODE(db.stat().st_mode)
    note = "" if mode == READ_ONLY_MODE else f" (file mode {mode:o}, expected 444)"
    return True, f"build {build_dir.name} matches its recorded SHA-256{note}"
