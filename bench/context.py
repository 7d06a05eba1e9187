"""What every bench scenario shares (bench/runner.py): where the bench works (warehouse/bench/ and
the code snapshot in it), the environment a scenario's process runs in, and the record each
measurement becomes."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from bench.measure import Measured
from core.paths import REPO_ROOT

WORK_DIR = REPO_ROOT / "warehouse" / "bench"
RESULTS_DIR = REPO_ROOT / "bench" / "results"
SEED = 20240607
MEMORY_LIMIT = "3GB"  # DuckDB, for the bench's own connections (bulk ingest, floor)
CODE = WORK_DIR / "code"  # the snapshot every scenario runs on


def env_for(warehouse: Path, **extra: str) -> dict[str, str]:
    env = dict(
        os.environ,
        KZM_WAREHOUSE_DIR=str(warehouse),
        PYTHONPATH=str(CODE),
        DBT_PROFILES_DIR=str(CODE / "dbt_project"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("KZM_INJECT_FAULT", None)
    env.update(extra)
    return env


def run_record(name: str, rows: int | None, measured: Measured, **extra) -> dict:
    ok = measured.returncode == 0
    record = {
        "name": name,
        "rows": rows,
        "wall_s": measured.wall_s,
        "peak_rss_mib": measured.peak_rss_mib,
        "cpu_s": measured.cpu_s,
        "status": "ok"
        if ok
        else "stopped at the time-out"
        if measured.timed_out
        else f"failed (exit {measured.returncode})",
        "startup_s": measured.startup_s,
        "stages": measured.stages,
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **extra,
    }
    if not ok:
        tail = (measured.stderr.strip() or measured.stdout.strip()).splitlines()[-6:]
        record["error"] = "\n".join(tail)
    return record


def log(msg: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {msg}", flush=True)


def refresh_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline.refresh", *args]


def raw_rows(warehouse: Path) -> int | None:
    try:
        with duckdb.connect(str(warehouse / "raw_store.duckdb"), read_only=True) as con:
            return sum(
                con.execute(f"select count(*) from raw.{t}").fetchone()[0]
                for t in ("observations", "od_flows")
            )
    except duckdb.Error:
        return None
