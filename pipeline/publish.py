"""Write-audit-publish: a build that passed every gate becomes an immutable folder under
warehouse/builds/<build_id>/, and the served pointer warehouse/current.duckdb (a relative symlink)
is switched to it with one atomic os.replace. Readers that resolve the pointer on their next
query move to the new build; a failed build never touches the pointer or the served file.

Before the switch the build folder receives its sidecars (pipeline/sidecars.py: the record with
the file's SHA-256 and row counts, Parquet copies of marts and reference) and every file becomes
read-only. The publish log gets an intent line before the switch and a confirmation after it; an
intent whose build is served but was never confirmed (a kill between the two) is confirmed by the
next publish or rollback, so no kill window drops a served build from the history.

`python -m pipeline.publish rollback` re-points to the previous good build (under the refresh
lock, refusing a build whose file no longer matches its recorded SHA-256);
`python -m pipeline.publish status` prints what is served and verifies its checksum.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from core.faults import maybe_fail
from core.lock import RefreshLock, RefreshLocked
from core.paths import BUILD_FILE_NAME, WarehousePaths, warehouse_paths
from pipeline.sidecars import integrity, make_read_only, write_sidecars

SERVED_SCHEMAS = ("marts", "raw", "reference", "intermediate")
DOCS_PAGE_NAME = "docs.html"  # `dbt docs generate --static`, one self-contained page per build
# the raw OD cells as published, and the union of the per-file cells tables
# (ingest/raw_store/od_cells.py)
RAW_VIEWS = (("raw", "od_flows"), ("raw", "od_flow_cells"))


@dataclass(frozen=True)
class PublishedBuild:
    build_id: str
    path: Path


def current_build(paths: WarehousePaths) -> PublishedBuild | None:
    """The build the pointer names, or None when nothing is published (or it is dangling)."""
    if not paths.current.is_symlink():
        return None
    target = paths.current.resolve()
    if not target.is_file():
        return None
    return PublishedBuild(target.parent.name, target)


def finalize_build_file(db: Path, build_info: dict) -> None:
    """Make the build file self-contained for serving: add marts.build_info, drop dbt's views
    (they name the build's catalog, which differs when the file is opened as current.duckdb; the
    raw layer's own views name no catalog and stay), drop anything outside the served schemas,
    checkpoint."""
    with duckdb.connect(str(db)) as con:
        for schema, view in _views(con):
            if (schema, view) not in RAW_VIEWS:
                con.execute(f'drop view "{schema}"."{view}"')
        for (schema,) in con.execute(
            "select schema_name from duckdb_schemas() where database_name = current_database() "
            "and not internal and schema_name not in ('main', 'information_schema', 'pg_catalog')"
        ).fetchall():
            if schema not in SERVED_SCHEMAS:
                con.execute(f'drop schema "{schema}" cascade')
        con.execute("create schema if not exists marts")
        columns = ", ".join(f"? as {name}" for name in build_info)
        con.execute(
            f"create or replace table marts.build_info as select {columns}",
            list(build_info.values()),
        )
        con.execute("checkpoint")


def verify_served_file(db: Path) -> int:
    """Open read-only in a fresh connection and query every table; return the table count."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where not internal"
        ).fetchall()
        for schema, table in tables:
            con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()
        views = _views(con)
        for schema, view in views:  # binds in the served file's catalog; `limit 0`: no rows
            # read (a row of raw.od_flows would build the join's hash tables: 2 s at 10^8 cells)
            con.execute(f'select * from "{schema}"."{view}" limit 0').fetchall()
    stray = sorted(set(views) - set(RAW_VIEWS))
    if stray:
        raise RuntimeError(f"{db} still holds view(s) {stray}; only the raw layer's may stay")
    return len(tables)


def _views(con) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, view_name from duckdb_views() where not internal"
    ).fetchall()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch_pointer(paths: WarehousePaths, build_id: str) -> None:
    """Atomically point current.duckdb at builds/<build_id>/warehouse.duckdb."""
    target = Path("builds") / build_id / BUILD_FILE_NAME
    if not (paths.root / target).is_file():
        raise FileNotFoundError(f"cannot publish {build_id}: {paths.root / target} is missing")
    tmp = paths.root / f".current.duckdb.{os.getpid()}.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    maybe_fail("publish_switch")
    os.replace(tmp, paths.current)
    _fsync_dir(paths.root)


