"""The whole refresh, as `make refresh` runs it, in a fresh temporary warehouse directory.

Reliability requirements (docs/operations.md): a failure at any stage exits non-zero and leaves the
served pointer and file byte-identical; a killed refresh never leaves a broken pointer and the
next one recovers; readers during a refresh see no error and only the old or new build; one
refresh at a time; unchanged inputs rebuild nothing; forced rebuilds give identical marts.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from core.paths import REPO_ROOT, WarehousePaths

pytestmark = pytest.mark.slow


def refresh_env(paths: WarehousePaths, fault: str | None = None, fast: bool = False) -> dict:
    """Environment of a refresh subprocess. fast=True skips dbt's data and unit tests
    (KZM_SKIP_DBT_TESTS): for trials about the refresh mechanics, not the data."""
    env = dict(os.environ, KZM_WAREHOUSE_DIR=str(paths.root), PYTHONPATH=str(REPO_ROOT))
    for name in ("KZM_INJECT_FAULT", "KZM_SKIP_DBT_TESTS"):
        env.pop(name, None)
    if fault:
        env["KZM_INJECT_FAULT"] = fault
    if fast:
        env["KZM_SKIP_DBT_TESTS"] = "1"
    return env


def run_refresh(
    paths: WarehousePaths, *args: str, fault: str | None = None, fast: bool = False, **kwargs
):
    env = refresh_env(paths, fault, fast)
    return subprocess.run(
        [sys.executable, "-m", "pipeline.refresh", *args], env=env, cwd=REPO_ROOT,
        capture_output=True, text=True, timeout=900, **kwargs,
    )  # fmt: skip


def start_refresh(paths: WarehousePaths, *args: str, fast: bool = False) -> subprocess.Popen:
    env = refresh_env(paths, fast=fast)
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.refresh", *args], env=env, cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def served_state(paths: WarehousePaths) -> tuple[str, str]:
    return os.readlink(paths.current), hashlib.sha256(
        paths.current.resolve().read_bytes()
    ).hexdigest()


def served_build_id(paths: WarehousePaths) -> str:
    with duckdb.connect(str(paths.current), read_only=True) as con:
        return con.execute("select build_id from marts.build_info").fetchone()[0]


def mart_contents(db: Path) -> dict[str, list]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [t for (t,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' "
            "and table_name <> 'build_info' order by 1").fetchall()]  # fmt: skip
        return {t: con.execute(f"select * from marts.{t} order by all").fetchall() for t in tables}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> WarehousePaths:
    """A warehouse with one published build of the embedded sample."""
    paths = WarehousePaths(tmp_path_factory.mktemp("e2e") / "warehouse")
    result = run_refresh(paths)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "published build" in result.stdout
    return paths


def test_published_file_is_self_contained(warehouse):
    """Every table opens read-only in a fresh process, through the served path."""
    script = textwrap.dedent(f"""
        import duckdb
        con = duckdb.connect({str(warehouse.current)!r}, read_only=True)
        tables = con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
        for s, t in tables:
            con.execute(f'select * from "{{s}}"."{{t}}" limit 5').fetchall()
        print(len(tables))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) >= 8
    marts = mart_contents(warehouse.current)
    for name in ("dim_region", "fct_migration_balance", "fct_migration_flows",
                 "fct_socioeconomic_scores", "data_quality_issues"):  # fmt: skip
        assert marts.get(name), f"marts.{name} missing or empty"


def test_unchanged_inputs_rebuild_nothing(warehouse):
    before = served_state(warehouse)
    with duckdb.connect(str(warehouse.raw_store), read_only=True) as con:
        raw_before = [con.execute(f"select count(*) from raw.{t}").fetchone()
                      for t in ("observations", "od_flow_cells", "load_manifest")]  # fmt: skip
    result = run_refresh(warehouse)
    assert result.returncode == 0, result.stderr
    assert "nothing changed" in result.stdout
    assert served_state(warehouse) == before
    with duckdb.connect(str(warehouse.raw_store), read_only=True) as con:
        raw_after = [con.execute(f"select count(*) from raw.{t}").fetchone()
                     for t in ("observations", "od_flow_cells", "load_manifest")]  # fmt: skip
    assert raw_after == raw_before


@pytest.mark.parametrize("stage", ["ingest", "build", "dbt", "gates", "docs"])
def test_failure_at_any_stage_leaves_served_state_byte_identical(warehouse, stage):
    """Injected failures at each stage boundary. Realistic failures follow (a bad input file,
    a failing dbt model, an error-level gate); publish and the pointer switch are failed in
    tests/pipeline/test_publish.py on the same code."""
    before = served_state(warehouse)
    result = run_refresh(warehouse, "--force", fault=stage, fast=True)
    assert result.returncode != 0
    assert "refresh FAILED" in result.stderr and "unchanged" in result.stderr
    assert served_state(warehouse) == before


def copy_warehouse(paths: WarehousePaths, target: Path) -> WarehousePaths:
    """An independent copy (the pointer is a relative symlink, so it follows)."""
    shutil.copytree(paths.root, target, symlinks=True)
    return WarehousePaths(target)


def test_a_failing_dbt_model_publishes_nothing(warehouse, tmp_path):
    copy = copy_warehouse(warehouse, tmp_path / "warehouse")
    with duckdb.connect(str(copy.raw_store)) as con:  # a raw column the staging view needs
        con.execute("alter table raw.observations rename column value to persons_value")
    before = served_state(copy)
    result = run_refresh(copy, "--force", fast=True)
    assert result.returncode == 1
    assert "refresh FAILED at dbt build" in result.stderr
    assert "stg_raw__observations" in result.stderr
    assert served_state(copy) == before


