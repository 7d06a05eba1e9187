"""JSON tables keyed by 9-digit KATO code:
{indicator, unit, periods, values: {period: {kato: value}}}."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.errors import LayoutDriftError
from ingest.parsers.base import PublishedCell
from ingest.parsers.periods import parse_period_label

REQUIRED_KEYS = ("indicator", "unit", "periods", "values")


def kato_json(path: Path, options: dict[str, Any]) -> Iterator[PublishedCell]:
    with open(path, encoding="utf-8") as fh:
        try:
            doc = json.load(fh)
        except json.JSONDecodeError as exc:
            raise LayoutDriftError(f"not valid JSON: {exc}", file=path.name) from None
    missing = [k for k in REQUIRED_KEYS if k not in doc]
    if missing:
        raise LayoutDriftError(f"JSON keys missing: {missing}", file=path.name)
    expected_unit = options.get("unit_as_written")
    if expected_unit and doc["unit"] != expected_unit:
        raise LayoutDriftError(f"unit {expected_unit!r} expected, found {doc['unit']!r}",
                               file=path.name, column="unit")  # fmt: skip
    position = 0
    for period_label, by_region in doc["values"].items():
        where = dict(file=path.name, column=f"values.{period_label}")
        if not re.fullmatch(r"\d{4}(-Q[1-4])?", period_label):
            raise LayoutDriftError(f"period key YYYY or YYYY-Qn expected, found {period_label!r}",
                                   **where)  # fmt: skip
        year, period, ptype = parse_period_label(period_label, **where)
        for code, value in by_region.items():
            position += 1
            yield PublishedCell(
                sheet=None, row_number=position, column_name=f"values.{period_label}.{code}",
                measure_as_written=doc["indicator"], region_as_written=code,
                period_as_written=period_label, year=year, period=period, period_type=ptype,
                raw_value=value,
            )  # fmt: skip
