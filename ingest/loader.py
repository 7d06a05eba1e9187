"""Land registered files in the raw store: one transaction per file, every attempt in the manifest.

Idempotency rules (docs/design-notes.md §5.4):
- a file whose (path, SHA-256) is already loaded is skipped and nothing is written;
- a byte-identical file under another name is recorded once as a duplicate, never loaded twice;
- a changed file at a known path replaces exactly that path's rows (the old version is marked
  superseded in the manifest);
- a file that fails (layout drift, unknown symbol, unknown region) is recorded as failed and
  leaves its previous rows untouched; the other files still load.

A bulk file (ingest/parsers/od_bulk/) whose size differs from its landed version's cannot be
unchanged: it is landed in its scratch table while its SHA-256 is computed, and the scratch table
is dropped if the hash shows a byte-identical twin of another file.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest import raw_store
from ingest.checks import CellChecks
from ingest.errors import IngestError
from ingest.numbers import parse_number, value_text
from ingest.parsers import PARSERS
from ingest.parsers.base import PublishedCell
from ingest.regions import NATIONAL_CODE, RegionResolver, default_resolver
from ingest.registry import SourceEntry
from ingest.sniff import check_kind
from ingest.source_table import load_warnings, write_source_registry

if TYPE_CHECKING:  # pandas is imported where frames are built: a no-change refresh never needs it
    import pandas as pd


@dataclass(frozen=True)
class LoadResult:
    source_id: str
    source_file: str
    status: str  # loaded | unchanged | duplicate | failed | missing
    rows: int = 0
    message: str = ""
    # missing only: the registry requires the source, and the analyst did not allow it missing
    blocks_refresh: bool = False


def missing_result(
    entry: SourceEntry, allow_missing: frozenset[str], origin_present: bool = True
) -> LoadResult:
    """No file of `entry` is in the raw directory: optional, of another origin than the
    directory's files, allowed missing, or a failure."""
    pattern = "|".join(entry.files)
    if not entry.required:
        return LoadResult(entry.id, pattern, "missing", message="optional source")
    if not origin_present:
        return LoadResult(
            entry.id, pattern, "missing", message=f"no {entry.origin} file in this directory"
        )
    if entry.id in allow_missing:
        return LoadResult(
            entry.id, pattern, "missing",
            message="required source missing; allowed by ALLOW_MISSING: its rows are those of "
            "its last landing",
        )  # fmt: skip
    return LoadResult(
        entry.id, pattern, "missing", blocks_refresh=True,
        message=f"required source {entry.id!r}: no file matches {pattern!r} in the raw "
        "directory (deleted or renamed?); restore the file, or pass "
        f"ALLOW_MISSING={entry.id} to publish with its last landed rows and a warning",
    )  # fmt: skip


def new_load_id() -> tuple[str, datetime]:
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    return f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}", now


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def observation_id(sha: str, sheet: str | None, row: int, column: str) -> str:
    key = f"{sha}|{sheet or ''}|{row}|{column}".encode()
    return hashlib.sha256(key).hexdigest()[:24]


