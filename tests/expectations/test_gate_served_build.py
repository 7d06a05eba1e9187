"""Row-count bands against the served build, read from its record (core/build_record.py), never
from its file: the gates run and pass while another process holds the served file read-write,
and a served build without a record skips the bands with a note."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from core.build_record import record_path
from core.paths import BUILD_FILE_NAME
from expectations.gates import run_gates
from expectations.served_build import served_row_counts
from expectations.suite_files import load_suites

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])  # read-write, as a plain `duckdb` shell or DBeaver does
con.execute("create table if not exists main.careless as select 1 as x")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
"""


def errors_matching(report, words):
    return [m for m in report.errors if all(w in m for w in words)]


def banded(report) -> list[dict]:
    return [
        r
        for s in report.suites
        for r in s["results"]
        if r["id"] in ("rows_band_shrink", "rows_band_grow")
    ]


@pytest.fixture
def holder():
    """holder(path) -> a second, real process holding the DuckDB file open read-write."""
    procs: list[subprocess.Popen] = []

    def hold(path: Path) -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(path), "300"], stdout=subprocess.PIPE, text=True
        )
        procs.append(proc)
        assert proc.stdout.readline().strip() == "holding"
        with pytest.raises(duckdb.IOException, match="lock"):  # the lock is really held
            duckdb.connect(str(path), read_only=True).close()
        return proc

    yield hold
    for proc in procs:
        proc.kill()
        proc.wait(timeout=30)


def test_gates_pass_while_a_client_holds_the_served_build(built_db, make_served, holder, tmp_path):
    served = make_served(built_db, with_file=True)
    holder(served / BUILD_FILE_NAME)
    started = time.perf_counter()
    report = run_gates(built_db, served, tmp_path / "gates.json")
    assert report.passed, report.summary()
    assert report.notes == []
    bands = banded(report)
    assert bands and {r["status"] for r in bands} == {"passed"}  # evaluated, from the record
    print(f"gates beside a read-write client: {time.perf_counter() - started:.1f}s")


def test_served_build_without_record_skips_the_bands_and_never_opens_it(
    built_db, make_served, holder, tmp_path
):
    served = make_served(built_db, with_file=True, name="20250101T000000Z-before-records")
    record_path(served).unlink()
    holder(served / BUILD_FILE_NAME)  # opening it would fail on the lock
    report = run_gates(built_db, served, tmp_path / "gates.json", only=["raw.observations"])
    assert report.passed, report.summary()
    assert len(report.notes) == 1 and "no readable record" in report.notes[0]
    assert served.name in report.notes[0] and "bands skipped" in report.notes[0]
    assert "NOTE" in report.summary()
    skipped = [r["id"] for r in banded(report) if r["status"] == "skipped"]
    assert sorted(skipped) == ["rows_band_grow", "rows_band_shrink"]


def test_row_count_band(faulty_build, make_served, tmp_path):
    """Shrinking beyond the band blocks; growing beyond it is a warning."""
    full = faulty_build(name="full")
    third = faulty_build("delete from {cells} where row_number % 3 <> 0", name="third")
    only = ["raw.od_flow_cells"]
    shrunk = run_gates(third, make_served(full, name="b-full"), tmp_path / "s.json", only=only)
    assert not shrunk.passed
    assert errors_matching(shrunk, ["raw.od_flow_cells", "rows_band_shrink", "expected between"])
    grown = run_gates(full, make_served(third, name="b-third"), tmp_path / "g.json", only=only)
    assert grown.passed, grown.summary()
    assert [w for w in grown.warnings if "raw.od_flow_cells" in w and "rows_band_grow" in w]


def test_first_build_skips_the_band_only(built_db, tmp_path):
    report = run_gates(built_db, None, tmp_path / "gates.json", only=["raw.observations"])
    assert report.passed
    skipped = [r["id"] for s in report.suites for r in s["results"] if r["status"] == "skipped"]
    assert sorted(skipped) == ["rows_band_grow", "rows_band_shrink"]
    assert report.notes and "first refresh" in report.notes[0]


def test_every_band_has_a_count_in_a_served_build(faulty_build, make_served):
    """The served file has no dbt views (publish drops them): every suite with a row-count band
    must find its table's count in the served build's record, or its band would silently never
    run. The record counts every table and view of the served schemas (conftest.row_counts)."""
    served_file = faulty_build(
        "drop view staging.stg_raw__observations",
        "drop view staging.stg_raw__od_flows",
        name="served",
    )
    bands = [
        s.table
        for s in load_suites()
        if any(e["meta"]["id"].startswith("rows_band_") for e in s.expectations)
    ]
    assert bands
    counts = served_row_counts(make_served(served_file), bands)
    assert counts.note is None
    assert {t: n for t, n in counts.counts.items() if n is None} == {}
