"""The dbt stage's fixed cost: dbt's partial parse is reused across warehouse directories,
dbt's unit tests run only when they have not yet passed on the code (pipeline/dbt_test_plan.py;
pipeline/build.py run_dbt), and dbt's process is started ahead of time (pipeline/dbt_worker.py,
pipeline/build.py DbtProcess).

The end-to-end test refreshes from a private copy of the code (as bench/runner.py does): its
dbt_project/target/ (partial parse, unit-test stamp) then belongs to the test alone, and the
test can change the code without touching the checkout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from core.paths import REPO_ROOT, WarehousePaths
from pipeline import dbt_test_plan
from pipeline.build import DbtProcess, StageError, run_dbt

CODE_PARTS = (
    "core",
    "analysis",
    "ingest",
    "pipeline",
    "dbt_project",
    "expectations",
    "data/sample",
)
FULL_PARSE = "Unable to do partial parsing"


# Unit level: the plan -------------------------------------------------------------------------


@pytest.fixture
def stamp(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "target" / "kzm_unit_tests_passed.json"
    monkeypatch.setattr(dbt_test_plan, "UNIT_TESTS_STAMP", path)
    monkeypatch.delenv("KZM_SKIP_DBT_TESTS", raising=False)
    return path


def test_unit_tests_run_until_they_passed_on_the_code(stamp):
    assert dbt_test_plan.dbt_test_plan("code-a", force=False) == ([], "run")
    dbt_test_plan.record_unit_tests_passed(dbt_test_plan.unit_test_fingerprint("code-a"), "T1")
    assert dbt_test_plan.dbt_test_plan("code-a", force=False) == (
        ["--exclude", "resource_type:unit_test"],
        "skipped: passed on this code at T1",
    )
    assert dbt_test_plan.dbt_test_plan("code-b", force=False) == ([], "run")  # the code changed
    assert dbt_test_plan.dbt_test_plan("code-a", force=True) == ([], "run")  # FORCE=1
    assert not list(stamp.parent.glob(".*.tmp"))  # written through a temporary file


def test_unit_tests_rerun_when_dbt_or_duckdb_changed(stamp):
    fingerprint = dbt_test_plan.unit_test_fingerprint("code-a")
    assert set(fingerprint) == {"code_hash", "dbt_core_version", "dbt_duckdb_version",
                                "duckdb_version"}  # fmt: skip
    dbt_test_plan.record_unit_tests_passed({**fingerprint, "dbt_core_version": "1.0.0"}, "T1")
    assert dbt_test_plan.dbt_test_plan("code-a", force=False) == ([], "run")


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", '{"fingerprint": null}'])
def test_a_damaged_stamp_runs_the_unit_tests(stamp, content):
    stamp.parent.mkdir(parents=True)
    stamp.write_text(content)
    assert dbt_test_plan.dbt_test_plan("code-a", force=False) == ([], "run")


def test_skip_dbt_tests_skips_data_and_unit_tests(stamp, monkeypatch):
    monkeypatch.setenv("KZM_SKIP_DBT_TESTS", "1")
    assert dbt_test_plan.dbt_test_plan("code-a", force=True) == (
        ["--exclude", "resource_type:test", "resource_type:unit_test"],
        "skipped: KZM_SKIP_DBT_TESTS=1",
    )


# The pre-warmed dbt process ------------------------------------------------------------------


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()  # a reaped process is gone; a zombie would still show


@pytest.mark.parametrize("args", [["--help"], ["no-such-command"]])
def test_worker_runs_what_the_dbt_cli_runs(args, tmp_path):
    """Same exit code, stdout and stderr as the console script (`dbt --version` would also say
    what is the latest dbt on PyPI: not deterministic)."""
    dbt = Path(sys.executable).with_name("dbt")
    cli = subprocess.run([dbt, *args], cwd=tmp_path, capture_output=True, text=True)
    command = json.dumps({"args": args, "cwd": str(tmp_path)})
    worker = subprocess.run([sys.executable, "-m", "pipeline.dbt_worker"], input=command + "\n",
                            cwd=REPO_ROOT, capture_output=True, text=True)  # fmt: skip
    assert (worker.returncode, worker.stdout, worker.stderr) == (
        cli.returncode, cli.stdout, cli.stderr)  # fmt: skip
    assert cli.returncode == (0 if args == ["--help"] else 2)
    assert "Usage: dbt " in cli.stdout + cli.stderr  # not "python -m pipeline.dbt_worker"


def test_a_worker_that_reads_eof_exits_quietly(tmp_path):
    """The refresh did not need dbt, or the refresh process is gone: nothing is run."""
    dbt = DbtProcess(WarehousePaths(tmp_path)).start()
    dbt.proc.stdin.close()
    assert dbt.proc.wait(timeout=120) == 0
    assert dbt.proc.stdout.read() == dbt.proc.stderr.read() == ""
    dbt.close()
    assert not list(tmp_path.iterdir())


def test_closing_an_unused_worker_does_not_wait_for_its_imports(tmp_path):
    DbtProcess(WarehousePaths(tmp_path)).close()  # never started: nothing to do
    dbt = DbtProcess(WarehousePaths(tmp_path)).start()
    started = time.monotonic()
    dbt.close()
    assert time.monotonic() - started < 2  # dbt's imports take ~4 s
    assert dbt.proc.returncode is not None and not alive(dbt.proc.pid)
    dbt.close()  # idempotent


def test_the_worker_runs_in_the_build_dir_recreated_after_its_start(tmp_path):
    """prepare_build_db deletes and recreates the build directory after the refresh started the
    worker: dbt still runs in it, with the profile's relative path (KZM_BUILD_DB) there."""
    paths = WarehousePaths(tmp_path)
    paths.build_dir.mkdir()
    with DbtProcess(paths) as dbt:
        dbt.start()
        shutil.rmtree(paths.build_dir)
        paths.build_dir.mkdir()
        dbt.run("debug", log_file=tmp_path / "debug.log")
    assert not alive(dbt.proc.pid)
    log = re.sub(r"\x1b\[[0-9;]*m", "", (tmp_path / "debug.log").read_text())
    assert "path: warehouse.duckdb" in log and "Connection test: [OK connection ok]" in log
    assert (paths.build_dir / "warehouse.duckdb").is_file()  # dbt's cwd was the new build dir
    with pytest.raises(RuntimeError, match="runs dbt once"):
        dbt.run("debug")


