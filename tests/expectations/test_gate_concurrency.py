"""The gates read in a pool of 2 threads while GX validates on the main thread: the report is
the one of a sequential run, exceptions propagate, no read thread is left behind, and the DuckDB
behaviour the design relies on (one shared instance per file and settings) holds."""

from __future__ import annotations

import json
import tempfile
import threading
from pathlib import Path
from typing import Any

import duckdb
import pytest

from expectations import gates, suite_validation
from expectations.batches import read_only
from expectations.gates import run_gates
from expectations.suite_files import load_suites

TIMINGS = {"duration_s", "cpu_s", "started_at"}


def without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if k not in TIMINGS}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value


def sequential(build_db, suites, params, served, settings):
    """`gates._run_suites` without threads: read then validate, suite after suite."""
    with tempfile.TemporaryDirectory(prefix="kzm-gates-test-spill-") as spill:
        reads = (
            gates.read_suite(s, build_db, params, served.get(s.table), settings, Path(spill))
            for s in suites
        )
        return [gates.validate_suite(read, settings) for read in reads]


def read_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("kzm-gates-read")]


def test_concurrent_reads_give_the_sequential_report(
    faulty_build, served_dir, tmp_path, monkeypatch
):
    """Failures with example values, keys and breakdowns, a missing column: same JSON report."""
    db = faulty_build(
        "insert into {cells} select * from {cells} order by row_number desc limit 1",
        "update marts.fct_migration_balance set region_code = '990000000' "
        "where rowid = (select min(rowid) from marts.fct_migration_balance)",
        "insert into marts.data_quality_issues (issue_id, check_name, severity, region_code, "
        "year, measure) values ('injected', 'population_sources_disagree', 'error', "
        "'110000000', 2020, 'population')",
        "alter table raw.load_manifest drop column rows_landed",
    )
    concurrent = run_gates(db, served_dir, tmp_path / "concurrent.json")
    assert not read_threads()
    monkeypatch.setattr(gates, "_run_suites", sequential)
    run_gates(db, served_dir, tmp_path / "sequential.json")
    docs = [json.loads((tmp_path / f"{n}.json").read_text()) for n in ("concurrent", "sequential")]
    assert not concurrent.passed and len(concurrent.errors) >= 4, concurrent.summary()
    assert without_timings(docs[0]) == without_timings(docs[1])
    assert [s["suite"] for s in docs[0]["suites"]] == [s.name for s in load_suites()]
    assert all(s["duration_s"] >= 0 for s in docs[0]["suites"])


def test_an_exception_in_a_read_propagates(built_db, served_dir, tmp_path, monkeypatch):
    names = [s.name for s in load_suites()][:4]
    broken_table = load_suites()[2].table
    count_rows = suite_validation.count_rows

    def broken(con, table):
        if table == broken_table:
            raise ValueError("not a DuckDB error")
        return count_rows(con, table)

    monkeypatch.setattr(suite_validation, "count_rows", broken)
    with pytest.raises(ValueError, match="not a DuckDB error"):
        run_gates(built_db, served_dir, tmp_path / "gates.json", only=names)
    assert not read_threads()
    assert not (tmp_path / "gates.json").exists()


def test_a_failing_validation_starts_no_further_read(built_db, served_dir, tmp_path, monkeypatch):
    """The reads not started yet are cancelled; the running ones are waited for."""
    names = [s.name for s in load_suites()]
    started: list[str] = []
    release = threading.Event()
    read = gates.read_suite

    def slow_read(suite, *args):
        started.append(suite.name)
        if suite.name != names[0]:
            release.wait(timeout=2)  # keeps both workers busy until the validation has failed
        return read(suite, *args)

    def failing_validation(read, settings):
        raise RuntimeError("GX broke")

    monkeypatch.setattr(gates, "read_suite", slow_read)
    monkeypatch.setattr(gates, "validate_suite", failing_validation)
    try:
        with pytest.raises(RuntimeError, match="GX broke"):
            run_gates(built_db, served_dir, tmp_path / "gates.json")
    finally:
        release.set()
    assert names[0] in started and set(started) <= set(names[:3]), started
    assert not read_threads()


def test_reads_with_the_same_settings_share_one_duckdb_instance(built_db, tmp_path):
    """Why two concurrent reads stay within one `duckdb_memory_limit` and may share a spill
    directory, and why they cannot have their own: DuckDB's instance cache."""
    spill = tmp_path / "spill"
    spill.mkdir()
    with read_only(built_db, "1GB", spill) as anchor, read_only(built_db, "1GB", spill) as other:
        anchor.execute("set global threads = 1")
        assert other.execute("select current_setting('threads')").fetchone()[0] == 1
        with pytest.raises(duckdb.ConnectionException), read_only(built_db, "1GB", tmp_path):
            pass
