"""`python -m ingest.download [--out DIR]`: fetch the configured BNS and Taldau tables.

Every table is tried; each answer is validated before it is stored; the command exits 1 at the end
naming each table that failed and why. A failed table leaves its earlier downloads untouched.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from tqdm import tqdm

from ingest.download.client import Client, FetchError
from ingest.download.store import (
    ManifestRow,
    append_manifest,
    last_stored,
    link_atomic,
    point_latest,
    sha256_bytes,
    utc_now,
    write_atomic,
)
from ingest.download.tables import (
    BASE_URL_ENV,
    TABLES_YML,
    ClientSettings,
    TableSpec,
    base_urls,
    load_tables,
)
from ingest.download.validate import VALIDATORS, BodyError

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RAW_ROOT = REPO_ROOT / "data" / "raw"


@dataclass(frozen=True)
class Outcome:
    spec: TableSpec
    outcome: str  # stored | unchanged | failed
    message: str


def download_one(spec: TableSpec, client: Client, out_dir: Path, urls: dict[str, str]) -> Outcome:
    url = spec.url(urls)
    row = ManifestRow(
        time=utc_now(), source=spec.source, table_id=spec.id, measure=spec.measure, file=spec.file,
        url=url, http_status=None, attempts=0, sha256=None, bytes=None, outcome="failed",
    )  # fmt: skip
    try:
        fetched = client.get(url)
        row.http_status, row.attempts = fetched.status, fetched.attempts
        row.sha256, row.bytes = sha256_bytes(fetched.body), len(fetched.body)
        summary = VALIDATORS[spec.source](fetched.body, fetched.content_type)
        unit = "rows" if spec.source == "bns" else "territories"
        target = out_dir / spec.file
        previous = last_stored(out_dir, spec.source, spec.id)
        if previous and previous[1] == row.sha256:
            row.outcome = "unchanged"
            row.same_as = _display(previous[0], out_dir)
            if previous[0] == target:
                row.message = f"identical to the stored file ({summary} {unit}); not written again"
            else:
                how = link_atomic(target, previous[0])
                row.message = (
                    f"identical to {row.same_as} ({summary} {unit}); not stored twice: {how} to it"
                )
        else:
            write_atomic(target, fetched.body)
            row.outcome = "stored"
            row.message = f"{summary} {unit}"
    except FetchError as exc:
        row.http_status, row.attempts = exc.status, exc.attempts
        row.message = str(exc)
    except BodyError as exc:
        row.message = f"refused: {exc}"
    except OSError as exc:
        row.message = f"could not store the file: {exc}"
    row.time = utc_now()
    append_manifest(out_dir, row)
    return Outcome(spec, row.outcome, row.message)


def _display(path: Path, out_dir: Path) -> str:
    try:
        return path.relative_to(out_dir.parent).as_posix()
    except ValueError:
        return str(path)


def run(
    specs: list[TableSpec],
    client: Client,
    out_dir: Path,
    urls: dict[str, str],
    *,
    progress: bool = True,
) -> list[Outcome]:
    out_dir.mkdir(parents=True, exist_ok=True)
    outcomes = []
    # the bar shows on a terminal only (disable=None); logs get one plain line per table
    bar = tqdm(specs, desc="download", unit="table", disable=None if progress else True,
               file=sys.stderr)  # fmt: skip
    for spec in bar:
        bar.set_postfix_str(f"{spec.source} {spec.id}")
        outcome = download_one(spec, client, out_dir, urls)
        outcomes.append(outcome)
        line = f"  {outcome.outcome:<9} {spec.label:<40} {spec.file}  {outcome.message}"
        if bar.disable:
            print(line)
        else:
            bar.write(line, file=sys.stderr)
    return outcomes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m ingest.download",
        description="Fetch the BNS table exports and Taldau indexes listed in "
        "ingest/download_tables.yml. Base URLs: "
        + ", ".join(f"${v}" for v in BASE_URL_ENV.values())
        + " (defaults: the real hosts).",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path,
                       help="download into exactly this directory (no `latest` link)")  # fmt: skip
    where.add_argument("--raw-root", type=Path, default=DEFAULT_RAW_ROOT,
                       help="download into RAW_ROOT/<date>/ and point RAW_ROOT/latest at it "
                            "(default: data/raw)")  # fmt: skip
    parser.add_argument("--date", type=date.fromisoformat, default=None,
                        help="the <date> directory name (default: today)")  # fmt: skip
    parser.add_argument("--tables", type=Path, default=TABLES_YML)
    parser.add_argument("--only", action="append", default=[], metavar="ID",
                        help="fetch only these table/index ids (repeatable)")  # fmt: skip
    parser.add_argument("--delay", type=float, help="seconds between two calls")
    parser.add_argument("--connect-timeout", type=float)
    parser.add_argument("--read-timeout", type=float)
    parser.add_argument("--max-attempts", type=int)
    parser.add_argument("--backoff", type=float, help="first retry wait; doubles each retry")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace, settings: ClientSettings) -> ClientSettings:
    overrides = {
        "delay_seconds": args.delay,
        "connect_timeout_seconds": args.connect_timeout,
        "read_timeout_seconds": args.read_timeout,
        "max_attempts": args.max_attempts,
        "backoff_seconds": args.backoff,
    }
    return replace(settings, **{k: v for k, v in overrides.items() if v is not None})


def main(argv: list[str] | None = None, *, client: Client | None = None) -> int:
    args = parse_args(argv)
    specs, settings = load_tables(args.tables)
    if args.only:
        wanted = {i.strip() for value in args.only for i in value.split(",")}
        unknown = wanted - {s.id for s in specs}
        if unknown:
            print(f"download: unknown table ids {sorted(unknown)}", file=sys.stderr)
            return 2
        specs = [s for s in specs if s.id in wanted]
    client = client or Client(settings_from(args, settings))
    if args.out is not None:
        root, out_dir = None, args.out.resolve()
    else:
        root = args.raw_root.resolve()
        out_dir = root / (args.date or date.today()).isoformat()
    urls = base_urls()
    print(f"download: {len(specs)} tables into {out_dir} (BNS {urls['bns']}, "
          f"Taldau {urls['taldau']})")  # fmt: skip
    outcomes = run(specs, client, out_dir, urls, progress=not args.no_progress)
    counts = {o: sum(x.outcome == o for x in outcomes) for o in ("stored", "unchanged", "failed")}
    print("download: " + ", ".join(f"{n} {o}" for o, n in counts.items())
          + f"; manifest {out_dir / 'download_manifest.jsonl'}")  # fmt: skip
    failed = [o for o in outcomes if o.outcome == "failed"]
    if root is not None:
        if failed:
            print(f"download: {root / 'latest'} left as it was (a table failed)", file=sys.stderr)
        else:
            print(f"download: {point_latest(root, out_dir)} -> {out_dir.name}")
    if failed:
        print(f"download: {len(failed)} table(s) failed; earlier downloads are untouched",
              file=sys.stderr)  # fmt: skip
        for o in failed:
            print(f"  FAILED {o.spec.label} [{o.spec.file}]: {o.message}", file=sys.stderr)
        return 1
    return 0
