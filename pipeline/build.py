"""Build a private warehouse file: copy the raw layer in, then run dbt on it as a subprocess.

dbt-duckdb keeps the file open read-write until its process exits (DESIGN.md §4), so dbt always
runs in its own process; the build file is never the served one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from ingest.raw_store import OD_TABLES, is_od_cells_table
from pipeline.paths import BUILD_FILE_NAME, DBT_PROJECT_DIR, WarehousePaths

# raw tables kept in the build, besides the per-file OD cells tables od_flow_cells_<key> (their
# union is the view raw.od_flow_cells, copied with the file)
RAW_TABLES = ("observations", "load_manifest", *OD_TABLES)


class StageError(RuntimeError):
    """A refresh stage failed; the message says which and why."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(f"{stage} failed: {message}")
        self.stage = stage


def prepare_build_db(paths: WarehousePaths) -> Path:
    """A fresh build file holding a copy of the raw tables (so the build is self-contained)."""
    if paths.build_dir.exists():
        shutil.rmtree(paths.build_dir)
    paths.build_dir.mkdir(parents=True)
    # A byte copy of the (checkpointed) raw store, not CREATE TABLE AS: DuckDB re-encodes every
    # row on a CTAS (~6 CPU-s per million OD rows, 10 min at 10^8); the file copy runs at disk
    # speed. The catalog is named after the file (warehouse.duckdb), so nothing refers to the
    # raw store's name. The raw store is only written by the ingest stage, which is over.
    with duckdb.connect(str(paths.raw_store)) as con:
        con.execute("checkpoint")  # everything in the main file, nothing left in a WAL
    shutil.copyfile(paths.raw_store, paths.build_db)
    with duckdb.connect(str(paths.build_db)) as con:
        for (schema,) in con.execute(
            "select schema_name from duckdb_schemas() where database_name = current_database() "
            "and not internal and schema_name not in ('main', 'raw')"
        ).fetchall():
            con.execute(f'drop schema "{schema}" cascade')
        for (table,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'raw'"
        ).fetchall():
            if table not in RAW_TABLES and not is_od_cells_table(table):
                con.execute(f'drop table raw."{table}"')
    return paths.build_db


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(paths: WarehousePaths, *args: str, log_file: Path | None = None) -> None:
    """Run `dbt <args>` against the build file; raise StageError on failure.

    dbt runs in the warehouse's build directory with the profile's `path` set to the bare file
    name: the rendered profile is then identical for every warehouse, so dbt's partial parse
    (dbt_project/target/partial_parse.msgpack, keyed on a hash of the profile) is reused across
    warehouses; an absolute path would force a full parse (~5 s) whenever the warehouse differs.
    target/ and logs/ stay in the project directory (dbt resolves them against --project-dir);
    DuckDB's spill directory (warehouse.duckdb.tmp) stays next to the build file."""
    paths.build_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, KZM_BUILD_DB=BUILD_FILE_NAME, DBT_PROFILES_DIR=str(DBT_PROJECT_DIR))
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    cmd = [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR)]
    proc = subprocess.run(cmd, env=env, cwd=paths.build_dir, capture_output=True, text=True)
    if log_file:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        log_file.write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        failures = [line for line in proc.stdout.splitlines() if "ERROR" in line or "FAIL" in line][
            -15:
        ]
        raise StageError(f"dbt {args[0]}", "\n".join(failures) or proc.stderr[-2000:])
