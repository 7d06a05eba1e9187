"""The benchmark suite behind `make bench` (`python -m bench [--sizes 1e6,1e7,1e8]`).

Scenarios, each in fresh processes, measured by bench/measure.py (wall, CPU, peak RSS of the
process tree, per stage):

1. `full_sample`: `python -m pipeline.refresh` of the embedded sample into an empty warehouse.
2. `noop_sample` (3 times): the same refresh again, nothing changed: it must say so in ~1 s.
3. `app_page:<page>`: the first render of each page of streamlit_app/app.py (AppTest, a fresh
   process per page) on the published sample build.
4. `synthetic_<size>`: bench/generator.py writes <size> district-level rows (cached under
   warehouse/bench/raw/); into an empty warehouse the bulk path lands them (`ingest_synthetic`),
   then `python -m pipeline.refresh` lands the sample, builds, runs dbt, the gates and publishes.
   `floor_s` is one bare DuckDB query from the same CSV to regional balances (bench/tasks.py).

Everything runs under warehouse/bench/ (git-ignored) on a snapshot of the code taken when the
bench starts (warehouse/bench/code/): other people editing the working tree meanwhile would
otherwise change the code hash and defeat the no-change refresh. The report goes to
bench/results/.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import psutil

from bench.generator import generate, max_rows
from bench.measure import Measured, run_measured
from bench.report import write_report
from bench.sizes import size_label
from core.paths import REPO_ROOT, WarehousePaths

WORK_DIR = REPO_ROOT / "warehouse" / "bench"
RESULTS_DIR = REPO_ROOT / "bench" / "results"
SEED = 20240607
MEMORY_LIMIT = "3GB"  # DuckDB, for the bench's own connections (bulk ingest, floor)
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
CODE = WORK_DIR / "code"  # the snapshot every scenario runs on
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


def bench_sample(runs: list[dict]) -> Path:
    warehouse = WORK_DIR / "sample"
    shutil.rmtree(warehouse, ignore_errors=True)
    log("full refresh of the embedded sample into an empty warehouse")
    m = run_measured(refresh_cmd(), env=env_for(warehouse), cwd=CODE)
    sample_rows = _raw_rows(warehouse)
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


def _raw_rows(warehouse: Path) -> int | None:
    try:
        with duckdb.connect(str(warehouse / "raw_store.duckdb"), read_only=True) as con:
            return sum(
                con.execute(f"select count(*) from raw.{t}").fetchone()[0]
                for t in ("observations", "od_flows")
            )
    except duckdb.Error:
        return None


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


def _order(record: dict) -> tuple:
    name = record["name"]
    kinds = ("full_sample", "noop_sample", "app_page", "floor_", "synthetic_")
    kind = next((i for i, k in enumerate(kinds) if name.startswith(k)), len(kinds))
    return (kind, record.get("rows") or 0, name)


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
