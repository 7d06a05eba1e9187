"""Fixtures of the quality-gate tests: the sample build, copies of it with injected faults, served
builds as the pipeline publishes them (a folder with the build file and its record), and one gate
run per session on the untouched build (GX is imported once per session)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from core.build_record import BuildRecord, file_sha256, write_record
from core.paths import BUILD_FILE_NAME
from expectations.gates import GateReport, run_gates
from ingest.raw_store import is_od_cells_table


@pytest.fixture(scope="session")
def built_db(sample_build) -> Path:
    """The build file of the embedded sample (read-only for every test)."""
    return sample_build.build_db


def copy_build(src: Path, folder: Path) -> Path:
    """A copy of a build file under the same file name (dbt-duckdb names the catalog after it,
    so views only resolve in a file called like the original)."""
    folder.mkdir(parents=True, exist_ok=True)
    dst = folder / BUILD_FILE_NAME
    shutil.copy(src, dst)
    wal = src.with_name(src.name + ".wal")
    if wal.exists():
        shutil.copy(wal, dst.with_name(dst.name + ".wal"))
    return dst


@pytest.fixture
def faulty_build(built_db, tmp_path) -> Callable[..., Path]:
    """faulty_build(*sql) -> a copy of the sample build with the statements applied.

    raw.od_flow_cells is a view over one cells table per OD file: a statement that names
    `{cells}` runs once per such table, with `{cells}` replaced by its name."""

    def make(*statements: str, name: str = "faulty") -> Path:
        dst = copy_build(built_db, tmp_path / name)
        with duckdb.connect(str(dst)) as con:
            cells = [
                f"raw.{table}"
                for (table,) in con.execute(
                    "select table_name from duckdb_tables() where schema_name = 'raw' "
                    "order by table_name"
                ).fetchall()
                if is_od_cells_table(table)
            ]
            assert cells, "the sample build has no OD cells table"
            for statement in statements:
                each = [statement.replace("{cells}", t) for t in cells]
                for sql in each if "{cells}" in statement else [statement]:
                    con.execute(sql)
        return dst

    return make


# the schemas a published build keeps (pipeline/publish.py SERVED_SCHEMAS): dbt's staging views
# are dropped at publish, so a served build's record counts no staging relation
SERVED_SCHEMAS = ("marts", "raw", "reference", "intermediate")


def row_counts(db: Path) -> dict[str, int]:
    """{"schema.table": rows} of every table and view of the served schemas, as the record
    written at publish holds them (core/build_record.py)."""
    with duckdb.connect(str(db), read_only=True) as con:
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in {SERVED_SCHEMAS} order by all"
        ).fetchall()
        return {
            f"{schema}.{name}": con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[
                0
            ]
            for schema, name in relations
        }


def served_build(db: Path, folder: Path, *, with_file: bool = False) -> Path:
    """A served build's folder as publishing leaves it: `build_record.json` with the row counts
    of `db` (and, `with_file`, a copy of the build file). The gates get this folder."""
    folder.mkdir(parents=True, exist_ok=True)
    if with_file:
        copy_build(db, folder)
    write_record(folder, BuildRecord(folder.name, file_sha256(db), row_counts(db)))
    return folder


@pytest.fixture(scope="session")
def served_dir(built_db, tmp_path_factory) -> Path:
    """The untouched sample build as the served build (its record only: no file to open)."""
    return served_build(built_db, tmp_path_factory.mktemp("builds") / "20260101T000000Z-sample")


@pytest.fixture(scope="session")
def baseline(built_db, served_dir, tmp_path_factory) -> GateReport:
    """The gates on the untouched sample build, compared with itself as the served build."""
    report_path = tmp_path_factory.mktemp("gates") / "gates.json"
    return run_gates(built_db, served_dir, report_path)


@pytest.fixture
def make_served(tmp_path) -> Callable[..., Path]:
    """make_served(db, with_file=False) -> a served build's folder for the row counts of db."""

    def make(db: Path, *, with_file: bool = False, name: str = "20260101T000000Z-served") -> Path:
        return served_build(db, tmp_path / "builds" / name, with_file=with_file)

    return make
