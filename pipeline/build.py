"""Build a private warehouse file: copy the raw layer in, then run dbt on it as a subprocess.

dbt-duckdb keeps the file open read-write until its process exits, so dbt always
runs in its own process; the build file is never the served one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

from core.paths import (
    BUILD_FILE_NAME,
    DBT_PROJECT_DIR,
    PARTIAL_PARSE_CACHE,
    REPO_ROOT,
    WarehousePaths,
)
from ingest.raw_store import OD_TABLES, is_od_cells_table

# raw tables kept in the build, besides the per-file OD cells tables od_flow_cells_<key> (their
# union is the view raw.od_flow_cells, copied with the file)
RAW_TABLES = ("observations", "load_manifest", "source_registry", *OD_TABLES)


# dbt's per-node result lines, "12:00:01  3 of 201 OK created sql table model marts.x ...":
# streamed to the console while dbt runs (START lines stay in the log only)
PROGRESS_LINE = re.compile(r"\b\d+ of \d+ (?!START)[A-Z]")
FAILED_STATUSES = {"error", "fail", "runtime error"}


def written_since(artifact: Path, started: float) -> bool:
    """Did the dbt run that started at `started` write this artifact (rather than leave one of
    an earlier run)? False when it is missing."""
    try:
        return artifact.stat().st_mtime >= started - 1
    except OSError:
        return False


def failure_summary(
    results_path: Path, started: float, stdout: str, stderr: str, log_hint: str
) -> str:
    """The failing nodes with dbt's own messages, from the warehouse's run_results.json (written
    by this run: older than `started` means dbt stopped before running nodes, e.g. a parse error,
    and then the tail of its output says why), and where the full log is."""
    failures = []
    try:
        if written_since(results_path, started):
            results = json.loads(results_path.read_text(encoding="utf-8")).get("results", [])
            failures = [
                f"{r.get('unique_id')} ({r.get('status')}): "
                + " ".join(str(r.get("message") or "").split())[:1500]
                for r in results
                if str(r.get("status")).lower() in FAILED_STATUSES
            ]
    except (OSError, ValueError, AttributeError):
        failures = []
    if not failures:
        tail = [line for line in (stdout + stderr).splitlines() if line.strip()][-15:]
        failures = ["dbt stopped before reporting node results:", *tail]
    return "\n".join([*failures[:20], log_hint])


class StageError(RuntimeError):
    """A refresh stage failed; the message says which and why."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(f"{stage} failed: {message}")
        self.stage = stage


def prepare_build_db(paths: WarehousePaths) -> Path:
    """A fresh build file holding a copy of the raw tables (so the build is self-contained)."""
    if paths.build_dir.exists():
        shutil.rmtree(paths.build_dir)
    paths.build_dir.mkdir(parents=True)
    # A byte copy of the (checkpointed) raw store, not CREATE TABLE AS: DuckDB re-encodes every
    # row on a CTAS (~6 CPU-s per million OD rows, 10 min at 10^8); the file copy runs at disk
    # speed. The catalog is named after the file (warehouse.duckdb), so nothing refers to the
    # raw store's name. The raw store is only written by the ingest stage, which is over.
    with duckdb.connect(str(paths.raw_store)) as con:
        con.execute("checkpoint")  # everything in the main file, nothing left in a WAL
    shutil.copyfile(paths.raw_store, paths.build_db)
    with duckdb.connect(str(paths.build_db)) as con:
        for (schema,) in con.execute(
            "select schema_name from duckdb_schemas() where database_name = current_database() "
            "and not internal and schema_name not in ('main', 'raw')"
        ).fetchall():
            con.execute(f'drop schema "{schema}" cascade')
        for (table,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'raw'"
        ).fetchall():
            if table not in RAW_TABLES and not is_od_cells_table(table):
                con.execute(f'drop table raw."{table}"')
    return paths.build_db


def dbt_env(paths: WarehousePaths) -> dict[str, str]:
    """dbt's environment: this process's, with the build file, the profile's directory, the
    warehouse's own target-path, and the parse cache every warehouse reads (share_parse_cache)."""
    env = dict(
        os.environ,
        KZM_BUILD_DB=BUILD_FILE_NAME,
        DBT_PROFILES_DIR=str(DBT_PROJECT_DIR),
        DBT_TARGET_PATH=str(paths.dbt_target),
    )
    if PARTIAL_PARSE_CACHE.is_file():  # dbt refuses a cache path that does not exist
        env["DBT_PARTIAL_PARSE_FILE_PATH"] = str(PARTIAL_PARSE_CACHE)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return env


