"""`make refresh`: ingest -> build (raw copy + dbt build) -> quality gates -> publish.

All-or-nothing for users: every stage works on private files; only a build that passed dbt's
tests and contracts and every error-level gate is published, by one atomic pointer switch.
Any failure exits non-zero and leaves warehouse/current.duckdb and the file it names
byte-identical. One refresh runs at a time (a second exits at once). When neither the landed
inputs nor the code changed since the served build, the refresh says so and stops in about a
second; FORCE=1 (`--force`) rebuilds anyway.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest.cli import land
from pipeline import publish as publisher
from pipeline.build import StageError, prepare_build_db, run_dbt
from pipeline.faults import maybe_fail
from pipeline.lock import RefreshLock, RefreshLocked
from pipeline.paths import REPO_ROOT, WarehousePaths, warehouse_paths

# Code whose change must rebuild the warehouse even when the inputs did not change.
CODE_DIRS = ("ingest", "dbt_project/models", "dbt_project/seeds", "dbt_project/macros",
             "dbt_project/tests", "expectations", "pipeline")  # fmt: skip
CODE_FILES = ("dbt_project/dbt_project.yml",)
CODE_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".csv", ".json"}


@dataclass
class StageTimer:
    timings: list[dict] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str):
        print(f"==> {name}", flush=True)
        start = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            self.timings.append({"stage": name, "wall_s": round(elapsed, 3)})
            print(f"    {name}: {elapsed:.1f} s", flush=True)


def code_hash() -> str:
    digest = hashlib.sha256()
    files = [REPO_ROOT / f for f in CODE_FILES]
    for folder in CODE_DIRS:
        files.extend(p for p in (REPO_ROOT / folder).rglob("*") if p.suffix in CODE_SUFFIXES)
    for path in sorted(set(files)):
        if "__pycache__" in path.parts or "target" in path.parts or not path.is_file():
            continue
        digest.update(path.relative_to(REPO_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def input_manifest_hash(raw_store: Path) -> str:
    """Hash of what is landed: every loaded (file, SHA-256) pair."""
    with duckdb.connect(str(raw_store), read_only=True) as con:
        rows = con.execute(
            "select source_id, source_file, file_sha256 from raw.load_manifest "
            "where status = 'loaded' order by all"
        ).fetchall()
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def served_build_info(paths: WarehousePaths) -> dict | None:
    build = publisher.current_build(paths)
    if build is None:
        return None
    try:
        with duckdb.connect(str(build.path), read_only=True) as con:
            cursor = con.execute("select * from marts.build_info")
            names = [d[0] for d in cursor.description]
            return dict(zip(names, cursor.fetchone(), strict=True))
    except duckdb.Error:
        return None


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                             text=True, timeout=10)  # fmt: skip
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def tool_versions() -> dict[str, str]:
    from importlib.metadata import version

    return {
        "python_version": platform.python_version(),
        "duckdb_version": duckdb.__version__,
        "dbt_core_version": version("dbt-core"),
        "dbt_duckdb_version": version("dbt-duckdb"),
        "great_expectations_version": version("great-expectations"),
    }


def dbt_test_exclusion() -> list[str]:
    """KZM_SKIP_DBT_TESTS=1 builds the models without dbt's data and unit tests. Only the
    reliability tests use it (their kill trials exercise the refresh mechanics, not the data);
    build_info.dbt_tests_run records it, and a normal refresh never sets it."""
    if os.environ.get("KZM_SKIP_DBT_TESTS") == "1":
        return ["--exclude", "resource_type:test", "resource_type:unit_test"]
    return []


def refresh(paths: WarehousePaths, raw_dir: Path | None, force: bool, keep_builds: int) -> int:
    timer = StageTimer()
    paths.root.mkdir(parents=True, exist_ok=True)
    with RefreshLock(paths.lock):
        with timer.stage("ingest"):
            maybe_fail("ingest")
            if land(raw_dir, paths.raw_store) != 0:
                raise StageError("ingest", "one or more files failed to load (listed above)")
        with timer.stage("plan"):
            inputs, code = input_manifest_hash(paths.raw_store), code_hash()
            served = served_build_info(paths)
            unchanged = (
                served is not None
                and served.get("input_manifest_hash") == inputs
                and served.get("code_hash") == code
            )
        if unchanged and not force:
            print(f"refresh: nothing changed since build {served['build_id']}; it stays "
                  "published (FORCE=1 rebuilds)")  # fmt: skip
            return 0
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        build_id = f"{now:%Y%m%dT%H%M%SZ}-{inputs[:8]}"
        report_dir = paths.reports_dir / build_id
        with timer.stage("build"):
            maybe_fail("build")
            prepare_build_db(paths)
        with timer.stage("dbt"):
            maybe_fail("dbt")
            run_dbt(paths, "build", *dbt_test_exclusion(), log_file=report_dir / "dbt_build.log")
        with timer.stage("gates"):
            maybe_fail("gates")
            from expectations.gates import run_gates  # GX is heavy: imported only here

            previous = publisher.current_build(paths)
            report = run_gates(paths.build_db, previous.path if previous else None,
                               report_dir / "gates.json")  # fmt: skip
            print(report.summary())
            if not report.passed:
                raise StageError("gates", f"{len(report.errors)} error-level check(s) failed")
        with timer.stage("publish"):
            build_info = {
                "build_id": build_id,
                "built_at": now,
                "git_commit": git_commit(),
                "input_manifest_hash": inputs,
                "code_hash": code,
                "raw_dir": str(raw_dir) if raw_dir else "embedded sample (data/sample)",
                "forced": bool(force),
                "dbt_tests_run": not dbt_test_exclusion(),
                "warning_count": report.warning_count,
                **tool_versions(),
            }
            publisher.publish(paths, build_id, build_info)
            removed = publisher.prune(paths, keep_builds)
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "timings.json").write_text(json.dumps(timer.timings, indent=2))
        print(f"refresh: published build {build_id} at {paths.current}"
              + (f" (pruned {len(removed)} old build(s))" if removed else ""))  # fmt: skip
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.refresh", description=__doc__)
    parser.add_argument("--raw-dir", type=Path, help="original files (default: embedded sample)")
    parser.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    parser.add_argument("--keep-builds", type=int, default=5, help="published builds to keep")
    args = parser.parse_args(argv)
    paths = warehouse_paths()
    try:
        return refresh(paths, args.raw_dir, args.force, args.keep_builds)
    except RefreshLocked as exc:
        print(f"refresh: {exc}", file=sys.stderr)
        return 75  # EX_TEMPFAIL
    except Exception as exc:  # every failure: clear message, non-zero, nothing published
        print(f"refresh FAILED at {getattr(exc, 'stage', 'an unexpected point')}: {exc}",
              file=sys.stderr)  # fmt: skip
        print(f"refresh: the served warehouse is unchanged ({paths.current})", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
