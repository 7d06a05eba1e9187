"""Command line of the ingesters."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.lock import RefreshLock, RefreshLocked
from core.paths import warehouse_paths
from ingest import raw_store, sample
from ingest.loader import LoadResult, land_originals
from ingest.registry import load_registry


def report(results: list[LoadResult]) -> int:
    """Print one line per file; return the exit code (1 if any file failed)."""
    for r in results:
        detail = f" rows={r.rows}" if r.status == "loaded" else ""
        note = f"  {r.message}" if r.message else ""
        print(f"  {r.status:<10} {r.source_id:<28} {r.source_file}{detail}{note}")
    failed = [r for r in results if r.status == "failed"]
    counts = {s: sum(r.status == s for r in results) for s in sorted({r.status for r in results})}
    print("ingest: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    if failed:
        print(
            f"ingest: {len(failed)} file(s) failed; their previous rows are untouched",
            file=sys.stderr,
        )
        for r in failed:
            print(f"  FAILED {r.source_file}: {r.message}", file=sys.stderr)
        return 1
    if results and all(r.status == "missing" for r in results):
        print("ingest: no registered file was found in the raw directory", file=sys.stderr)
        return 1
    return 0


def land(raw_dir: Path | None, raw_db: Path, sample_dir: Path = sample.SAMPLE_DIR) -> int:
    raw_db.parent.mkdir(parents=True, exist_ok=True)
    entries = load_registry()
    with raw_store.connect(str(raw_db)) as con:
        if raw_dir is None:
            print(f"ingest: loading the embedded sample {sample_dir} into {raw_db}")
            results = sample.land_snapshot(con, entries, sample_dir)
        else:
            print(f"ingest: parsing the originals in {raw_dir} into {raw_db}")
            results = land_originals(con, entries, raw_dir)
    return report(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="land raw extracts (default: the embedded sample)")
    load.add_argument("--raw-dir", type=Path, help="directory of original files (registry paths)")
    load.add_argument("--raw-db", type=Path, help="default: raw_store.duckdb in the warehouse dir")
    snap = sub.add_parser("sample", help="write data/sample/ from the originals (maintainers)")
    snap.add_argument("--raw-dir", type=Path, required=True)
    snap.add_argument("--out", type=Path, default=sample.SAMPLE_DIR)
    args = parser.parse_args(argv)
    if args.command == "load":
        paths = warehouse_paths()
        try:
            with RefreshLock(paths.lock):  # the raw store has one writer at a time
                return land(args.raw_dir, args.raw_db or paths.raw_store)
        except RefreshLocked as exc:
            print(f"ingest: {exc}", file=sys.stderr)
            return 75
    return sample.write_snapshot(args.raw_dir, args.out)
