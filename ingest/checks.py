"""Checks at ingest that need no model: plausible periods, counts that are integers in range, and
one cell per natural key. They run while a file is parsed (row by row) or judged (bulk), before
the loader's transaction, so a file that fails one never replaces its landed rows: it is
recorded as failed and the refresh stops at ingest with the file, row and column named.

The ranges are configuration: a period's year lies between the source's `first_period_year`
(ingest/source_registry.yml; default: that of ingest/ingest_checks.yml) and the year of the load;
a count (a measure listed in `count_measures` of ingest/ingest_checks.yml) is an integer in
[0, count_max], or in
[-count_max, count_max] when the measure is signed, and may hold a fraction only when the
registry says so.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ingest.errors import IngestError

if TYPE_CHECKING:
    from ingest.registry import SourceEntry


class ImplausiblePeriodError(IngestError):
    """A period's year lies before the source's first year or after the year of the load."""


class ImplausibleCountError(IngestError):
    """A count is negative, fractional or too large for a count of persons."""


class DuplicateKeyError(IngestError):
    """Two rows of one file hold the same natural key (period, region(s), measure, breakdowns)."""


REGISTRY = "ingest/source_registry.yml"
CHECKS_FILE = "ingest/ingest_checks.yml"


def load_year() -> int:
    return datetime.now(UTC).year


def year_problem(year: int, entry: SourceEntry, last_year: int | None = None) -> str | None:
    """Why `year` is not a plausible period of `entry`'s source, or None."""
    last_year = last_year or load_year()
    if year > last_year:
        return (
            f"period year {year} is after the year of the load ({last_year}): an impossible "
            "date; correct it in the file"
        )
    if year < entry.first_period_year:
        return (
            f"period year {year} is before the first year of source {entry.id!r} "
            f"({entry.first_period_year}); correct the file, or lower its first_period_year in "
            f"{REGISTRY} if the source really starts earlier"
        )
    return None


class CountRule:
    """The bounds of one count measure."""

    def __init__(self, entry: SourceEntry, measure: str | None) -> None:
        checks = entry.checks
        rule = checks.count_measures.get(measure) if checks and measure else None
        self.applies = rule is not None
        self.measure = measure
        self.maximum = checks.count_max if checks else 0
        self.minimum = -self.maximum if rule is not None and rule.signed else 0
        self.whole = rule is not None and not rule.fractional

    def problem(self, value: float) -> str | None:
        """Why `value` is not a plausible count, or None."""
        if not self.applies:
            return None
        if value != value:  # NaN
            return f"a count of {self.measure} cannot be NaN; correct it in the file"
        if value < self.minimum:
            return (
                f"{value:g} is negative: a count of {self.measure} cannot be; correct it in the "
                "file"
            )
        if value > self.maximum or value < -self.maximum:
            return (
                f"{value:g} is outside the range of a count of {self.measure} "
                f"[{self.minimum}, {self.maximum}] (count_max in {CHECKS_FILE}); correct it "
                "in the file"
            )
        if self.whole and value != int(value):
            return (
                f"{value:g} is not a whole number: a count of {self.measure} is; correct it in "
                f"the file (or mark the measure fractional in {CHECKS_FILE})"
            )
        return None

    def sql_violation(self, column: str = "value") -> str | None:
        """A SQL condition true for a value this rule refuses (None: no rule)."""
        if not self.applies:
            return None
        whole = f" or {column} <> trunc({column})" if self.whole else ""
        return f"(isnan({column}) or {column} < {self.minimum} or {column} > {self.maximum}{whole})"


class CellChecks:
    """The row-by-row path's checks, fed one parsed cell at a time (ingest/loader.py)."""

    def __init__(self, entry: SourceEntry, source_file: str) -> None:
        self.entry, self.source_file = entry, source_file
        self.last_year = load_year()
        self.rules: dict[str | None, CountRule] = {}
        self.seen: dict[tuple, tuple[str | None, int, str]] = {}

    def check(self, cell, measure: str | None, value: float | None) -> None:
        where = dict(file=self.source_file, sheet=cell.sheet, row=cell.row_number)
        problem = year_problem(cell.year, self.entry, self.last_year)
        if problem:
            raise ImplausiblePeriodError(
                f"{problem} (period as written: {cell.period_as_written!r})",
                **where,
                column=cell.period_column or cell.column_name,
            )
        if value is not None:
            rule = self.rules.get(measure) or self.rules.setdefault(
                measure, CountRule(self.entry, measure)
            )
            problem = rule.problem(value)
            if problem:
                raise ImplausibleCountError(problem, **where, column=cell.column_name)
        key = (
            cell.period_type, cell.period, (cell.region_as_written or "").strip(),
            (cell.destination_as_written or "").strip(), cell.measure_as_written.strip(),
        )  # fmt: skip
        first = self.seen.setdefault(key, (cell.sheet, cell.row_number, cell.column_name))
        if first != (cell.sheet, cell.row_number, cell.column_name):
            raise DuplicateKeyError(
                duplicate_message(
                    first[1], cell.row_number, describe_key(key), (first[0], cell.sheet)
                ),
                **where,
                column=cell.column_name,
            )


def describe_key(key: tuple) -> str:
    _type, period, region, destination, measure = key
    places = f"{region} -> {destination}" if destination else region
    return f"period {period}, {places}, measure {measure!r}"


def duplicate_message(
    first_row: int, second_row: int, key: str, sheets: tuple[str | None, str | None] = (None, None)
) -> str:
    if sheets[0] == sheets[1]:
        where = f"rows {first_row} and {second_row} of " + (
            f"sheet {sheets[0]!r}" if sheets[0] else "the file"
        )
    else:
        where = (
            f"row {first_row} of sheet {sheets[0]!r} and row {second_row} of sheet {sheets[1]!r}"
        )
    return (
        f"{where} hold the same cell ({key}): a repeated row would be summed downstream; delete "
        "one of them"
    )