class DbtProcess:
    """One `dbt <args>` run in a dbt process started ahead of time (pipeline/dbt_worker.py).

    `start()` spawns the worker, which imports dbt (~4 s) while the caller does something else
    (the refresh: ingest); `run()` then hands it the command line. A worker serves one run.
    `close()` (also on leaving the `with` block) ends a worker that was never used or is still
    running: it only ever imported modules, or its run was interrupted and the build is private,
    so it is killed at once, and reaped, rather than waited for (the no-op refresh stays ~1 s).
    If this process dies without closing it, the worker reads EOF and exits by itself."""

    def __init__(self, paths: WarehousePaths) -> None:
        self.paths = paths
        self.env: dict[str, str] | None = None
        self.proc: subprocess.Popen[str] | None = None
        self.used = False

    def __enter__(self) -> DbtProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> DbtProcess:
        """Spawn the worker (returns at once). Its environment is fixed now: dbt reads some of
        it while importing. Its working directory is set when it runs (the build directory is
        recreated in between): until then it sits in the repository, where it imports itself."""
        if self.proc is None:
            self.env = dbt_env(self.paths)
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "pipeline.dbt_worker"], env=self.env, cwd=REPO_ROOT,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
        return self

    def run(self, *args: str, log_file: Path | None = None, stream_progress: bool = True) -> None:
        """Run `dbt <args>` against the build file, exactly as run_dbt documents it."""
        if self.used:
            raise RuntimeError("a dbt worker runs dbt once; start another")
        if self.proc is not None and self.env != dbt_env(self.paths):
            self.close()  # the environment changed since the start: dbt must see today's
            self.proc = None
        self.start()
        self.used = True
        self.paths.build_dir.mkdir(parents=True, exist_ok=True)
        command = {"args": [*args, "--project-dir", str(DBT_PROJECT_DIR)],
                   "cwd": str(self.paths.build_dir)}  # fmt: skip
        started = time.time()
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.close()
        # stderr is drained in a thread while stdout is read line by line (no pipe fills up)
        errors: list[str] = []
        drain = threading.Thread(target=lambda: errors.extend(self.proc.stderr), daemon=True)
        drain.start()
        lines = []
        for line in self.proc.stdout:
            lines.append(line)
            if stream_progress and PROGRESS_LINE.search(line):
                print(f"    {line.rstrip()}", flush=True)
        self.proc.wait()
        drain.join()
        stdout, stderr = "".join(lines), "".join(errors)
        if log_file:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            log_file.write_text(stdout + stderr, encoding="utf-8")
        share_parse_cache(self.paths, started)
        results = self.paths.dbt_target / "run_results.json"
        if log_file and written_since(results, started):  # kept beside the run's log: the
            # next run in this warehouse (the docs page) overwrites dbt's own copy
            shutil.copyfile(results, log_file.with_name(f"{log_file.stem}_results.json"))
        if self.proc.returncode != 0:
            where = f"full log: {log_file}" if log_file else "dbt's own log: dbt_project/logs"
            summary = failure_summary(results, started, stdout, stderr, where)
            raise StageError(f"dbt {args[0]}", summary)

    def close(self) -> None:
        """End the worker if it still runs, and reap it. Idempotent; fine if never started."""
        proc = self.proc
        if proc is None:
            return
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            try:
                if pipe:
                    pipe.close()
            except OSError:  # e.g. a broken pipe flushing stdin: the worker is gone already
                pass
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def share_parse_cache(paths: WarehousePaths, started: float) -> None:
    """Offer the parse dbt just saved in the warehouse's target to every warehouse.

    dbt reads its partial parse from DBT_PARTIAL_PARSE_FILE_PATH (the shared cache) but writes it
    to its own target-path; copying it back keeps the cache current. The copy is renamed into
    place, so a dbt process of another warehouse reading the cache at that moment sees the old
    file or the new one, never half of it. dbt checks the cache against the code and the profile
    before using it, so a parse from older code only costs a full parse."""
    saved = paths.dbt_target / PARTIAL_PARSE_CACHE.name
    if not written_since(saved, started):
        return  # dbt stopped before it parsed: nothing new to offer
    try:
        PARTIAL_PARSE_CACHE.parent.mkdir(parents=True, exist_ok=True)
        partial = PARTIAL_PARSE_CACHE.with_name(f".{PARTIAL_PARSE_CACHE.name}.{os.getpid()}")
        shutil.copyfile(saved, partial)
        os.replace(partial, PARTIAL_PARSE_CACHE)
    except OSError:
        return  # a cache: the next dbt run parses in full instead


def run_dbt(paths: WarehousePaths, *args: str, log_file: Path | None = None) -> None:
    """Run `dbt <args>` against the build file; raise StageError on failure.

    dbt runs in the warehouse's build directory with the profile's `path` set to the bare file
    name: the rendered profile is then identical for every warehouse, so dbt's partial parse
    (dbt_project/target/partial_parse.msgpack, keyed on a hash of the profile) is reused across
    warehouses; an absolute path would force a full parse (~5 s) whenever the warehouse differs.
    dbt's other artifacts go to the warehouse's own target (WarehousePaths.dbt_target); logs/
    stays in the project directory; DuckDB's spill directory (warehouse.duckdb.tmp) stays next
    to the build file.

    dbt runs in its own process (a fresh DbtProcess); the refresh starts its DbtProcess early
    instead, to hide dbt's start-up."""
    with DbtProcess(paths) as dbt:
        dbt.run(*args, log_file=log_file)
