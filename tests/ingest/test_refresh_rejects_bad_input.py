"""The refresh as `make refresh RAW_DIR=<copy>` runs it, on a copy of the real files: a bad input
stops at ingest, the served build stays byte-identical and the raw store keeps its rows; a
required source allowed missing is published with a warning the app reads from marts.dim_source
(issue 17, items 1 and 6)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from core.paths import REPO_ROOT, WarehousePaths
from tests.ingest.raw_damage import damage_used_block

pytestmark = pytest.mark.slow

INCOME = "open-data-kazakhstan__average-per-capita-nominal-cash-income/output.csv"
BALANCE = "armanbostybayev-maker__kaz-Data/migration_balance.json"


def refresh(paths: WarehousePaths, raw_dir: Path, **env) -> subprocess.CompletedProcess:
    environ = dict(os.environ, KZM_WAREHOUSE_DIR=str(paths.root), PYTHONPATH=str(REPO_ROOT),
                   KZM_SKIP_DBT_TESTS="1", **env)  # fmt: skip
    environ.pop("KZM_INJECT_FAULT", None)
    return subprocess.run(
        [sys.executable, "-m", "pipeline.refresh", "--raw-dir", str(raw_dir)], cwd=REPO_ROOT,
        env=environ, capture_output=True, text=True, timeout=900,
    )  # fmt: skip


def served(paths: WarehousePaths) -> tuple[str, str]:
    target = paths.current.resolve()
    return str(target), hashlib.sha256(target.read_bytes()).hexdigest()


def raw_rows(paths: WarehousePaths) -> list[tuple]:
    with duckdb.connect(str(paths.raw_store), read_only=True) as con:
        return con.execute(
            "select source_file, year, value_text from raw.observations order by all"
        ).fetchall()


@pytest.fixture(scope="module")
def published(tmp_path_factory, public_copies) -> tuple[WarehousePaths, Path]:
    raw_dir = tmp_path_factory.mktemp("copy") / "raw"
    shutil.copytree(public_copies, raw_dir)
    for path in raw_dir.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    paths = WarehousePaths(tmp_path_factory.mktemp("warehouse"))
    done = refresh(paths, raw_dir)
    assert done.returncode == 0, done.stderr
    return paths, raw_dir


def test_impossible_year_stops_the_refresh_at_ingest(published):
    paths, raw_dir = published
    before, rows = served(paths), raw_rows(paths)
    path = raw_dir / INCOME
    original = path.read_bytes()
    path.write_bytes(original.replace(b"2006-12-31", b"2099-12-31", 1))
    try:
        done = refresh(paths, raw_dir)
    finally:
        path.write_bytes(original)
    assert done.returncode == 1
    assert "refresh FAILED at ingest" in done.stderr
    assert f"FAILED {INCOME}: period year 2099 is after the year of the load" in done.stderr
    assert "row 2, column 'date'" in done.stderr
    assert served(paths) == before
    assert raw_rows(paths) == rows
    with duckdb.connect(str(paths.current), read_only=True) as con:
        latest = con.execute("select max(year) from marts.fct_socioeconomic_scores").fetchone()
    assert latest[0] < 2099


def test_required_source_allowed_missing_publishes_with_a_warning(published):
    paths, raw_dir = published
    path = raw_dir / BALANCE
    original = path.read_bytes()
    path.unlink()
    try:
        refused = refresh(paths, raw_dir)
        before = served(paths)
        allowed = refresh(paths, raw_dir, KZM_ALLOW_MISSING="kazdata_migration_balance")
    finally:
        path.write_bytes(original)
    assert refused.returncode == 1
    assert "required source 'kazdata_migration_balance'" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr
    assert "WARNING kazdata_migration_balance" in allowed.stderr
    assert served(paths) != before
    with duckdb.connect(str(paths.current), read_only=True) as con:
        warning, year = con.execute(
            "select load_warning, latest_period_year from marts.dim_source "
            "where source_id = 'kazdata_migration_balance'"
        ).fetchone()
    assert "ALLOW_MISSING" in warning and year == 2024  # its last landed rows are still served


def test_damaged_raw_store_stops_the_refresh_and_rebuild_raw_recovers(published):
    """Issue 17 item 5: 64 KB overwritten in the middle of the raw store."""
    paths, raw_dir = published
    before, rows = served(paths), raw_rows(paths)
    damage_used_block(paths.raw_store)
    damaged = refresh(paths, raw_dir)
    assert damaged.returncode == 1
    assert "refresh FAILED at ingest" in damaged.stderr
    assert f"the raw store {paths.raw_store} cannot be read" in damaged.stderr
    assert "checksum" in damaged.stderr
    assert f"make rebuild-raw RAW_DIR={raw_dir}" in damaged.stderr
    assert served(paths) == before
    environ = dict(os.environ, KZM_WAREHOUSE_DIR=str(paths.root), PYTHONPATH=str(REPO_ROOT))
    rebuilt = subprocess.run(
        [sys.executable, "-m", "ingest", "rebuild", "--raw-dir", str(raw_dir)], cwd=REPO_ROOT,
        env=environ, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert raw_rows(paths) == rows
    again = refresh(paths, raw_dir)
    assert again.returncode == 0, again.stderr
    with duckdb.connect(str(paths.current), read_only=True) as con:
        landed = con.execute("select count(*) from marts.dim_source where latest_loaded_at "
                             "is not null and load_warning is null").fetchone()[0]  # fmt: skip
    assert landed == 17  # every public copy landed again, none missing
