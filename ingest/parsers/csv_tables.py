"""Parsers for the CSV layouts: origin-destination flows, internal migration by region and month,
and the flattened Taldau output (region, date, value)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.errors import LayoutDriftError
from ingest.parsers.base import PublishedCell, as_year, require_columns
from ingest.parsers.periods import MONTHS_EN


def _rows(path: Path, options: dict[str, Any]) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    fh = open(path, newline="", encoding=options.get("encoding", "utf-8-sig"))  # noqa: SIM115
    reader = csv.DictReader(fh, delimiter=options.get("delimiter", ","))
    header = list(reader.fieldnames or [])

    def body():
        with fh:
            for index, row in enumerate(reader, start=2):
                if None in row or any(v is None for v in row.values()):
                    raise LayoutDriftError(
                        f"row has {len(row) - (None not in row)} fields, header has {len(header)}",
                        file=path.name,
                        row=index,
                    )
                yield index, row

    return header, body()


def od_flows_csv(path: Path, options: dict[str, Any]) -> Iterator[PublishedCell]:
    """`Year, region_emmigr, region_immigr, N`: one origin-destination flow per row."""
    cols = options["columns"]
    header, rows = _rows(path, options)
    require_columns(header, [cols["year"], cols["origin"], cols["destination"], cols["value"]],
                    file=path.name)  # fmt: skip
    for index, row in rows:
        year_text = row[cols["year"]]
        year = as_year(year_text, file=path.name, sheet=None, row=index, column=cols["year"])
        yield PublishedCell(
            sheet=None, row_number=index, column_name=cols["value"],
            measure_as_written=cols["value"], region_as_written=row[cols["origin"]],
            destination_as_written=row[cols["destination"]], period_as_written=year_text,
            year=year, period=str(year), period_type="year", raw_value=row[cols["value"]],
            period_column=cols["year"],
        )  # fmt: skip


def internal_migration_csv(path: Path, options: dict[str, Any]) -> Iterator[PublishedCell]:
    """`region, month, arrivals, departures, net`; `month = Total` is the year. The year is in the
    file name (internal_migration_2024.csv): the registry gives the pattern."""
    match = re.search(options["year_from_filename"], path.name)
    if not match:
        raise LayoutDriftError(
            f"file name does not match {options['year_from_filename']!r}", file=path.name
        )
    year = int(match[1])
    header, rows = _rows(path, options)
    value_columns = options["value_columns"]
    require_columns(header, ["region", "month", *value_columns], file=path.name)
    for index, row in rows:
        month = row["month"].strip()
        if month.lower() == options.get("total_label", "total").lower():
            period, period_type = str(year), "year"
        elif month.lower() in MONTHS_EN:
            period, period_type = f"{year}-{MONTHS_EN.index(month.lower()) + 1:02d}", "month"
        else:
            raise LayoutDriftError(
                f"month must be a month name or Total, found {month!r}",
                file=path.name, row=index, column="month",
            )  # fmt: skip
        for column in value_columns:
            yield PublishedCell(
                sheet=None, row_number=index, column_name=column, measure_as_written=column,
                region_as_written=row["region"], period_as_written=f"{year} {month}", year=year,
                period=period, period_type=period_type, raw_value=row[column],
            )  # fmt: skip


def taldau_flat_csv(path: Path, options: dict[str, Any]) -> Iterator[PublishedCell]:
    """`region, date, value` with date the period end (2006-12-31 = year 2006)."""
    header, rows = _rows(path, options)
    require_columns(header, ["region", "date", "value"], file=path.name)
    for index, row in rows:
        date = row["date"].strip()
        if not re.fullmatch(r"\d{4}-12-31", date):
            raise LayoutDriftError(
                f"annual date YYYY-12-31 expected, found {date!r}",
                file=path.name, row=index, column="date",
            )  # fmt: skip
        yield PublishedCell(
            sheet=None, row_number=index, column_name="value",
            measure_as_written=options["measure_as_written"], region_as_written=row["region"],
            period_as_written=date, year=int(date[:4]), period=date[:4], period_type="year",
            raw_value=row["value"], period_column="date",
        )  # fmt: skip
