"""The BNS table export layout: `NAM, DAT, PERIOD, КАТО(по каталогу), LКАТО(по каталогу), VAL`
(Kazakh headers `ӘАОЖ(каталог бойынша)` in some exports, English `KATO(...)`), as CSV (tab-separated,
every field quoted) or as Parquet. `VAL` is text such as `56 252`; `PERIOD` is `YYYYMM`."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ingest.errors import LayoutDriftError
from ingest.parsers.base import PublishedCell
from ingest.parsers.periods import yyyymm

REGION_HEADER = re.compile(r"^(КАТО|ӘАОЖ|KATO|CATO)\s*\(", re.IGNORECASE)
DISTRICT = re.compile(r"(\bРАЙОН\b|\bАУДАНЫ\b|\bDISTRICT\b|\bГ\.А\.$|\bГ\.А\b)", re.IGNORECASE)


def _region_column(header: list[str], file: str) -> str:
    for name in ("NAM", "DAT", "PERIOD", "VAL"):
        if name not in header:
            raise LayoutDriftError(f"column {name!r} missing; header is {header}", file=file, row=1)
    regions = [h for h in header if REGION_HEADER.match(h) and not h.upper().startswith("L")]
    if len(regions) != 1:
        raise LayoutDriftError(f"one region column (КАТО/ӘАОЖ) expected, header is {header}",
                               file=file, row=1)  # fmt: skip
    return regions[0]


def _records(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    if path.suffix.lower() == ".parquet":
        table = pq.read_table(path)
        header = table.column_names
        return header, ((i + 2, row) for i, row in enumerate(table.to_pylist()))
    fh = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
    reader = csv.DictReader(fh, delimiter="\t")
    header = list(reader.fieldnames or [])

    def body():
        with fh:
            for i, row in enumerate(reader, start=2):
                if None in row or any(v is None for v in row.values()):
                    raise LayoutDriftError("row does not have as many fields as the header",
                                           file=path.name, row=i)  # fmt: skip
                yield i, row

    return header, body()


def bns_export(path: Path, options: dict[str, Any]) -> Iterator[PublishedCell]:
    header, records = _records(path)
    region_col = _region_column(header, path.name)
    period_type = options.get("period_type", "year")
    for row_number, row in records:
        where = dict(file=path.name, row=row_number, column="PERIOD")
        year, period = yyyymm(row["PERIOD"], period_type, **where)
        region = str(row[region_col]).strip()
        yield PublishedCell(
            sheet=None, row_number=row_number, column_name="VAL",
            measure_as_written=str(row["NAM"]).strip(), region_as_written=region,
            period_as_written=str(row["DAT"]), year=year, period=period, period_type=period_type,
            raw_value=row["VAL"] if row["VAL"] is not None else "",
            territory_level="district" if DISTRICT.search(region) else None,
        )  # fmt: skip
