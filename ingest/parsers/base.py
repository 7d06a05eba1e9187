"""What every parser yields: one published cell, located in its file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ingest.errors import LayoutDriftError


@dataclass(frozen=True)
class PublishedCell:
    """One value as published, with the row/column labels that give it meaning."""

    sheet: str | None  # None for CSV/JSON/Parquet
    row_number: int  # 1-based row as a spreadsheet shows it (CSV header = row 1)
    column_name: str  # header text of the value's column, or the JSON path
    measure_as_written: str
    region_as_written: str
    period_as_written: str
    year: int
    period: str  # normalised: 2022 | 2022-Q3 | 2022-H1 | 2022-9M | 2024-05
    period_type: str  # year | quarter | month | cumulative
    raw_value: Any  # the cell as read; the loader keeps its text and parses the number
    destination_as_written: str | None = None  # origin-destination rows: the region of arrival
    territory_level: str | None = None  # "district" for district rows kept in raw; else derived
    # the column the period was read from, when it is not the value's column (flat layouts)
    period_column: str | None = None


class Parser(Protocol):
    def __call__(self, path: Path, options: dict[str, Any]) -> Iterator[PublishedCell]: ...


def require_columns(found: list[str], expected: list[str], *, file: str, sheet: str | None = None):
    """Fail with a clear message when the header is not the one the parser knows."""
    missing = [c for c in expected if c not in found]
    unexpected = [c for c in found if c not in expected]
    if missing or unexpected:
        raise LayoutDriftError(
            f"header drift: expected columns {expected}, found {found}"
            + (f"; missing {missing}" if missing else "")
            + (f"; unexpected {unexpected}" if unexpected else ""),
            file=file,
            sheet=sheet,
            row=1,
        )


_YEAR = re.compile(r"^(19|20)\d{2}$")


def as_year(header: Any, *, file: str, sheet: str | None, row: int, column: str) -> int:
    """A header cell that must hold a year (2015, 2015.0 or '2015')."""
    text = str(int(header)) if isinstance(header, float) and header.is_integer() else str(header)
    text = text.strip()
    if not _YEAR.match(text):
        raise LayoutDriftError(
            f"year header expected, found {header!r}",
            file=file,
            sheet=sheet,
            row=row,
            column=column,
        )
    return int(text)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet user finds the cell."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