def test_an_error_level_gate_publishes_nothing(warehouse, tmp_path):
    """A raw row landed twice (same file, sheet, row and column) blocks publishing."""
    copy = copy_warehouse(warehouse, tmp_path / "warehouse")
    with duckdb.connect(str(copy.raw_store)) as con:
        con.execute(
            "insert into raw.observations select * replace (observation_id || 'x' as "
            "observation_id) from raw.observations where source_id = 'kazdata_population' limit 1"
        )
    before = served_state(copy)
    result = run_refresh(copy, "--force", fast=True)
    assert result.returncode == 1
    assert "refresh FAILED at gates" in result.stderr
    assert "observations" in result.stdout
    assert served_state(copy) == before


def test_bad_input_fails_with_the_cell_and_publishes_nothing(warehouse, public_copies, tmp_path):
    import shutil

    raw_dir = tmp_path / "raw"
    shutil.copytree(public_copies, raw_dir)
    for path in raw_dir.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    od = raw_dir / "Diar299__kz-migration/Internal_migration.csv"
    od.write_text(od.read_text().replace(",36729", ",36 7?9"))
    before = served_state(warehouse)
    result = run_refresh(warehouse, "--raw-dir", str(raw_dir))
    assert result.returncode == 1
    assert "Internal_migration.csv" in result.stderr and "row 2" in result.stderr
    assert served_state(warehouse) == before


def test_second_refresh_exits_at_once_while_one_runs(warehouse):
    from core.lock import RefreshLock

    with RefreshLock(warehouse.lock):
        started = time.monotonic()
        result = run_refresh(warehouse)
        assert time.monotonic() - started < 30
    assert result.returncode == 75
    assert "another refresh is running" in result.stderr


READER = textwrap.dedent("""
    import sys, time, duckdb
    path, stop_file, out = sys.argv[1], sys.argv[2], sys.argv[3]
    held = duckdb.connect(path, read_only=True)  # a reader that keeps a connection open
    seen, errors = [], []
    import os
    while not os.path.exists(stop_file):
        try:
            with duckdb.connect(path, read_only=True) as con:
                seen.append(con.execute("select build_id from marts.build_info").fetchone()[0])
        except Exception as exc:
            errors.append(repr(exc))
        time.sleep(0.1)
    held.execute("select count(*) from marts.dim_region").fetchone()
    with open(out, "w") as fh:
        fh.write("\\n".join(["SEEN " + s for s in seen] + ["ERROR " + e for e in errors]))
""")


def test_forced_rebuild_while_readers_query(warehouse, tmp_path):
    """A reader polling every 100 ms (and one holding a connection) during a forced rebuild sees
    no error and only the old or the new build; the rebuild gives identical mart contents."""
    old_id, old_file = served_build_id(warehouse), warehouse.current.resolve()
    stop, out = tmp_path / "stop", tmp_path / "reader.out"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse.current), str(stop),
                               str(out)])  # fmt: skip
    time.sleep(1.0)
    result = run_refresh(warehouse, "--force")
    time.sleep(0.5)
    stop.touch()
    reader.wait(timeout=60)
    assert result.returncode == 0, result.stderr  # the refresh did not wait for the reader
    lines = out.read_text().splitlines()
    errors = [line for line in lines if line.startswith("ERROR")]
    seen = {line[5:] for line in lines if line.startswith("SEEN")}
    new_id = served_build_id(warehouse)
    assert not errors, errors[:3]
    assert seen <= {old_id, new_id} and new_id in seen and old_id in seen
    assert len(lines) > 20  # it really polled throughout
    new_file = warehouse.current.resolve()
    assert new_file != old_file
    assert mart_contents(new_file) == mart_contents(old_file)
    with duckdb.connect(str(new_file), read_only=True) as con:  # FORCE=1 reruns dbt's unit tests
        assert con.execute("select dbt_unit_tests from marts.build_info").fetchone() == ("run",)


def test_killed_refreshes_never_break_the_pointer_and_the_next_recovers(warehouse):
    """Kill -9 a forced refresh at seeded random points; after each kill the pointer names a
    complete build that opens read-only; a final refresh succeeds and cleans up. The trials skip
    dbt's data tests (fast=True): what is tested is the crash safety of ingest, build, gates and
    publish, which does not depend on how many dbt tests run."""
    started = time.monotonic()
    assert run_refresh(warehouse, "--force", fast=True).returncode == 0
    full = time.monotonic() - started
    rng = random.Random(20261126)
    trials = int(os.environ.get("KZM_KILL_TRIALS", "20"))
    for trial in range(trials):
        proc = start_refresh(warehouse, "--force", fast=True)
        time.sleep(rng.uniform(0.0, full))
        os.killpg(proc.pid, signal.SIGKILL)  # the refresh and its dbt subprocess
        proc.wait(timeout=30)
        assert warehouse.current.is_symlink(), trial
        served_build_id(warehouse)  # opens read-only and holds a complete build
    result = run_refresh(warehouse, "--force", fast=True)
    assert result.returncode == 0, result.stderr
    assert not list(warehouse.builds_dir.glob(".*.incoming"))
    assert len([p for p in warehouse.builds_dir.iterdir() if p.is_dir()]) <= 5