def test_a_failing_dbt_run_raises_stage_error(tmp_path):
    paths = WarehousePaths(tmp_path)
    expected = "(?s)dbt no-such-command failed: .*No such command"
    with pytest.raises(StageError, match=expected) as exc:
        run_dbt(paths, "no-such-command", log_file=tmp_path / "logs" / "dbt.log")
    assert exc.value.stage == "dbt no-such-command"
    assert "No such command" in (tmp_path / "logs" / "dbt.log").read_text()


# End to end: refreshes of two warehouses from one copy of the code ------------------------------


@pytest.fixture(scope="module")
def code(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("code")
    ignore = shutil.ignore_patterns("target", "logs", "__pycache__", "*.duckdb", "*.duckdb.wal")
    for part in CODE_PARTS:
        shutil.copytree(REPO_ROOT / part, root / part, ignore=ignore)
    shutil.copy(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def run_refresh(code: Path, warehouse: Path, *args: str, fault: str | None = None):
    env = dict(os.environ, KZM_WAREHOUSE_DIR=str(warehouse), PYTHONPATH=str(code),
               DBT_PROFILES_DIR=str(code / "dbt_project"))  # fmt: skip
    for name in ("KZM_INJECT_FAULT", "KZM_SKIP_DBT_TESTS"):
        env.pop(name, None)
    if fault:
        env["KZM_INJECT_FAULT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "pipeline.refresh", *args], env=env, cwd=code,
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip


def last_dbt_log(warehouse: Path) -> str:
    logs = sorted((warehouse / "reports").glob("*/dbt_build.log"), key=lambda p: p.stat().st_mtime)
    return re.sub(r"\x1b\[[0-9;]*m", "", logs[-1].read_text(encoding="utf-8"))


def unit_tests_found(log: str) -> int:
    return int(re.search(r"Found .*?(\d+) unit tests", log).group(1))


def unit_tests_run(log: str) -> int:
    return len(re.findall(r"START unit_test ", log))


def build_info(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse / "current.duckdb"), read_only=True) as con:
        cursor = con.execute("select * from marts.build_info")
        return dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))


@pytest.mark.slow
def test_parse_reused_across_warehouses_and_unit_tests_only_on_new_code(code, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    stamp = code / "dbt_project" / "target" / "kzm_unit_tests_passed.json"

    # 1. A fresh checkout: full parse; the unit tests run, pass, and the stamp records the code
    # (build_info says "run": test_refresh_e2e.py; the gates are not under test here).
    result = run_refresh(code, first, fault="gates")
    assert "injected at stage 'gates'" in result.stderr, result.stdout + result.stderr
    log = last_dbt_log(first)
    assert unit_tests_found(log) >= 10 and unit_tests_run(log) == unit_tests_found(log)
    assert stamp.is_file()

    # 2. Another (empty) warehouse, same code: dbt reuses the partial parse (the profile no
    # longer names the warehouse), skips the unit tests, and still runs the data tests.
    result = run_refresh(code, second)
    assert result.returncode == 0, result.stdout + result.stderr
    log = last_dbt_log(second)
    assert FULL_PARSE not in log
    assert unit_tests_run(log) == 0 and "START test " in log
    # each warehouse reads back its own run results: the second run did not overwrite the first's
    first_run, second_run = (
        json.loads((w / "dbt_target" / "run_results.json").read_text())["metadata"]
        for w in (first, second)
    )
    assert first_run["invocation_id"] != second_run["invocation_id"]
    assert first_run["generated_at"] < second_run["generated_at"]
    info = build_info(second)
    assert info["dbt_unit_tests"].startswith("skipped: passed on this code at 20")
    assert info["dbt_tests_run"] is True
    assert json.loads(stamp.read_text())["fingerprint"]["code_hash"] == info["code_hash"]
    # (FORCE=1 runs them anyway: test_refresh_e2e.py test_forced_rebuild_while_readers_query.)

    # 3. A code change (no FORCE): the warehouse is rebuilt and the unit tests run again.
    model = code / "dbt_project" / "models" / "staging" / "stg_raw__observations.sql"
    model.write_text(model.read_text() + "\n-- a comment changes the code hash\n")
    result = run_refresh(code, second, fault="gates")
    assert "injected at stage 'gates'" in result.stderr, result.stdout + result.stderr
    log = last_dbt_log(second)
    assert unit_tests_run(log) == unit_tests_found(log)
    assert json.loads(stamp.read_text())["fingerprint"]["code_hash"] != info["code_hash"]