def cells_to_frame(
    cells: Iterable[PublishedCell],
    entry: SourceEntry,
    *,
    source_file: str,
    sha: str,
    resolver: RegionResolver,
) -> pd.DataFrame:
    """Turn parsed cells into raw rows: numbers parsed, regions resolved, measures mapped."""
    rows = []
    unmapped: set[str] = set()
    checks = CellChecks(entry, source_file)  # periods, counts, natural keys (ingest/checks.py)
    for cell in cells:
        where = dict(
            file=source_file, sheet=cell.sheet, row=cell.row_number, column=cell.column_name
        )
        try:
            parsed = parse_number(cell.raw_value)
            resolve = dict(year=cell.year, naming=entry.region_naming, source_id=entry.id)
            region = (
                None  # district rows are kept as published; regions are the warehouse's grain
                if cell.territory_level == "district"
                else resolver.resolve(cell.region_as_written, **resolve)
            )
            destination = (
                resolver.resolve(cell.destination_as_written, **resolve)
                if entry.table == "od_flows"
                else None
            )
        except IngestError as exc:
            raise type(exc)(exc.bare_message, **where) from None
        mapping = entry.mapping_for(cell.measure_as_written)
        if mapping is None:
            if not entry.land_unmapped_measures:
                raise IngestError(
                    f"indicator {cell.measure_as_written!r} is not in the registry entry "
                    f"{entry.id!r} (add it to ingest/source_registry.yml)",
                    **where,
                )
            unmapped.add(cell.measure_as_written)
        checks.check(cell, mapping.measure if mapping else None, parsed.value)
        row = {
            "observation_id": observation_id(sha, cell.sheet, cell.row_number, cell.column_name),
            "measure_as_written": cell.measure_as_written,
            "measure": mapping.measure if mapping else None,
            "unit": mapping.unit if mapping else None,
            "flow_scope": mapping.flow_scope if mapping else None,
            "period_as_written": cell.period_as_written,
            "period_type": cell.period_type,
            "year": cell.year,
            "period": cell.period,
            "value_text": value_text(cell.raw_value),
            "value": parsed.value,
            "value_flag": parsed.flag,
            "source_id": entry.id,
            "source_file": source_file,
            "file_sha256": sha,
            "sheet": cell.sheet,
            "row_number": cell.row_number,
            "column_name": cell.column_name,
        }
        if entry.table == "od_flows":
            row.update(
                origin_as_written=cell.region_as_written,
                origin_code=region,
                destination_as_written=cell.destination_as_written,
                destination_code=destination,
            )
        else:
            level = cell.territory_level or ("country" if region == NATIONAL_CODE else "region")
            row.update(
                region_as_written=cell.region_as_written, region_code=region, territory_level=level
            )
        rows.append(row)
    if not rows:
        raise IngestError("the file holds no data rows", file=source_file)
    import pandas as pd

    frame = pd.DataFrame(rows)
    frame["row_number"] = frame["row_number"].astype("int32")
    frame["year"] = frame["year"].astype("int32")
    frame["value"] = frame["value"].astype("float64")
    return frame


def write_file(
    con,
    entry: SourceEntry,
    source_file: str,
    sha: str,
    file_bytes: int | None,
    make_frame,
    load_id: str,
    loaded_at: datetime,
) -> LoadResult:
    """Shared skip/duplicate/replace logic for originals and for the embedded snapshot."""
    status, landed_under = raw_store.manifest_status(con, source_file, sha)
    # A file landed under another registry entry or parser version is landed again: the entry
    # decides what its cells mean (measures, options, parser).
    if status in ("loaded", "duplicate") and landed_under == entry.fingerprint:
        # seen again: a failed load of another version since then is over (the gate's
        # no_failed_file compares the times)
        raw_store.mark_seen(con, source_file, sha, loaded_at)
        return LoadResult(entry.id, source_file, "unchanged")
    manifest = dict(
        source_file=source_file, file_sha256=sha, source_id=entry.id, file_bytes=file_bytes,
        load_id=load_id, loaded_at=loaded_at, entry_fingerprint=entry.fingerprint,
        last_seen_at=loaded_at,
    )  # fmt: skip
    twin = raw_store.loaded_elsewhere(con, source_file, sha)
    if twin:
        con.execute("begin")
        raw_store.upsert_manifest(
            con, **manifest, status="duplicate", rows_landed=0, duplicate_of=twin,
            message=f"byte-identical to {twin}; not loaded twice",
        )  # fmt: skip
        con.execute("commit")
        return LoadResult(entry.id, source_file, "duplicate", 0, f"identical to {twin}")
    frame = None
    try:
        frame = make_frame()
        if hasattr(frame, "prepare"):  # bulk: lands a scratch table and judges it, before the txn
            try:
                frame.prepare(con)
            except BaseException:
                frame.cleanup(con)
                raise
    except IngestError as exc:
        con.execute("begin")
        raw_store.upsert_manifest(
            con, **manifest, status="failed", rows_landed=0, duplicate_of=None, message=str(exc)
        )
        con.execute("commit")
        return LoadResult(entry.id, source_file, "failed", 0, str(exc))
    began = False
    try:
        con.execute("begin")
        began = True
        if hasattr(frame, "insert_rows"):  # a bulk landing (ingest/parsers/od_bulk/)
            raw_store.replace_file_rows(con, entry.table, source_file, frame.no_rows())
            frame.insert_rows(con, entry.table, load_id, loaded_at)  # DuckDB, same transaction
        else:
            frame = frame.assign(load_id=load_id, loaded_at=loaded_at)
            raw_store.replace_file_rows(con, entry.table, source_file, frame)
        raw_store.upsert_manifest(
            con, **manifest, status="loaded", rows_landed=len(frame), duplicate_of=None,
            message=None,
        )  # fmt: skip
        con.execute("commit")
    except Exception:
        if began:
            con.execute("rollback")
        raise
    finally:
        if hasattr(frame, "cleanup"):
            frame.cleanup(con)
    return LoadResult(entry.id, source_file, "loaded", len(frame))