def log_event(paths: WarehousePaths, event: str, build_id: str, **extra) -> None:
    record = {"time": datetime.now(UTC).isoformat(timespec="seconds"), "event": event,
              "build_id": build_id, **extra}  # fmt: skip
    with open(paths.publish_log, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _log_records(paths: WarehousePaths) -> list[dict]:
    if not paths.publish_log.exists():
        return []
    records = []
    for line in paths.publish_log.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a torn last line from a killed process is ignored
    return records


def _unconfirmed_served_intent(paths: WarehousePaths) -> str | None:
    """The build of a trailing intent line that was never confirmed but is served (a kill
    between the switch and the confirmation), else None."""
    records = [r for r in _log_records(paths) if r.get("event") in ("publish", "publish_intent")]
    if not records or records[-1].get("event") != "publish_intent":
        return None
    current = current_build(paths)
    build_id = records[-1].get("build_id")
    return build_id if current and current.build_id == build_id else None


def published_history(paths: WarehousePaths) -> list[str]:
    """Build ids in the order they were served (publish or rollback), oldest first.

    A switch is logged as an intent (before) and a `publish` line (after). An intent without its
    confirmation counts only if its build is what the pointer names now (killed after the
    switch); otherwise the switch never happened. Logs written before intents existed have only
    `publish` lines, which count as they are."""
    history: list[str] = []
    pending: str | None = None
    for record in _log_records(paths):
        event, build_id = record.get("event"), record.get("build_id")
        if event == "publish_intent":
            pending = build_id
        elif event == "publish":
            history.append(build_id)
            pending = None
    if pending is not None and (current := current_build(paths)) and current.build_id == pending:
        history.append(pending)
    return history


def confirm_unlogged_switch(paths: WarehousePaths) -> str | None:
    """Write the missing confirmation of a served build's intent (see published_history)."""
    build_id = _unconfirmed_served_intent(paths)
    if build_id:
        log_event(paths, "publish", build_id, recovered=True)
    return build_id


def switch_logged(paths: WarehousePaths, build_id: str, **extra) -> None:
    """Intent line, pointer switch, confirmation line: every kill window keeps the history."""
    confirm_unlogged_switch(paths)
    log_event(paths, "publish_intent", build_id, **extra)
    switch_pointer(paths, build_id)
    maybe_fail("publish_log")
    log_event(paths, "publish", build_id, **extra)


def publish(paths: WarehousePaths, build_id: str, build_info: dict) -> PublishedBuild:
    """Finalize the private build file, move it with its sidecars to builds/<build_id>/ (files
    read-only) and switch the pointer."""
    finalize_build_file(paths.build_db, build_info)
    maybe_fail("publish")
    verify_served_file(paths.build_db)
    paths.builds_dir.mkdir(parents=True, exist_ok=True)
    final_dir = paths.builds_dir / build_id
    staging_dir = paths.builds_dir / f".{build_id}.incoming"
    if staging_dir.exists():
        shutil.rmtree(staging_dir)
    staging_dir.mkdir()
    # Only the database file and the static docs page move: dbt's other artefacts stay in the
    # private build area.
    os.replace(paths.build_db, staging_dir / BUILD_FILE_NAME)
    docs_page = paths.build_dir / DOCS_PAGE_NAME
    if docs_page.is_file():
        os.replace(docs_page, staging_dir / DOCS_PAGE_NAME)
    write_sidecars(staging_dir, build_id, build_info, SERVED_SCHEMAS)
    maybe_fail("publish_sidecars")
    make_read_only(staging_dir)
    os.replace(staging_dir, final_dir)  # the folder appears complete or not at all
    _fsync_dir(paths.builds_dir)
    switch_logged(paths, build_id)
    return PublishedBuild(build_id, final_dir / BUILD_FILE_NAME)


def previous_good_build(paths: WarehousePaths) -> str | None:
    current = current_build(paths)
    seen = set()
    for build_id in reversed(published_history(paths)):
        if build_id in seen or (current and build_id == current.build_id):
            seen.add(build_id)
            continue
        seen.add(build_id)
        if (paths.builds_dir / build_id / BUILD_FILE_NAME).is_file():
            return build_id
    return None


class RollbackRefused(RuntimeError):
    pass


def rollback(paths: WarehousePaths) -> str:
    """Serve the previous good build again. Runs under the refresh lock (a refresh and a
    rollback never switch the pointer at the same time) and refuses a build whose file no
    longer matches the SHA-256 recorded when it was published."""
    with RefreshLock(paths.lock):
        confirm_unlogged_switch(paths)
        target = previous_good_build(paths)
        if target is None:
            raise RollbackRefused("no previous good build to roll back to")
        matches, detail = integrity(paths.builds_dir / target)
        if matches is False:
            raise RollbackRefused(f"refusing to serve {target} again: {detail}")
        if matches is None:  # no record (published before records): check that it opens
            verify_served_file(paths.builds_dir / target / BUILD_FILE_NAME)
        switch_logged(paths, target, rollback=True)
        return target


def prune(paths: WarehousePaths, keep: int) -> list[str]:
    """Delete published builds beyond the `keep` most recently served; never the current or the
    previous one. Also removes half-moved folders left by a killed publish."""
    if not paths.builds_dir.exists():
        return []
    for leftover in paths.builds_dir.glob(".*.incoming"):
        shutil.rmtree(leftover, ignore_errors=True)
    history = list(dict.fromkeys(reversed(published_history(paths))))  # newest first, unique
    current = current_build(paths)
    protected = set(history[: max(keep, 0)])
    if current:
        protected.add(current.build_id)
    previous = previous_good_build(paths)
    if previous:
        protected.add(previous)
    removed = []
    for folder in sorted(p for p in paths.builds_dir.iterdir() if p.is_dir()):
        if folder.name not in protected and not folder.name.startswith("."):
            shutil.rmtree(folder)
            removed.append(folder.name)
    return removed


def status(paths: WarehousePaths) -> int:
    """Print what is served and whether its file still matches its record (exit 1: altered)."""
    build = current_build(paths)
    if build is None:
        print("nothing published yet")
        return 0
    print(f"served: {build.build_id} ({build.path})")
    matches, detail = integrity(build.path.parent)
    print(("ok: " if matches else "WARNING: ") + detail)
    return 1 if matches is False else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.publish")
    parser.add_argument("command", choices=["rollback", "status"])
    args = parser.parse_args(argv)
    paths = warehouse_paths()
    if args.command == "status":
        return status(paths)
    try:
        target = rollback(paths)
    except RefreshLocked as exc:
        print(f"rollback: {exc}", file=sys.stderr)
        return 75
    except RollbackRefused as exc:
        print(f"rollback: {exc}", file=sys.stderr)
        current = current_build(paths)
        print(f"rollback: still served: {current.build_id if current else 'nothing'}",
              file=sys.stderr)  # fmt: skip
        return 1
    print(f"rollback: {paths.current} now serves build {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
