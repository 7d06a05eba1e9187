"""Plan a bulk landing before any write: check the header and collect, from a few evenly
spaced windows of the file, candidate texts for each dictionary column (ingest/parsers/od_bulk/
__init__.py). Candidates are only a guess at the file's vocabulary: nothing is judged or landed
from them."""

from __future__ import annotations

import csv
import re
from operator import itemgetter
from pathlib import Path
from typing import Any

from ingest.parsers.base import require_columns
from ingest.parsers.od_bulk.land import BulkODLanding
from ingest.parsers.od_bulk.layout import (
    PLAIN_INTEGER,
    TYPES,
    breakdowns,
    read_header,
    settings_for,
)
from ingest.regions import RegionResolver

# Candidate windows: 64 x 128 KiB spread over the file (the whole file when it is smaller).
SAMPLE_WINDOWS = 64
SAMPLE_WINDOW_BYTES = 1 << 17
# Texts every file may hold whatever the windows saw: years and month numbers as BNS writes
# them, and the publisher's symbols (ingest/numbers.py).
_YEAR_CANDIDATES = [str(y) for y in range(1990, 2101)]
_MONTH_CANDIDATES = [str(m) for m in range(1, 13)] + [f"{m:02d}" for m in range(1, 10)]
_SYMBOL_CANDIDATES = ["-", "–", "—", "...", "…", "x", "X", "*"]


def _window_rows(path: Path, width: int, delimiter: str, encoding: str) -> list[list[str]]:
    """Rows of `width` fields read from evenly spaced windows of the file (the whole file when it
    is small). For candidates only: a window that starts inside a quoted field may yield odd
    rows, which only add candidates that no cell uses."""
    size = path.stat().st_size
    whole = size <= SAMPLE_WINDOWS * SAMPLE_WINDOW_BYTES
    starts = [0] if whole else [size * i // SAMPLE_WINDOWS for i in range(SAMPLE_WINDOWS)]
    rows: list[list[str]] = []
    with open(path, "rb") as fh:
        for start in starts:
            fh.seek(start)
            chunk = fh.read(size if whole else SAMPLE_WINDOW_BYTES)
            lines = chunk.decode(encoding, errors="replace").splitlines()
            # the first line is the header or cut by the window; so is the last, unless whole
            lines = lines[1:] if whole else lines[1:-1]
            reader = csv.reader(lines, delimiter=delimiter)
            while True:  # a line the reader cannot parse is skipped; it goes on with the next
                try:
                    rows.extend(row for row in reader if len(row) == width)
                    break
                except csv.Error:
                    continue
    return rows


def _candidates(path: Path, header: list[str], cols: dict[str, Any], delimiter: str,
                encoding: str) -> dict[str, list[str]]:  # fmt: skip
    """Candidate texts of each ENUM type: what the windows saw, every plausible year and month
    number, the publisher's symbols, and '' (a missing field) — sorted, so keys are stable."""
    rows = _window_rows(path, len(header), delimiter, encoding)

    def texts(name: str) -> set[str]:
        return set(map(itemgetter(header.index(name)), rows))

    at = [header.index(b) for b in breakdowns(cols).values()]
    breakdown_texts = [list(map(itemgetter(i), rows)) for i in at]
    found = {
        "bulk_years": texts(cols["year"]) | set(_YEAR_CANDIDATES),
        "bulk_months": (
            texts(cols["month"]) | set(_MONTH_CANDIDATES) if cols.get("month") else set()
        ),
        "bulk_names": texts(cols["origin"]) | texts(cols["destination"]),
        "bulk_breakdowns": set(map("\x1f".join, zip(*breakdown_texts, strict=True))),
        "bulk_value_texts": {v for v in texts(cols["value"]) if not re.fullmatch(PLAIN_INTEGER, v)}
        | set(_SYMBOL_CANDIDATES),
    }
    return {name: sorted(found[name] | {""}) for name in TYPES}


class OdFlowsCsvBulk:
    """The parser registered as `od_flows_csv_bulk`: plans a DuckDB landing instead of yielding
    cells (the loader calls `plan_landing`, then the landing's `prepare`)."""

    def __call__(self, path: Path, options: dict[str, Any]):
        raise TypeError("od_flows_csv_bulk lands through DuckDB: use plan_landing")

    def plan_landing(
        self, path: Path, entry, *, source_file: str, sha: str, resolver: RegionResolver
    ) -> BulkODLanding:
        options = entry.options
        cols = options["columns"]
        delimiter = options.get("delimiter", ",")
        encoding = options.get("encoding", "utf-8-sig")
        header = read_header(path, delimiter, encoding)
        breakdown_columns = list(breakdowns(cols).values())
        expected = [
            cols["year"],
            *([cols["month"]] if cols.get("month") else []),
            cols["origin"],
            cols["destination"],
            *breakdown_columns,
            cols["value"],
        ]
        require_columns(header, expected, file=path.name)
        duck_encoding = (
            "utf-8" if encoding.lower().replace("_", "-") in ("utf-8-sig", "utf8") else encoding
        )
        return BulkODLanding(
            path=path,
            source_id=entry.id,
            source_file=source_file,
            sha=sha,
            header=header,
            columns=cols,
            delimiter=delimiter,
            encoding=duck_encoding,
            entry=entry,
            resolver=resolver,
            candidates=_candidates(path, header, cols, delimiter, encoding),
            settings=settings_for(options),
        )
