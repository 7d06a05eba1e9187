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
import shutil
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from core.build_record import BuildRecord, read_record
from core.faults import maybe_fail
from core.lock import RefreshLock, RefreshLocked
from core.paths import REPO_ROOT, WarehousePaths, warehouse_paths
from ingest.cli import land
from pipeline import housekeeping
from pipeline import publish as publisher
from pipeline.build import DbtProcess, StageError, prepare_build_db
from pipeline.dbt_test_plan import (
    dbt_test_plan,
    record_unit_tests_passed,
    skip_all_dbt_tests,
    tool_versions,
    unit_test_fingerprint,
)

# Code whose change must rebuild the warehouse even when the inputs did not change.
CODE_DIRS = ("ingest", "dbt_project/models", "dbt_project/seeds", "dbt_project/macros",
             "dbt_project/tests", "expectations", "pipeline", "core", "analysis")  # fmt: skip
CODE_FILES = ("dbt_project/dbt_project.yml",)
CODE_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".csv", ".json"}


@dataclass
class StageTimer:
    timings: list[dict] = field(default_factory=list)
    current: str = "start"

    @contextmanager
    def stage(self, name: str):
        self.current = name  # named by an out-of-space error (pipeline/housekeeping.py)
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
    """Hash of what is landed: every loaded (file, SHA-256) pair, and each source's registry
    fingerprint and load warning (a required source allowed missing must reach the app)."""
    with duckdb.connect(str(raw_store), read_only=True) as con:
        rows = con.execute(
            "select source_id, source_file, file_sha256 from raw.load_manifest "
            "where status = 'loaded' order by all"
        ).fetchall()
        sources = con.execute(
            "select source_id, entry_fingerprint, load_warning from raw.source_registry "
            "order by all"
        ).fetchall()
    return hashlib.sha256(json.dumps([rows, sources]).encode()).hexdigest()


def served_record(paths: WarehousePaths) -> BuildRecord | None:
    """The served build's record (core/build_record.py). The served file itself is never
    opened: a client may hold it read-write, and DuckDB would then refuse even a read-only
    connection. A build without a record counts as unknown (the refresh rebuilds)."""
    build = publisher.current_build(paths)
    return read_record(build.path.parent) if build else None


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                             text=True, timeout=10)  # fmt: skip
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def warm_up_gates() -> None:
    """Import Great Expectations and make its context (~3 s) in a background thread: the dbt
    stage runs in a subprocess and leaves this process idle; the gates then start at once (they
    wait for the thread if it has not finished). Harmless when the gates never run."""

    def prepare() -> None:
        from expectations.gates import prepare_gx

        prepare_gx()

    threading.Thread(target=prepare, name="gx-warm-up", daemon=True).start()


def refresh(
    paths: WarehousePaths, raw_dir: Path | None, force: bool, keep_builds: int,
    timer: StageTimer | None = None,
) -> int:  # fmt: skip
    timer = timer or StageTimer()
    paths.root.mkdir(parents=True, exist_ok=True)
    with RefreshLock(paths.lock):
        # What a failed or killed refresh left (its build folder, a half-moved publish) goes
        # first, before ingest writes anything: on a full disk it is what blocks recovery.
        housekeeping.remove_leftovers(paths)
        housekeeping.check_free_space(paths)
        try:
            return _refresh_locked(paths, raw_dir, force, keep_builds, timer)
        except BaseException:
            housekeeping.remove_leftovers(paths)  # the failed build's folder, on the way out
            raise


def _refresh_locked(
    paths: WarehousePaths, raw_dir: Path | None, force: bool, keep_builds: int, timer: StageTimer
) -> int:
    # dbt's process starts with the ingest and imports dbt (~4 s) meanwhile; leaving the `with`
    # block (nothing changed, a failure, or the end) ends it if it is still there (DbtProcess).
    with ExitStack() as stack:
        dbt = stack.enter_context(DbtProcess(paths))
        with timer.stage("ingest"):
            dbt.start()
            maybe_fail("ingest")
            if land(raw_dir, paths.raw_store) != 0:
                raise StageError("ingest", "one or more files failed to load (listed above)")
        with timer.stage("plan"):
            inputs, code = input_manifest_hash(paths.raw_store), code_hash()
            served = served_record(paths)
            housekeeping.warn_if_served_build_altered(paths)
            unchanged = (
                served is not None
                and served.extra.get("input_manifest_hash") == inputs
                and served.extra.get("code_hash") == code
            )
        if unchanged and not force:
            print(f"refresh: nothing changed since build {served.build_id}; it stays "
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
            warm_up_gates()  # this process only waits for dbt's: import GX meanwhile
            exclusions, unit_tests = dbt_test_plan(code, force)
            dbt.run("build", *exclusions, log_file=report_dir / "dbt_build.log")
            # The unit tests ran and passed (dbt exits non-zero otherwise) on this code, unless
            # someone edited it while dbt ran: then the stamp is not written.
            if unit_tests == "run" and code_hash() == code:
                passed_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
                record_unit_tests_passed(unit_test_fingerprint(code), passed_at)
        # a second dbt process for the docs page imports dbt while the gates run
        docs_dbt = stack.enter_context(DbtProcess(paths)).start()
        with timer.stage("gates"):
            maybe_fail("gates")
            from expectations.gates import run_gates  # GX is heavy: imported only here

            # the served build's folder: the gates read its record, never its file
            serving = publisher.current_build(paths)
            report = run_gates(paths.build_db, serving.path.parent if serving else None,
                               report_dir / "gates.json")  # fmt: skip
            print(report.summary())
            if not report.passed:
                raise StageError("gates", f"{len(report.errors)} error-level check(s) failed")
        with timer.stage("docs"):
            maybe_fail("docs")
            # one self-contained HTML page of dbt's docs per build, published beside the file
            docs_dbt.run("docs", "generate", "--static", log_file=report_dir / "dbt_docs.log",
                         stream_progress=False)  # fmt: skip
            shutil.copyfile(paths.dbt_target / "static_index.html",
                            paths.build_dir / publisher.DOCS_PAGE_NAME)  # fmt: skip
        with timer.stage("publish"):
            build_info = {
                "build_id": build_id,
                "built_at": now,
                "git_commit": git_commit(),
                "input_manifest_hash": inputs,
                "code_hash": code,
                "raw_dir": str(raw_dir) if raw_dir else "embedded sample (data/sample)",
                "forced": bool(force),
                "dbt_tests_run": not skip_all_dbt_tests(),
                "dbt_unit_tests": unit_tests,
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
    served_before = publisher.current_build(paths)
    timer = StageTimer()
    try:
        return refresh(paths, args.raw_dir, args.force, args.keep_builds, timer)
    except RefreshLocked as exc:
        print(f"refresh: {exc}", file=sys.stderr)
        return 75  # EX_TEMPFAIL
    except Exception as exc:  # every failure: clear message, non-zero, what is served
        stage = getattr(exc, "stage", None) or timer.current
        space = housekeeping.out_of_space_message(exc, stage, paths)
        print(f"refresh FAILED at {stage}: {space or exc}", file=sys.stderr)
        print(f"refresh: {housekeeping.served_after_failure(paths, served_before)}",
              file=sys.stderr)  # fmt: skip
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
