"""Scenario 4 of the bench (bench/runner.py), `synthetic_<size>`: bench/generator.py writes
<size> district-level rows (cached under warehouse/bench/raw/); into an empty warehouse the bulk
path lands them, then `python -m pipeline.refresh` lands the sample, builds, runs dbt, the gates
and publishes. `floor_<size>` is one bare DuckDB query from the same CSV to regional balances
(bench/tasks.py), the floor the whole refresh is compared with."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import time
from pathlib import Path

from bench.context import (
    CODE,
    MEMORY_LIMIT,
    SEED,
    WORK_DIR,
    env_for,
    log,
    refresh_cmd,
    run_record,
)
from bench.generator import generate
from bench.measure import Measured, run_measured
from bench.sizes import size_label
from core.paths import REPO_ROOT, WarehousePaths


def synthetic_file(rows: int, raw_dir: Path) -> str:
    rel = f"synthetic/od_{size_label(rows)}.csv"
    path = raw_dir / rel
    stamp = path.with_name(path.name + ".json")
    want = {"rows": rows, "seed": SEED, "generator": _generator_hash()}
    if not (path.is_file() and stamp.is_file() and json.loads(stamp.read_text()) == want):
        log(f"generating {rows:,} synthetic rows -> {path}")
        start = time.perf_counter()
        generate(path, rows, SEED)
        stamp.write_text(json.dumps(want))
        log(f"  generated in {time.perf_counter() - start:.1f} s")
    return rel


def dbt_slowest(warehouse: Path, top: int = 8) -> list[dict]:
    """The slowest nodes (models, tests) of the warehouse's last `dbt build`, from the copy of
    its run_results.json the refresh keeps in reports/<build_id>/dbt_build_results.json."""
    reports = WarehousePaths(warehouse).reports_dir.glob("*/dbt_build_results.json")
    try:
        path = max(reports, key=lambda report: report.stat().st_mtime)
        results = json.loads(path.read_text())["results"]
    except (OSError, ValueError, KeyError):
        return []
    nodes = sorted(results, key=lambda r: r.get("execution_time") or 0, reverse=True)[:top]
    return [
        {
            "node": r["unique_id"],
            "status": r["status"],
            "seconds": round(r.get("execution_time") or 0, 2),
        }
        for r in nodes
    ]


def _generator_hash() -> str:
    return hashlib.sha256((REPO_ROOT / "bench" / "generator.py").read_bytes()).hexdigest()[:16]


def bench_size(runs: list[dict], rows: int, timeout_s: float = 7200, suffix: str = "") -> None:
    raw_dir = WORK_DIR / "raw"
    rel = synthetic_file(rows, raw_dir)
    csv = raw_dir / rel
    label = size_label(rows)
    log(f"floor query on {label} rows")
    floor = run_measured(
        [
            sys.executable,
            "-m",
            "bench.tasks",
            "floor",
            "--csv",
            str(csv),
            "--memory-limit",
            MEMORY_LIMIT,
        ],
        env=env_for(WORK_DIR),
        cwd=CODE,
    )
    floor_s = next((s["wall_s"] for s in floor.stages if s["stage"] == "floor"), floor.wall_s)
    runs.append(run_record(f"floor_{label}{suffix}", rows, floor, floor_s=floor_s))
    log(f"  floor {floor_s:.1f} s, peak {floor.peak_rss_mib:.0f} MiB")

    warehouse = WORK_DIR / f"synthetic_{label}{suffix}"
    shutil.rmtree(warehouse, ignore_errors=True)
    log(f"whole refresh on {label} synthetic rows")
    env = env_for(warehouse, KZM_INGEST_MEMORY_LIMIT=MEMORY_LIMIT)
    land = run_measured(
        [
            sys.executable,
            "-m",
            "bench.tasks",
            "land-synthetic",
            "--warehouse",
            str(warehouse),
            "--raw-dir",
            str(raw_dir),
            "--file",
            rel,
        ],
        env=env,
        cwd=CODE,
        timeout_s=timeout_s,
    )
    log(
        f"  bulk ingest {land.wall_s:.1f} s, peak {land.peak_rss_mib:.0f} MiB, exit "
        f"{land.returncode}"
    )
    refresh = None
    if land.returncode == 0:
        remaining = max(60.0, timeout_s - land.wall_s)
        refresh = run_measured(refresh_cmd(), env=env, cwd=CODE, timeout_s=remaining)
        log(
            f"  refresh {refresh.wall_s:.1f} s, peak {refresh.peak_rss_mib:.0f} MiB, exit "
            f"{refresh.returncode}"
        )
    parts = [land] + ([refresh] if refresh else [])
    failed = next((p for p in parts if p.returncode != 0), None)
    combined = Measured(
        argv=[*land.argv, "&&", *(refresh.argv if refresh else [])],
        returncode=failed.returncode if failed else 0,
        wall_s=round(sum(p.wall_s for p in parts), 3),
        cpu_s=round(sum(p.cpu_s for p in parts), 2),
        peak_rss_mib=max(p.peak_rss_mib for p in parts),
        stdout="".join(p.stdout for p in parts),
        stderr="".join(p.stderr for p in parts),
        timed_out=any(p.timed_out for p in parts),
        startup_s=land.startup_s,
        stages=[s for p in parts for s in p.stages]
        + (
            [
                {
                    "stage": "startup (refresh: interpreter, imports)",
                    "wall_s": refresh.startup_s,
                    "peak_rss_mib": None,
                }
            ]
            if refresh
            else []
        ),
    )
    record = run_record(f"synthetic_{label}{suffix}", rows, combined, floor_s=floor_s)
    record["rows_per_s"] = round(rows / combined.wall_s) if combined.returncode == 0 else None
    record["x_floor"] = round(combined.wall_s / floor_s, 1) if floor_s else None
    record["csv_mib"] = round(csv.stat().st_size / 2**20, 1)
    record["warehouse_mib"] = round(
        sum(
            p.stat().st_size
            for p in warehouse.rglob("*.duckdb")
            if p.is_file() and not p.is_symlink()
        )
        / 2**20,
        1,
    )
    record["dbt_slowest"] = dbt_slowest(warehouse)
    if combined.returncode != 0:
        record["error_detail"] = error_detail(warehouse)
    runs.append(record)
    if combined.returncode == 0:  # the files of a passed size are large; keep the disk free
        shutil.rmtree(warehouse / "builds", ignore_errors=True)


def error_detail(warehouse: Path) -> str | None:
    """The informative lines of a failed synthetic refresh: dbt's runtime error (from the build
    log in the warehouse's reports) or the gates' first errors."""
    lines: list[str] = []
    for log_file in sorted(warehouse.glob("reports/*/dbt_build.log")):
        text = log_file.read_text(encoding="utf-8", errors="replace").splitlines()
        for i, line in enumerate(text):
            if "Runtime Error in" in line or "Database Error in" in line:
                lines += [re.sub(r"\x1b\[[0-9;]*m", "", x).strip() for x in text[i : i + 2]]
    for gates in sorted(warehouse.glob("reports/*/gates.json")):
        report = json.loads(gates.read_text())
        lines += [f"gate error: {e[:300]}" for e in report.get("errors", [])[:3]]
    return " | ".join(x for x in lines if x) or None
