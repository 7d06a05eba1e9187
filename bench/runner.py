"""The benchmark suite behind `make bench` (`python -m bench [--sizes 1e6,1e7,1e8]`).

Scenarios, each in fresh processes, measured by bench/measure.py (wall, CPU, peak RSS of the
process tree, per stage):

1. `full_sample`: `python -m pipeline.refresh` of the embedded sample into an empty warehouse.
2. `noop_sample` (3 times): the same refresh again, nothing changed: it must say so in ~1 s.
3. `app_page:<page>`: the first render of each page of streamlit_app/app.py (AppTest, a fresh
   process per page) on the published sample build.
4. `synthetic_<size>` (bench/synthetic.py): bench/generator.py writes <size> district-level rows
   (cached under warehouse/bench/raw/); into an empty warehouse the bulk path lands them
   (`ingest_synthetic`), then `python -m pipeline.refresh` lands the sample, builds, runs dbt,
   the gates and publishes. `floor_s` is one bare DuckDB query from the same CSV to regional
   balances (bench/tasks.py).

Everything runs under warehouse/bench/ (git-ignored) on a snapshot of the code taken when the
bench starts (warehouse/bench/code/): other people editing the working tree meanwhile would
otherwise change the code hash and defeat the no-change refresh. What the scenarios share (those
paths, each process's environment, the run record) is bench/context.py. The report goes to
bench/results/.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import psutil

from bench.context import (
    CODE,
    RESULTS_DIR,
    WORK_DIR,
    env_for,
    log,
    raw_rows,
    refresh_cmd,
    run_record,
)
from bench.generator import max_rows
from bench.measure import run_measured
from bench.report import write_report
from bench.sizes import size_label
from bench.synthetic import bench_size, error_detail
from core.paths import REPO_ROOT

SNAPSHOT_DIRS = (
    "core",
    "analysis",
    "ingest",
    "pipeline",
    "dbt_project",
    "expectations",
    "streamlit_app",
    "bench",
    "data/sample",
)
APP_PAGES = (
    "views/overview.py",
    "views/figures.py",
    "views/region.py",
    "views/flows.py",
    "views/drivers.py",
    "views/quality.py",
)


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu_model": cpu,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "platform": platform.platform(),
    }


def snapshot_code() -> dict:
    """Copy the code the refresh and the app run into CODE; return what was copied."""
    shutil.rmtree(CODE, ignore_errors=True)
    ignore = shutil.ignore_patterns(
        "target",
        "logs",
        "dbt_packages",
        "__pycache__",
        "results",
        ".pytest_cache",
        "*.duckdb",
        "*.duckdb.wal",
    )
    for folder in SNAPSHOT_DIRS:
        shutil.copytree(REPO_ROOT / folder, CODE / folder, ignore=ignore)
    shutil.copy(REPO_ROOT / "pyproject.toml", CODE / "pyproject.toml")

    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], cwd=CODE, capture_output=True, text=True)
        return out.stdout.strip()

    changed = [line[3:] for line in git("status", "--porcelain").splitlines()]
    return {
        "git_commit": git("rev-parse", "HEAD"),
        "uncommitted_paths": len(changed),
        "snapshot": str(CODE.relative_to(REPO_ROOT)),
    }


def apply_proposals(prefixes: tuple[str, ...]) -> str:
    """Apply bench/proposals/<prefix>-*.patch to the snapshot (what-if runs); the runs of such
    a bench are named with `+p<prefixes>` so they never replace the baseline runs."""
    folder = Path(__file__).resolve().parent / "proposals"
    for prefix in prefixes:
        (patch,) = folder.glob(f"{prefix}-*.patch")
        subprocess.run(["patch", "-p1", "-s", "-i", str(patch)], cwd=CODE, check=True)
    return f"+p{','.join(prefixes)}" if prefixes else ""


def bench_sample(runs: list[dict]) -> Path:
    warehouse = WORK_DIR / "sample"
    shutil.rmtree(warehouse, ignore_errors=True)
    log("full refresh of the embedded sample into an empty warehouse")
    m = run_measured(refresh_cmd(), env=env_for(warehouse), cwd=CODE)
    sample_rows = raw_rows(warehouse)
    runs.append(run_record("full_sample", sample_rows, m))
    log(f"  {m.wall_s:.1f} s, peak {m.peak_rss_mib:.0f} MiB, exit {m.returncode}")
    for i in range(3):
        m = run_measured(refresh_cmd(), env=env_for(warehouse), cwd=CODE)
        detected = "nothing changed" in m.stdout
        record = run_record(f"noop_sample_{i + 1}", sample_rows, m, detected_no_change=detected)
        if not detected and m.returncode == 0:
            record["status"] = "rebuilt (no-change not detected)"
        runs.append(record)
        log(f"  no-op refresh {i + 1}: {m.wall_s:.2f} s, detected={detected}")
    return warehouse


def bench_app(runs: list[dict], warehouse: Path) -> None:
    app = CODE / "streamlit_app" / "app.py"
    if not app.is_file():
        runs.append(
            {
                "name": "app_pages",
                "rows": None,
                "wall_s": None,
                "peak_rss_mib": None,
                "status": "gap: streamlit_app/app.py does not exist yet",
            }
        )
        return
    pages = [p for p in APP_PAGES if (CODE / "streamlit_app" / p).is_file()]
    for page in pages:
        m = run_measured(
            [sys.executable, "-m", "bench.tasks", "app-page", "--page", page],
            env=env_for(warehouse),
            cwd=CODE,
        )
        render = next((s["wall_s"] for s in m.stages if s["stage"] == "render"), None)
        runs.append(run_record(f"app_page:{page}", None, m, render_s=render))
        log(f"  app page {page}: render {render} s (process {m.wall_s:.1f} s)")


def _order(record: dict) -> tuple:
    name = record["name"]
    kinds = ("full_sample", "noop_sample", "app_page", "floor_", "synthetic_")
    kind = next((i for i, k in enumerate(kinds) if name.startswith(k)), len(kinds))
    return (kind, record.get("rows") or 0, name)


def previous_runs(names_to_skip: set[str]) -> list[dict]:
    """The runs of the latest report, except those measured again now (`--keep-previous`)."""
    latest = RESULTS_DIR / "latest.json"
    if not latest.is_file():
        return []
    kept = []
    for record in json.loads(latest.read_text()):
        if record["name"] not in names_to_skip:
            record = {**record, "carried_over": True}
            name = record["name"]
            if name.startswith("synthetic_") and record["status"] != "ok":
                record.setdefault("error_detail", error_detail(WORK_DIR / name))
            kept.append(record)
    return kept


def run(
    sizes: list[int],
    skip_sample: bool = False,
    timeout_s: float = 7200,
    keep_previous: bool = False,
    proposals: tuple[str, ...] = (),
) -> list[dict]:
    for rows in sizes:
        if rows > max_rows():
            raise SystemExit(f"bench: at most {max_rows():,} synthetic rows")
    runs: list[dict] = []
    started = datetime.now(UTC)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    code = snapshot_code()
    suffix = apply_proposals(proposals)
    code["proposals_applied"] = list(proposals)
    log(
        f"code snapshot of {code['git_commit'][:12]} (+{code['uncommitted_paths']} uncommitted "
        f"paths) in {CODE}"
    )
    info = {**machine(), "code": code}

    carried: list[dict] = []
    if keep_previous:
        fresh = {
            f"{kind}_{size_label(r)}{suffix}" for r in sizes for kind in ("synthetic", "floor")
        }
        carried = [
            r
            for r in previous_runs(fresh)
            if not (
                skip_sample is False
                and r["name"].startswith(("full_sample", "noop_sample", "app_page"))
            )
        ]

    def save() -> None:  # after every scenario: a run stopped at the time box keeps its results
        ordered = sorted([*carried, *runs], key=_order)
        for path in write_report(ordered, info, started, sizes, RESULTS_DIR):
            log(f"wrote {path.relative_to(REPO_ROOT)}")

    if not skip_sample:
        warehouse = bench_sample(runs)
        save()
        bench_app(runs, warehouse)
        save()
    for rows in sizes:
        bench_size(runs, rows, timeout_s, suffix)
        save()
    return runs


def rerender() -> list[Path]:
    """Rewrite the newest dated report (and latest.json) from its JSON with the current report
    code, e.g. after improving the error extraction; nothing is measured again."""
    newest = max(RESULTS_DIR.glob("20*.json"))
    doc = json.loads(newest.read_text())
    for record in doc["runs"]:
        if record["name"].startswith("synthetic_") and record["status"] != "ok":
            record["error_detail"] = record.get("error_detail") or error_detail(
                WORK_DIR / record["name"]
            )
    started = datetime.fromisoformat(doc["started"])
    return write_report(doc["runs"], doc["machine"], started, doc["sizes"], RESULTS_DIR)
