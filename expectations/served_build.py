"""The served build's row counts, for the row-count bands, from its record
(`core/build_record.py`: `build_record.json` beside the build file, written at publish).

The served build's DuckDB file is never opened: a client may hold it read-write (a `duckdb`
shell, DBeaver), and DuckDB then refuses every other connection, read-only ones included. A
build published before records existed has none: its bands are skipped with a note, not
computed from the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.build_record import read_record, record_path


@dataclass(frozen=True)
class ServedCounts:
    """Row counts of the served build by "schema.table" (None: unknown), and why some are."""

    counts: dict[str, int | None] = field(default_factory=dict)
    build_id: str | None = None
    note: str | None = None  # set when no band can run: first refresh, or no record


def served_row_counts(served_build_dir: Path | None, tables: list[str]) -> ServedCounts:
    """Row counts of `tables` in the served build (`warehouse/builds/<build_id>/`), from its
    record only. None for a table the record does not count (e.g. a table new in this build)."""
    unknown: dict[str, int | None] = dict.fromkeys(tables)
    if served_build_dir is None:
        return ServedCounts(unknown, None, "no served build (first refresh): bands skipped")
    served_build_dir = Path(served_build_dir)
    record = read_record(served_build_dir)
    if record is None:
        note = (
            f"served build {served_build_dir.name} has no readable record "
            f"({record_path(served_build_dir)}; published before records existed?): row-count "
            "bands skipped; its file is not opened"
        )
        return ServedCounts(unknown, served_build_dir.name, note)
    counts = {t: record.row_counts.get(t) for t in tables}
    return ServedCounts(counts, record.build_id, None)