def registered_files(entry: SourceEntry, raw_dir: Path) -> list[Path]:
    found: list[Path] = []
    for pattern in entry.files:
        found.extend(sorted(p for p in raw_dir.glob(pattern) if p.is_file()))
    return found


def land_originals(
    con,
    entries: list[SourceEntry],
    raw_dir: Path,
    resolver: RegionResolver | None = None,
    allow_missing: frozenset[str] = frozenset(),
) -> list[LoadResult]:
    resolver = resolver or default_resolver()
    load_id, loaded_at = new_load_id()
    results: list[LoadResult] = []
    found = {entry.id: registered_files(entry, raw_dir) for entry in entries}
    # A RAW_DIR holds one origin's files (the public copies, or one `make download`): a required
    # source is missing only when its origin's other files are there.
    origins_present = {entry.origin for entry in entries if found[entry.id]}
    for entry in entries:
        paths = found[entry.id]
        if not paths:
            results.append(missing_result(entry, allow_missing, entry.origin in origins_present))
            continue
        for path in paths:
            source_file = path.relative_to(raw_dir).as_posix()
            size = path.stat().st_size
            landing: Any = None  # a bulk landing prepared while the file was hashed
            try:
                if _is_bulk(entry) and not raw_store.may_be_unchanged(con, source_file, size):
                    # The size differs from the landed version's (or nothing is landed): the
                    # content is new, so land it while the SHA-256 is computed (~4 s at 4 GB;
                    # hashlib and DuckDB both release the GIL). Only a file found to be a
                    # byte-identical twin of another wastes the landing (dropped below).
                    with ThreadPoolExecutor(1, thread_name_prefix="sha256") as pool:
                        hashing = pool.submit(sha256_of, path)
                        landing = _prepared_landing(con, path, entry, source_file, resolver)
                        sha = hashing.result()
                else:
                    sha = sha256_of(path)

                def make_frame(path=path, source_file=source_file, sha=sha, entry=entry,
                               landing=landing):  # fmt: skip
                    if isinstance(landing, IngestError):
                        raise landing
                    if landing is not None:
                        landing.sha = sha
                        return landing
                    return _frame(path, entry, source_file, sha, resolver)

                results.append(
                    write_file(con, entry, source_file, sha, size, make_frame, load_id, loaded_at)
                )
            finally:
                if landing is not None and not isinstance(landing, IngestError):
                    landing.cleanup(con)  # its scratch table, unless it was adopted
    write_source_registry(con, entries, load_warnings(results, allow_missing))
    return results


def _is_bulk(entry: SourceEntry) -> bool:
    return hasattr(PARSERS.get(entry.parser), "plan_landing")


def _frame(path: Path, entry: SourceEntry, source_file: str, sha: str, resolver: RegionResolver):
    """The file's cells as a frame, or a planned bulk landing (judged and inserted by DuckDB).
    Every failure is an IngestError naming the file."""
    try:
        check_kind(path, source_file)  # empty, a web page, UTF-16: said before a parser fails
        parser = PARSERS[entry.parser]
        if hasattr(parser, "plan_landing"):
            return parser.plan_landing(
                path, entry, source_file=source_file, sha=sha, resolver=resolver
            )
        cells = parser(path, entry.options)
        return cells_to_frame(cells, entry, source_file=source_file, sha=sha, resolver=resolver)
    except IngestError as exc:
        if exc.file is None:
            raise type(exc)(
                exc.bare_message, file=source_file, sheet=exc.sheet, row=exc.row,
                column=exc.column,
            ) from None  # fmt: skip
        raise
    except Exception as exc:  # an unreadable file fails that file only, clearly
        raise IngestError(
            f"could not read the file: {type(exc).__name__}: {exc}", file=source_file
        ) from exc


def _prepared_landing(con, path: Path, entry: SourceEntry, source_file: str, resolver):
    """A bulk landing planned and prepared before its SHA-256 is known (set once it is), or the
    IngestError that refused the file (write_file records it as failed)."""
    try:
        landing = _frame(path, entry, source_file, "", resolver)
    except IngestError as exc:
        return exc
    try:
        landing.prepare(con)
    except BaseException as exc:
        landing.cleanup(con)
        if isinstance(exc, IngestError):
            return exc
        raise
    return landing
