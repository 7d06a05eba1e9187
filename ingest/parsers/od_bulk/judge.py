"""Judge a bulk landing's texts: every distinct text that occurs in the file (years, months,
places, breakdowns, odd value texts; grouped as the exact plan's grouping sets) is judged by the
functions the row-by-row path uses (`as_year`, `RegionResolver.resolve`, `parse_number`,
`SourceEntry.mapping_for`) and by the checks at ingest (ingest/checks.py), so both paths accept,
reject and land exactly the same things. The first text refused raises its IngestError naming
file, row and column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ingest.checks import ImplausiblePeriodError, year_problem
from ingest.errors import IngestError, LayoutDriftError
from ingest.numbers import parse_number
from ingest.parsers.base import as_year
from ingest.parsers.od_bulk.layout import ALL, KATO, FirstRow, breakdowns, only
from ingest.regions import region_codes

if TYPE_CHECKING:  # annotations only (the landing calls the judge)
    import pandas as pd

    from ingest.parsers.od_bulk.land import BulkODLanding

PERIOD_COLUMNS = ["year_text", "month_text", "period_as_written", "period", "period_type", "year"]
MEASURE_COLUMNS = [
    "bd_key", "measure_as_written", "sex", "age_group", "measure", "unit", "flow_scope",
]  # fmt: skip


@dataclass
class Judged:
    names: pd.DataFrame  # year_text, name, year, code
    periods: pd.DataFrame  # year_text, month_text, period_as_written, period, period_type, year
    measures: pd.DataFrame  # bd_key, measure_as_written, sex, age_group, measure, unit, scope
    odd_values: pd.DataFrame  # value_text, value, value_flag


class _Judge:
    """One landing's judging: the grouped texts, and how to name the row of a refused one."""

    def __init__(self, landing: BulkODLanding, groups: list[tuple], first_row: FirstRow) -> None:
        self.landing, self.first_row = landing, first_row
        self.entry, self.cols = landing.entry, landing.columns
        self.by_set: dict[int, list[tuple]] = {}
        for g, *values, n in groups:  # grouped texts are coalesced to '' in SQL: None is ''
            values = [v if v is not None or i == 5 else "" for i, v in enumerate(values)]
            self.by_set.setdefault(g, []).append((*values, n))

    def rows_of(self, *names: str) -> list[tuple]:
        return self.by_set.get(only(*names), [])

    def fail(self, exc: IngestError, column: str, value: str, year_text: str | None = None):
        row = exc.row if exc.row and exc.row > 1 else self.first_row(column, value, year_text)
        raise type(exc)(
            exc.bare_message, file=self.landing.source_file, row=row, column=column
        ) from None

    def years(self) -> dict[str, int]:
        """{year text: year}, each a year and a plausible period of the source."""
        years: dict[str, int] = {}
        column = self.cols["year"]
        for text in sorted({r[0] for r in self.rows_of("year_text", "month_text")}):
            try:
                years[text] = as_year(
                    text, file=self.landing.path.name, sheet=None, row=0, column=column
                )
            except IngestError as exc:
                self.fail(exc, column, text)
            problem = year_problem(years[text], self.entry)
            if problem:
                self.fail(ImplausiblePeriodError(f"{problem} (as written: {text!r})"), column, text)
        return years

    def places(self, years: dict[str, int]) -> list[tuple]:
        """(year text, name, year, region code) of every place of every year."""
        known = region_codes()
        prefixes = {code[:2] for code in known}
        pairs = {(r[0], r[2]) for r in self.rows_of("year_text", "origin")}
        pairs |= {(r[0], r[3]) for r in self.rows_of("year_text", "destination")}
        resolve = dict(naming=self.entry.region_naming, source_id=self.entry.id)
        districts = self.entry.options.get("resolve_districts")
        names = []
        for year_text, name in sorted(pairs):
            code_text = name.strip()
            if (
                districts
                and KATO.fullmatch(code_text)
                and code_text not in known
                and code_text[:2] in prefixes
            ):
                code = code_text[:2] + "0000000"  # a district: its region, by KATO prefix
            else:
                try:
                    code = self.landing.resolver.resolve(name, year=years[year_text], **resolve)
                except IngestError as exc:
                    column = self.cols["origin"]
                    if self.first_row(column, name, year_text) is None:
                        column = self.cols["destination"]
                    self.fail(exc, column, name, year_text)
            names.append((year_text, name, years[year_text], code))
        return names

    def periods(self, years: dict[str, int]) -> list[tuple]:
        """A row of PERIOD_COLUMNS for each (year text, month text) that occurs."""
        periods = []
        for year_text, month_text, *_ in self.rows_of("year_text", "month_text"):
            year = years[year_text]
            if not self.cols.get("month"):
                periods.append((year_text, month_text, year_text, str(year), "year", year))
                continue
            text = month_text.strip()
            if not (text.isdigit() and 1 <= int(text) <= 12):
                self.fail(
                    LayoutDriftError(f"month must be a number 1-12, found {month_text!r}"),
                    self.cols["month"], month_text,
                )  # fmt: skip
            period = f"{year}-{int(text):02d}"
            periods.append((year_text, month_text, f"{year_text} {month_text}", period, "month",
                            year))  # fmt: skip
        return periods

    def measures(self) -> list[tuple]:
        """A row of MEASURE_COLUMNS for each breakdown that occurs."""
        written = self.cols["value"]  # the indicator as written: the value column's header
        mapping = self.entry.mapping_for(written)
        if mapping is None and not self.entry.land_unmapped_measures:
            raise IngestError(
                f"indicator {written!r} is not in the registry entry {self.entry.id!r} "
                "(add it to ingest/source_registry.yml)",
                file=self.landing.source_file, column=written,
            )  # fmt: skip
        meaning = (mapping.measure, mapping.unit, mapping.flow_scope) if mapping else (None,) * 3
        columns = breakdowns(self.cols)
        measures = []
        for *_, bd_key, _odd, _n in self.rows_of("bd_key"):
            values = dict(zip(columns, bd_key.split("\x1f"), strict=True)) if columns else {}
            measures.append((bd_key, written, values.get("sex"), values.get("age_group"),
                             *meaning))  # fmt: skip
        return measures

    def odd_values(self) -> list[tuple]:
        """(text, value, flag) of every value text that is not a plain integer."""
        odd = []
        for *_, text, _n in self.rows_of("odd_value"):
            if text is None:
                continue
            try:
                parsed = parse_number(text)
            except IngestError as exc:
                self.fail(exc, self.cols["value"], text)
            odd.append((text, parsed.value, parsed.flag))
        return odd


def judge(landing: BulkODLanding, groups: list[tuple], first_row: FirstRow) -> Judged:
    """Judge every text that occurs; raise the IngestError (file, row, column) of the first one
    refused. Returns the texts as the file's dictionaries."""
    import pandas as pd

    judging = _Judge(landing, groups, first_row)
    if sum(r[-1] for r in judging.by_set.get(ALL, [])) == 0:
        raise IngestError("the file holds no data rows", file=landing.source_file)
    years = judging.years()
    names: Any = pd.DataFrame(judging.places(years), columns=["year_text", "name", "year", "code"])
    return Judged(
        names=names.astype({"year": "int32"}),
        periods=pd.DataFrame(judging.periods(years), columns=PERIOD_COLUMNS),
        measures=pd.DataFrame(judging.measures(), columns=MEASURE_COLUMNS).astype(object),
        odd_values=pd.DataFrame(
            judging.odd_values(), columns=["value_text", "value", "value_flag"]
        ).astype({"value": "float64", "value_flag": object}),
    )
