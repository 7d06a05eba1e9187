"""Write-audit-publish: a build that passed every gate becomes an immutable folder under
warehouse/builds/<build_id>/, and the served pointer warehouse/current.duckdb (a relative symlink)
is switched to it with one atomic os.replace. Readers that resolve the pointer on their next
query move to the new build; a failed build never touches the pointer or the served file.

`python -m pipeline.publish rollback` re-points to the previous good build;
`python -m pipeline.publish status` prints what is served.
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
from core.paths import BUILD_FILE_NAME, WarehousePaths, warehouse_paths

SERVED_SCHEMAS = ("marts", "raw", "reference", "intermediate")
# ingest/raw_store.py: the raw OD cells as published, and the union of the per-file cells tables
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


def published_history(paths: WarehousePaths) -> list[str]:
    """Build ids in the order they were served (publish or rollback), oldest first."""
    if not paths.publish_log.exists():
        return []
    history = []
    for line in paths.publish_log.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line from a killed process is ignored
        if record.get("event") == "publish":
            history.append(record["build_id"])
    return history


def publish(paths: WarehousePaths, build_id: str, build_info: dict) -> PublishedBuild:
    """Finalize the private build file, move it to builds/<build_id>/ and switch the pointer."""
    finalize_build_file(paths.build_db, build_info)
    maybe_fail("publish")
    verify_served_file(paths.build_db)
    paths.builds_dir.mkdir(parents=True, exist_ok=True)
    final_dir = paths.builds_dir / build_id
    staging_dir = paths.builds_dir / f".{build_id}.incoming"
    if staging_dir.exists():
        shutil.rmtree(staging_dir)
    staging_dir.mkdir()
    # Only the database file is moved: dbt's other artefacts stay in the private build area.
    os.replace(paths.build_db, staging_dir / BUILD_FILE_NAME)
    os.replace(staging_dir, final_dir)  # the folder appears complete or not at all
    _fsync_dir(paths.builds_dir)
    switch_pointer(paths, build_id)
    log_event(paths, "publish", build_id)
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


def rollback(paths: WarehousePaths) -> str:
    target = previous_good_build(paths)
    if target is None:
        raise RuntimeError("no previous good build to roll back to")
    verify_served_file(paths.builds_dir / target / BUILD_FILE_NAME)
    switch_pointer(paths, target)
    log_event(paths, "publish", target, rollback=True)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.publish")
    parser.add_argument("command", choices=["rollback", "status"])
    args = parser.parse_args(argv)
    paths = warehouse_paths()
    if args.command == "status":
        build = current_build(paths)
        print(f"served: {build.build_id} ({build.path})" if build else "nothing published yet")
        return 0
    try:
        target = rollback(paths)
    except RuntimeError as exc:
        print(f"rollback: {exc}", file=sys.stderr)
        return 1
    print(f"rollback: {paths.current} now serves build {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
