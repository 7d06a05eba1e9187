"""The Taldau API answer `GET /ru/Api/GetIndexData/{indexId}?period=7&dics=67`, stored as returned.

A JSON list with one item per territory of the `Регионы` dictionary (dics=67):
`{"terms": ["741880"], "termNames": ["РЕСПУБЛИКА КАЗАХСТАН"],
  "periods": [{"name": "2004 год", "date": "31.12.2004", "value": "115.5"}, ...]}`.
Values are strings as published (`"x"` = confidential; the loader maps publisher symbols to NULL
with a flag). `period=7` is the annual series: `date` is 31 December of the year and `name` says
the same year. The indicator is not named in the answer: the registry gives it
(`options.measure_as_written`, e.g. `Taldau 704447`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.errors import LayoutDriftError
from ingest.parsers.base import PublishedCell
from ingest.parsers.periods import parse_period_label

ITEM_KEYS = ("terms", "termNames", "periods")
PERIOD_KEYS = ("name", "date", "value")
_DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")


def read_index_data(doc: Any, file: str) -> list[dict[str, Any]]:
    """Check the shape of a GetIndexData answer; raise LayoutDriftError naming what is wrong."""
    if not isinstance(doc, list) or not doc:
        raise LayoutDriftError(
            f"a non-empty JSON list of territories expected, found {type(doc).__name__}"
            + (" (empty)" if isinstance(doc, list) else ""),
            file=file,
        )
    for i, item in enumerate(doc):
        where = dict(file=file, column=f"[{i}]")
        if not isinstance(item, dict):
            raise LayoutDriftError(f"item is {type(item).__name__}, not an object", **where)
        missing = [k for k in ITEM_KEYS if k not in item]
        if missing:
            raise LayoutDriftError(f"keys missing: {missing}; found {sorted(item)}", **where)
        names = item["termNames"]
        if not (isinstance(names, list) and len(names) == 1 and isinstance(names[0], str)):
            raise LayoutDriftError(
                f"termNames must name one territory (dics=67 only), found {names!r}", **where
            )
        if not isinstance(item["periods"], list):
            raise LayoutDriftError("periods must be a list", **where)
        for j, period in enumerate(item["periods"]):
            if not isinstance(period, dict) or any(k not in period for k in PERIOD_KEYS):
                raise LayoutDriftError(
                    f"period must be an object with {list(PERIOD_KEYS)}, found {period!r}",
                    file=file, column=f"[{i}].periods[{j}]",
                )  # fmt: skip
    return doc


def taldau_json(path: Path, options: dict[str, Any]) -> Iterator[PublishedCell]:
    with open(path, encoding="utf-8-sig") as fh:
        try:
            doc = json.load(fh)
        except json.JSONDecodeError as exc:
            raise LayoutDriftError(f"not valid JSON: {exc}", file=path.name) from None
    items = read_index_data(doc, path.name)
    measure = options["measure_as_written"]
    position = 0
    for i, item in enumerate(items):
        region = item["termNames"][0].strip()
        for j, period in enumerate(item["periods"]):
            position += 1
            column = f"[{i}].periods[{j}]"
            where = dict(file=path.name, row=position, column=column)
            match = _DATE.match(str(period["date"]).strip())
            if not match or (match[1], match[2]) != ("31", "12"):
                raise LayoutDriftError(
                    f"annual date 31.12.YYYY expected (period=7), found {period['date']!r}", **where
                )
            year = int(match[3])
            name_year, _, name_type = parse_period_label(period["name"], **where)
            if (name_year, name_type) != (year, "year"):
                raise LayoutDriftError(
                    f"period name {period['name']!r} does not say the year of date "
                    f"{period['date']!r}",
                    **where,
                )
            value = period["value"]
            yield PublishedCell(
                sheet=None, row_number=position, column_name=f"{column}.value",
                measure_as_written=measure, region_as_written=region,
                period_as_written=str(period["name"]), year=year, period=str(year),
                period_type="year", raw_value=value if value is not None else "",
            )  # fmt: skip
