"""Parsers for the workbook layouts (.xlsx and the legacy .xls, both read with calamine).

- `wide_table`: regions down one column, periods across; one or two header rows. Covers the BNS
  dynamic tables (GRP per capita with cumulative quarters, unemployment with a year row over
  quarter labels, doctors in .xls) and the simple year-by-region workbooks.
- `indicator_panel`: `Область, Показатель, 2013 … 2023`, one row per region and indicator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import python_calamine

from ingest.errors import LayoutDriftError
from ingest.parsers.base import PublishedCell, as_year, column_letter, require_columns
from ingest.parsers.periods import english_subperiod, parse_period_label

_FOOTNOTE_ROW = re.compile(r"^(\*|\d{1,2}\))")


def read_sheet(path: Path, sheet: str | int | None) -> tuple[str, list[list[Any]]]:
    """All cells of a sheet from A1 (empty leading rows kept, so row numbers are the sheet's)."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    if sheet is None or isinstance(sheet, int):
        index = sheet or 0
        if index >= len(book.sheet_names):
            raise LayoutDriftError(
                f"sheet #{index} missing; sheets: {book.sheet_names}", file=path.name
            )
        name = book.sheet_names[index]
    else:
        name = sheet
        if name not in book.sheet_names:
            raise LayoutDriftError(
                f"sheet {name!r} missing; sheets are {book.sheet_names}", file=path.name, sheet=name
            )
    return name, book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _period_headers(rows, header_rows: list[int], kind: str, *, file: str, sheet: str):
    """Column index -> (period as written, year, period, period_type)."""
    last = rows[header_rows[-1] - 1]
    headers: dict[int, tuple[str, int, str, str]] = {}
    current_year: int | None = None
    for col in range(1, len(last)):
        where = dict(file=file, sheet=sheet, row=header_rows[-1], column=column_letter(col))
        if kind == "year_then_subperiod":
            top = rows[header_rows[0] - 1][col] if col < len(rows[header_rows[0] - 1]) else ""
            if not _is_blank(top):
                current_year = as_year(top, file=file, sheet=sheet, row=header_rows[0],
                                       column=column_letter(col))  # fmt: skip
            if _is_blank(last[col]):
                continue
            if current_year is None:
                raise LayoutDriftError("quarter header before any year header", **where)
            period, ptype = english_subperiod(current_year, last[col], **where)
            headers[col] = (f"{current_year} {str(last[col]).strip()}", current_year, period, ptype)
        else:
            if _is_blank(last[col]):
                continue
            year, period, ptype = parse_period_label(last[col], **where)
            label = str(int(last[col])) if isinstance(last[col], float) else str(last[col]).strip()
            headers[col] = (re.sub(r"\s+", " ", label), year, period, ptype)
    if not headers:
        raise LayoutDriftError(
            "no period headers found", file=file, sheet=sheet, row=header_rows[-1]
        )
    return headers


def wide_table(path: Path, options: dict[str, Any]) -> Iterator[PublishedCell]:
    sheets = options.get("sheets") or [{"name": options.get("sheet")}]
    header_rows = options.get("header_rows", [1])
    kind = options.get("header_kind", "period_labels")
    for spec in sheets:
        sheet, rows = read_sheet(path, spec.get("name"))
        where = dict(file=path.name, sheet=sheet)
        # The title is the first text in column A (some sheets start it on row 2).
        title_row = next((i for i, r in enumerate(rows) if r and not _is_blank(r[0])), 0)
        title = str(rows[title_row][0]).strip() if rows else ""
        expected_title = options.get("title")
        if expected_title and not title.startswith(expected_title):
            raise LayoutDriftError(
                f"title {expected_title!r} expected in column A, found {title!r}",
                **where, row=title_row + 1, column="A",
            )  # fmt: skip
        if len(rows) < header_rows[-1] + 1:
            raise LayoutDriftError("sheet ends before its data rows", **where)
        corner, found = options.get("corner"), rows[header_rows[-1] - 1][0]
        if corner is not None and str(found).strip() != corner:
            raise LayoutDriftError(
                f"{corner!r} expected in A{header_rows[-1]}, found {found!r}",
                **where, row=header_rows[-1], column="A",
            )  # fmt: skip
        headers = _period_headers(rows, header_rows, kind, **where)
        measure = spec.get("measure_as_written") or options.get("measure_as_written") or title
        if options.get("measure_includes_sheet"):
            measure = f"{measure} | {sheet}"
        seen_data = False
        for r in range(header_rows[-1], len(rows)):
            row = rows[r]
            region = row[0] if row else ""
            if _is_blank(region):
                if seen_data:
                    break  # the blank row before the footnotes ends the table
                continue
            if _FOOTNOTE_ROW.match(str(region).strip()):
                break
            seen_data = True
            for col in range(1, len(row)):
                if col not in headers:
                    if not _is_blank(row[col]):
                        raise LayoutDriftError("value under an empty header", **where, row=r + 1,
                                               column=column_letter(col))  # fmt: skip
                    continue
                label, year, period, ptype = headers[col]
                yield PublishedCell(
                    sheet=sheet, row_number=r + 1, column_name=f"{column_letter(col)}: {label}",
                    measure_as_written=measure, region_as_written=str(region),
                    period_as_written=label, year=year, period=period, period_type=ptype,
                    raw_value=row[col],
                )  # fmt: skip


def indicator_panel(path: Path, options: dict[str, Any]) -> Iterator[PublishedCell]:
    sheet, rows = read_sheet(path, options.get("sheet"))
    if not rows:
        raise LayoutDriftError("empty sheet", file=path.name, sheet=sheet)
    header = [str(h).strip() if not isinstance(h, float) else str(int(h)) for h in rows[0]]
    region_col, indicator_col = options["region_column"], options["indicator_column"]
    require_columns(header[:2], [region_col, indicator_col], file=path.name, sheet=sheet)
    years = {
        col: as_year(h, file=path.name, sheet=sheet, row=1, column=column_letter(col))
        for col, h in enumerate(header)
        if col >= 2
    }
    for r in range(1, len(rows)):
        row = rows[r]
        if all(_is_blank(v) for v in row):
            continue
        for col, year in years.items():
            yield PublishedCell(
                sheet=sheet, row_number=r + 1, column_name=f"{column_letter(col)}: {year}",
                measure_as_written=str(row[1]).strip(), region_as_written=str(row[0]),
                period_as_written=str(year), year=year, period=str(year), period_type="year",
                raw_value=row[col] if col < len(row) else "",
            )  # fmt: skip
