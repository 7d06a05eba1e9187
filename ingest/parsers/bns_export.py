"""The BNS table export layout: `NAM, DAT, PERIOD, КАТО(по каталогу), LКАТО(по каталогу), VAL`
(Kazakh headers `ӘАОЖ(каталог бойынша)` in some exports, English `KATO(...)`), as CSV
(tab-separated, every field quoted, UTF-8 with a BOM) or as Parquet. `VAL` is text such as
`56 252`; `PERIOD` is `YYYYMM`.

Many exports carry breakdown columns between the region and `VAL`, each with its `L…` code column:
`СПТМ (по каталогу)` (urban/rural), `СП` (sex), `КН`, `СГНЛ` (age group)... A region and period
then has one row per combination, the totals labelled `Всего` / `Все группы`. Option `breakdowns`:

- `label` (default): every row is kept; the breakdown values are part of the indicator as written
  (`NAM | СП: Мужчины; КН: Всего`), so rows of different breakdowns never collapse into one measure.
  Files without breakdown columns keep `NAM` as the indicator.
- `totals`: only rows whose every breakdown value is a total (`total_labels`) are yielded, with
  `NAM` as the indicator; a breakdown column that holds no total anywhere fails the file.

Option `single_indicator: true` fails a file that holds more than one `NAM` (a downloaded table id
is one indicator; the registry maps it with `*`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ingest.errors import LayoutDriftError
from ingest.parsers.base import PublishedCell
from ingest.parsers.periods import parse_period_label, yyyymm

REGION_HEADER = re.compile(r"^(КАТО|ӘАОЖ|KATO|CATO)\s*\(", re.IGNORECASE)
DISTRICT = re.compile(r"(\bРАЙОН\b|\bАУДАНЫ\b|\bDISTRICT\b|\bГ\.А\.$|\bГ\.А\b)", re.IGNORECASE)
CORE_COLUMNS = ("NAM", "DAT", "PERIOD", "VAL")
TOTAL_LABELS = ("Всего", "Все группы", "Итого", "Барлығы", "Барлық топтар", "Total", "All groups")
BREAKDOWN_MODES = ("label", "totals")


def region_column(header: list[str], file: str) -> str:
    for name in CORE_COLUMNS:
        if name not in header:
            raise LayoutDriftError(f"column {name!r} missing; header is {header}", file=file, row=1)
    regions = [h for h in header if REGION_HEADER.match(h) and not h.upper().startswith("L")]
    if len(regions) != 1:
        raise LayoutDriftError(f"one region column (КАТО/ӘАОЖ) expected, header is {header}",
                               file=file, row=1)  # fmt: skip
    return regions[0]


def breakdown_columns(header: list[str], region_col: str) -> list[str]:
    """Columns that are neither NAM/DAT/PERIOD/VAL, the region, nor an `L…` code column."""
    known = set(CORE_COLUMNS) | {region_col}
    codes = {h for h in header if h.startswith("L") and h[1:] in header}
    return [h for h in header if h not in known and h not in codes]


def _records(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    if path.suffix.lower() == ".parquet":
        table = pq.read_table(path)
        header = table.column_names
        return header, ((i + 2, row) for i, row in enumerate(table.to_pylist()))
    fh = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
    reader = csv.DictReader(fh, delimiter="\t", strict=True)
    header = list(reader.fieldnames or [])

    def body():
        with fh:
            for i, row in enumerate(reader, start=2):
                if None in row or any(v is None for v in row.values()):
                    raise LayoutDriftError("row does not have as many fields as the header",
                                           file=path.name, row=i)  # fmt: skip
                yield i, row

    return header, body()


def _check_dat(dat: Any, year: int, period: str, **where) -> None:
    """`DAT` must say the same period as `PERIOD` when it is a label we read (`2017 год`,
    `1 квартал 2010 г.`): a quarterly table registered as annual would otherwise fold four
    quarters into one year."""
    try:
        dat_year, dat_period, dat_type = parse_period_label(dat, **where)
    except LayoutDriftError:
        return  # a DAT we do not read (e.g. a month name): PERIOD alone decides
    if dat_type != "cumulative" and (dat_year, dat_period) != (year, period):
        raise LayoutDriftError(
            f"DAT {dat!r} says {dat_period}, PERIOD says {period}: is the registry's period_type "
            "right for this table?",
            **where,
        )


def bns_export(path: Path, options: dict[str, Any]) -> Iterator[PublishedCell]:
    header, records = _records(path)
    region_col = region_column(header, path.name)
    breakdowns = breakdown_columns(header, region_col)
    period_type = options.get("period_type", "year")
    mode = options.get("breakdowns", "label")
    if mode not in BREAKDOWN_MODES:
        raise LayoutDriftError(f"option breakdowns must be one of {BREAKDOWN_MODES}, not {mode!r}",
                               file=path.name)  # fmt: skip
    totals = {str(t).strip().casefold() for t in options.get("total_labels", TOTAL_LABELS)}
    seen_total = {column: False for column in breakdowns}
    seen_values: dict[str, set[str]] = {column: set() for column in breakdowns}
    indicators: set[str] = set()
    for row_number, row in records:
        where = dict(file=path.name, row=row_number, column="PERIOD")
        year, period = yyyymm(row["PERIOD"], period_type, **where)
        _check_dat(row["DAT"], year, period, file=path.name, row=row_number, column="DAT")
        nam = str(row["NAM"]).strip()
        indicators.add(nam)
        if options.get("single_indicator") and len(indicators) > 1:
            raise LayoutDriftError(f"one indicator (NAM) expected in this table, found "
                                   f"{sorted(indicators)}", file=path.name, row=row_number,
                                   column="NAM")  # fmt: skip
        values = {column: str(row[column] if row[column] is not None else "").strip()
                  for column in breakdowns}  # fmt: skip
        is_total = {column: value.casefold() in totals for column, value in values.items()}
        for column, value in values.items():
            seen_total[column] |= is_total[column]
            if len(seen_values[column]) < 5:
                seen_values[column].add(value)
        if mode == "totals":
            if not all(is_total.values()):
                continue
            measure = nam
        else:
            measure = nam + (
                " | " + "; ".join(f"{c.strip()}: {v}" for c, v in values.items()) if values else ""
            )
        region = str(row[region_col]).strip()
        yield PublishedCell(
            sheet=None, row_number=row_number, column_name="VAL",
            measure_as_written=measure, region_as_written=region,
            period_as_written=str(row["DAT"]), year=year, period=period, period_type=period_type,
            raw_value=row["VAL"] if row["VAL"] is not None else "",
            territory_level="district" if DISTRICT.search(region) else None, period_column="DAT",
        )  # fmt: skip
    if mode == "totals":
        for column, found in seen_total.items():
            if not found:
                raise LayoutDriftError(
                    f"breakdown column {column!r} holds no total ({sorted(totals)}); values "
                    f"include {sorted(seen_values[column])}: set total_labels in the registry",
                    file=path.name, column=column,
                )  # fmt: skip
