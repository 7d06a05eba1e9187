"""Command line of the ingesters: `load` (one landing), `rebuild` (a new raw store from the
originals, swapped in when complete) and `sample` (maintainers)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

from core.lock import RefreshLock, RefreshLocked
from core.paths import warehouse_paths
from ingest import raw_store, sample
from ingest.loader import LoadResult, land_originals
from ingest.registry import RegistryError, load_registry
from ingest.store_health import (
    IngestStageError,
    is_damage,
    needs_full_read,
    read_every_block,
    record_verified,
    unreadable,
    verified_record,
)

ALLOW_MISSING_ENV = "KZM_ALLOW_MISSING"  # set by `make refresh ALLOW_MISSING=<id,...>`


def report(results: list[LoadResult]) -> int:
    """Print one line per file; return the exit code (1 if any file failed, or a required source
    is missing and was not allowed missing)."""
    for r in results:
        detail = f" rows={r.rows}" if r.status == "loaded" else ""
        note = f"  {r.message}" if r.message and not r.blocks_refresh else ""
        print(f"  {r.status:<10} {r.source_id:<28} {r.source_file}{detail}{note}")
    failed = [r for r in results if r.status == "failed" or r.blocks_refresh]
    counts = {s: sum(r.status == s for r in results) for s in sorted({r.status for r in results})}
    print("ingest: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    for r in results:
        if r.status == "missing" and r.message.startswith("required source missing"):
            print(f"ingest: WARNING {r.source_id}: {r.message}", file=sys.stderr)
    if failed:
        print(
            f"ingest: {len(failed)} file(s) failed or missing; the landed rows are untouched",
            file=sys.stderr,
        )
        for r in failed:
            print(f"  FAILED {r.source_file}: {r.message}", file=sys.stderr)
        return 1
    if results and all(r.status == "missing" for r in results):
        print("ingest: no registered file was found in the raw directory", file=sys.stderr)
        return 1
    return 0


def allowed_missing(value: str | None, entries) -> frozenset[str]:
    """The source ids of ALLOW_MISSING (comma- or space-separated); an unknown id is an error."""
    ids = frozenset((value or "").replace(",", " ").split())
    unknown = sorted(ids - {e.id for e in entries})
    if unknown:
        raise IngestStageError(
            f"ALLOW_MISSING names unknown source id(s) {unknown}: use the ids of "
            "ingest/source_registry.yml"
        )
    return ids


def _registry():
    try:
        return load_registry()
    except RegistryError as exc:
        raise IngestStageError(str(exc)) from None


def land(
    raw_dir: Path | None,
    raw_db: Path,
    sample_dir: Path = sample.SAMPLE_DIR,
    allow_missing: str | None = None,
) -> int:
    """One landing. Raises IngestStageError when it cannot run at all (invalid registry, no such
    RAW_DIR, a damaged raw store); returns 1 when a file failed (its landed rows untouched)."""
    entries = _registry()
    if allow_missing is None:
        allow_missing = os.environ.get(ALLOW_MISSING_ENV, "")
    allowed = allowed_missing(allow_missing, entries)
    if raw_dir is not None and not raw_dir.is_dir():
        raise IngestStageError(
            f"RAW_DIR {raw_dir}: directory does not exist"
            + (" (it is a file)" if raw_dir.exists() else "")
            + "; pass the folder holding the original files (e.g. "
            "RAW_DIR=../shared/data/public-copies), or no RAW_DIR for the embedded sample"
        )
    raw_db.parent.mkdir(parents=True, exist_ok=True)
    hint = f"make rebuild-raw RAW_DIR={raw_dir or '<folder of the original files>'}"
    try:
        full_read = needs_full_read(raw_db)
        with raw_store.connect(str(raw_db)) as con:
            if full_read:  # something else wrote the store since the last load
                read_every_block(con)
            if raw_dir is None:
                print(f"ingest: loading the embedded sample {sample_dir} into {raw_db}")
                results = sample.land_snapshot(con, entries, sample_dir)
            else:
                print(f"ingest: parsing the originals in {raw_dir} into {raw_db}")
                results = land_originals(con, entries, raw_dir, allow_missing=allowed)
            con.execute("checkpoint")
    except duckdb.Error as exc:
        if is_damage(exc):
            raise unreadable(raw_db, exc, hint) from None
        raise
    record_verified(raw_db)
    return report(results)


def rebuild(raw_dir: Path, raw_db: Path, allow_missing: str | None = None) -> int:
    """Land every file of `raw_dir` into a new raw store beside `raw_db` and swap it in only when
    every file landed; otherwise the current store stays as it is."""
    new = raw_db.with_name(raw_db.name + ".rebuild")
    leftovers = (new, new.with_name(new.name + ".wal"), verified_record(new))
    for path in leftovers:
        path.unlink(missing_ok=True)
    print(f"ingest: rebuilding the raw store from {raw_dir} (into {new}, swapped in when complete)")
    try:
        code = land(raw_dir, new, allow_missing=allow_missing)
    except BaseException:
        for path in leftovers:
            path.unlink(missing_ok=True)
        raise
    if code != 0:
        for path in leftovers:
            path.unlink(missing_ok=True)
        print(f"ingest: rebuild abandoned; {raw_db} is unchanged", file=sys.stderr)
        return code
    # the old store's WAL must not be replayed onto the new file
    raw_db.with_name(raw_db.name + ".wal").unlink(missing_ok=True)
    os.replace(new, raw_db)
    os.replace(verified_record(new), verified_record(raw_db))
    print(f"ingest: the rebuilt raw store is now {raw_db}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="land raw extracts (default: the embedded sample)")
    load.add_argument("--raw-dir", type=Path, help="directory of original files (registry paths)")
    load.add_argument("--raw-db", type=Path, help="default: raw_store.duckdb in the warehouse dir")
    load.add_argument("--allow-missing", help=f"source ids (default: ${ALLOW_MISSING_ENV})")
    again = sub.add_parser("rebuild", help="land every file again into a new raw store")
    again.add_argument("--raw-dir", type=Path, required=True)
    again.add_argument("--raw-db", type=Path, help="default: raw_store.duckdb in the warehouse dir")
    again.add_argument("--allow-missing", help=f"source ids (default: ${ALLOW_MISSING_ENV})")
    snap = sub.add_parser("sample", help="write data/sample/ from the originals (maintainers)")
    snap.add_argument("--raw-dir", type=Path, required=True)
    snap.add_argument("--out", type=Path, default=sample.SAMPLE_DIR)
    args = parser.parse_args(argv)
    if args.command == "sample":
        return sample.write_snapshot(args.raw_dir, args.out)
    paths = warehouse_paths()
    raw_db = args.raw_db or paths.raw_store
    try:
        with RefreshLock(paths.lock):  # the raw store has one writer at a time
            if args.command == "rebuild":
                return rebuild(args.raw_dir, raw_db, args.allow_missing)
            return land(args.raw_dir, raw_db, allow_missing=args.allow_missing)
    except RefreshLocked as exc:
        print(f"ingest: {exc}", file=sys.stderr)
        return 75
    except IngestStageError as exc:
        print(f"ingest FAILED: {exc}", file=sys.stderr)
        return 1
