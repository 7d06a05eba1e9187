"""DuckDB-native landing of origin-destination CSV files (parser key `od_flows_csv_bulk`).

The Python path (`od_flows_csv` + `loader.cells_to_frame`) builds one object per cell: right for
the real 3,040-row matrix, far too slow for district-level files of 10^8 rows. This path reads the
file with DuckDB twice and never holds its rows in Python:

1. plan (before any write): one grouped scan collects what needs judging — the distinct
   (year, region name) pairs, months, breakdown combinations and every value text that is not a
   plain integer — and the row count. Python judges those few distinct values with the very
   functions the row-by-row path uses (`as_year`, `RegionResolver.resolve`, `parse_number`,
   `SourceEntry.mapping_for`), so both paths accept, reject and land exactly the same things.
   Any problem raises the same IngestError, naming file, row and column, before anything is
   written (the loader then records the file as failed and keeps its previous rows).
2. insert (inside the loader's transaction): one INSERT ... SELECT over the file, joined to the
   small judged tables; row numbers, observation ids (SHA-256, as in `loader.observation_id`)
   and lineage are computed in SQL.

Layout: the registry's `columns` as for `od_flows_csv` (year, origin, destination, value), plus
optional `month` (a column of month numbers 1-12: periods become `YYYY-MM`) and `breakdowns`
(columns such as sex and age group; their values are part of the indicator as written,
`N | sex: female; age_group: 25-29`, as `bns_export` does, so map the measure with `*`).
Region names resolve as in the Python path; with `resolve_districts: true`, a 9-digit code that
is not a region but starts with a region's KATO prefix is a district of that region: raw keeps the
district as written and `origin_code`/`destination_code` hold its region (the warehouse's grain).

`memory_limit` and `threads` (registry options, or KZM_INGEST_MEMORY_LIMIT / KZM_INGEST_THREADS)
bound DuckDB while this file lands.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from ingest.errors import IngestError, LayoutDriftError
from ingest.numbers import parse_number
from ingest.raw_store import OD_COLUMNS
from ingest.regions import RegionResolver, region_codes

if TYPE_CHECKING:  # imported when a file is judged: importing the parsers stays cheap
    import pandas as pd

_PLAIN_INTEGER = "[0-9]{1,15}"  # parsed in SQL; every other text is judged by parse_number
_KATO = re.compile(r"\d{9}")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class BulkODLanding:
    """A judged file, ready to insert. `rows` is its number of data rows."""

    path: Path
    source_id: str
    source_file: str
    sha: str
    header: list[str]
    columns: dict[str, Any]
    delimiter: str
    encoding: str
    rows: int
    names: pd.DataFrame  # year_text, name, year, code
    periods: pd.DataFrame  # year_text, month_text, period_as_written, period, period_type
    measures: pd.DataFrame  # bd_key, measure_as_written, measure, unit, flow_scope
    odd_values: pd.DataFrame  # value_text, value, value_flag
    settings: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return self.rows

    def no_rows(self) -> pd.DataFrame:
        """An empty frame: raw_store.replace_file_rows then only clears the file's old rows."""
        import pandas as pd

        return pd.DataFrame()

    def insert_rows(self, con, table: str, load_id: str, loaded_at) -> int:
        """INSERT the file's rows into raw.<table> (the caller holds the transaction)."""
        if table != "od_flows":
            raise IngestError(f"od_flows_csv_bulk lands raw.od_flows, not raw.{table}")
        judged = {
            "bulk_names": (
                self.names,
                "year_text varchar, name varchar, year integer, code varchar",
            ),
            "bulk_periods": (
                self.periods,
                "year_text varchar, month_text varchar, "
                "period_as_written varchar, period varchar, period_type varchar",
            ),
            "bulk_measures": (
                self.measures,
                "bd_key varchar, measure_as_written varchar, "
                "measure varchar, unit varchar, flow_scope varchar",
            ),
            "bulk_odd_values": (
                self.odd_values,
                "value_text varchar, value double, value_flag varchar",
            ),
        }
        with _settings(con, self.settings):
            try:
                for name, (frame, ddl) in judged.items():  # small typed tables, this connection
                    con.execute(f"create or replace temp table {name} ({ddl})")
                    if len(frame):
                        con.register("bulk_frame", frame)
                        con.execute(f"insert into {name} select * from bulk_frame")
                        con.unregister("bulk_frame")
                con.execute(self._insert_sql(table), [load_id, loaded_at])
            finally:
                for name in judged:
                    con.execute(f"drop table if exists temp.{name}")
        return self.rows

    def _insert_sql(self, table: str) -> str:
        c = self.columns
        value_col = c["value"]
        month = f"coalesce({_ident(c['month'])}, '')" if c.get("month") else "''"
        file_rows = f"""
            select
                row_number() over () + 1 as rn,
                coalesce({_ident(c["year"])}, '') as year_text,
                {month} as month_text,
                coalesce({_ident(c["origin"])}, '') as origin,
                coalesce({_ident(c["destination"])}, '') as destination,
                {_breakdown_key(c)} as bd_key,
                coalesce({_ident(value_col)}, '') as value_text
            from {_read_csv(self.path, self.header, self.delimiter, self.encoding)}
        """
        sha, column = _quote(self.sha), _quote(value_col)
        select = {
            # = loader.observation_id: sha256("<file sha>|<sheet>|<row>|<column>")[:24]
            "observation_id": (
                f"left(sha256({sha} || '||' || f.rn::varchar || '|' || {column}), 24)"
            ),
            "origin_as_written": "f.origin",
            "origin_code": "o.code",
            "destination_as_written": "f.destination",
            "destination_code": "d.code",
            "measure_as_written": "m.measure_as_written",
            "measure": "m.measure",
            "unit": "m.unit",
            "flow_scope": "m.flow_scope",
            "period_as_written": "p.period_as_written",
            "period_type": "p.period_type",
            "year": "o.year",
            "period": "p.period",
            "value_text": "f.value_text",
            "value": (
                f"case when regexp_full_match(f.value_text, '{_PLAIN_INTEGER}') "
                "then f.value_text::double else v.value end"
            ),
            "value_flag": "v.value_flag",
            "source_id": _quote(self.source_id),
            "source_file": _quote(self.source_file),
            "file_sha256": sha,
            "sheet": "null::varchar",
            "row_number": "f.rn::integer",
            "column_name": column,
            "load_id": "$1::varchar",
            "loaded_at": "$2::timestamp",
        }
        assert list(select) == OD_COLUMNS
        return f"""
            insert into raw.{table} ({", ".join(OD_COLUMNS)})
            select {", ".join(select.values())}
            from ({file_rows}) as f
            join bulk_names as o on o.year_text = f.year_text and o.name = f.origin
            join bulk_names as d on d.year_text = f.year_text and d.name = f.destination
            join bulk_periods as p on p.year_text = f.year_text and p.month_text = f.month_text
            join bulk_measures as m on m.bd_key = f.bd_key
            left join bulk_odd_values as v on v.value_text = f.value_text
        """


class _settings:
    """Set DuckDB settings for a block and restore the previous values."""

    def __init__(self, con, settings: dict[str, str]) -> None:
        self.con, self.settings, self.previous = con, settings, {}

    def __enter__(self):
        for name, value in self.settings.items():
            self.previous[name] = self.con.execute(f"select current_setting('{name}')").fetchone()[
                0
            ]
            self.con.execute(f"set {name} = {_quote(str(value))}")
        return self

    def __exit__(self, *exc):
        for name, value in self.previous.items():
            self.con.execute(f"set {name} = {_quote(str(value))}")


def _breakdown_key(columns: dict[str, Any]) -> str:
    parts = [f"coalesce({_ident(b)}, '')" for b in columns.get("breakdowns") or []]
    if not parts:
        return "''"
    return " || chr(31) || ".join(parts)


def _read_csv(path: Path, header: list[str], delimiter: str, encoding: str) -> str:
    types = "{" + ", ".join(f"{_quote(h)}: 'varchar'" for h in header) + "}"
    return (
        f"read_csv({_quote(str(path))}, header = true, auto_detect = false, columns = {types}, "
        f"delim = {_quote(delimiter)}, quote = '\"', escape = '\"', strict_mode = true, "
        f"allow_quoted_nulls = false, null_padding = false, encoding = {_quote(encoding)})"
    )


def _read_header(path: Path, delimiter: str, encoding: str) -> list[str]:
    with open(path, newline="", encoding=encoding) as fh:
        return next(csv.reader(fh, delimiter=delimiter), [])


def _settings_for(options: dict[str, Any]) -> dict[str, str]:
    out = {}
    memory = options.get("memory_limit") or os.environ.get("KZM_INGEST_MEMORY_LIMIT")
    threads = options.get("threads") or os.environ.get("KZM_INGEST_THREADS")
    if memory:
        out["memory_limit"] = str(memory)
    if threads:
        out["threads"] = str(int(threads))
    return out


class OdFlowsCsvBulk:
    """The parser registered as `od_flows_csv_bulk`: plans a DuckDB landing instead of yielding
    cells (the loader calls `plan_landing`)."""

    def __call__(self, path: Path, options: dict[str, Any]):
        raise TypeError("od_flows_csv_bulk lands through DuckDB: use plan_landing")

    def plan_landing(
        self, path: Path, entry, *, source_file: str, sha: str, resolver: RegionResolver
    ) -> BulkODLanding:
        from ingest.parsers.base import require_columns  # not at import: ingest.parsers imports us

        options = entry.options
        cols = options["columns"]
        delimiter = options.get("delimiter", ",")
        encoding = options.get("encoding", "utf-8-sig")
        header = _read_header(path, delimiter, encoding)
        breakdowns = list(cols.get("breakdowns") or [])
        expected = [
            cols["year"],
            *([cols["month"]] if cols.get("month") else []),
            cols["origin"],
            cols["destination"],
            *breakdowns,
            cols["value"],
        ]
        require_columns(header, expected, file=path.name)
        duck_encoding = (
            "utf-8" if encoding.lower().replace("_", "-") in ("utf-8-sig", "utf8") else encoding
        )
        settings = _settings_for(options)
        scan = _read_csv(path, header, delimiter, duck_encoding)
        month = f"coalesce({_ident(cols['month'])}, '')" if cols.get("month") else "''"
        with duckdb.connect() as con, _settings(con, settings):
            con.execute("set enable_progress_bar = false")
            try:
                groups = con.execute(f"""
                    with f as (
                        select
                            coalesce({_ident(cols["year"])}, '') as year_text,
                            {month} as month_text,
                            coalesce({_ident(cols["origin"])}, '') as origin,
                            coalesce({_ident(cols["destination"])}, '') as destination,
                            {_breakdown_key(cols)} as bd_key,
                            case when not regexp_full_match(coalesce({_ident(cols["value"])}, ''),
                                                            '{_PLAIN_INTEGER}')
                                 then coalesce({_ident(cols["value"])}, '') end as odd_value
                        from {scan}
                    )
                    select grouping(year_text, month_text, origin, destination, bd_key, odd_value)
                               as g,
                           year_text, month_text, origin, destination, bd_key, odd_value,
                           count(*) as n
                    from f
                    group by grouping sets ((year_text, origin), (year_text, destination),
                                            (year_text, month_text), (bd_key), (odd_value), ())
                """).fetchall()
            except duckdb.Error as exc:
                raise LayoutDriftError(
                    f"could not read the file as CSV: {str(exc).splitlines()[0]}", file=source_file
                ) from None
            first_row = _FirstRow(con, scan, cols, path.name)
            return _judge(
                path,
                entry,
                source_file,
                sha,
                resolver,
                header,
                cols,
                delimiter,
                duck_encoding,
                settings,
                groups,
                first_row,
            )


class _FirstRow:
    """Row number (header = 1) of the first row where `column` holds `value` (error messages)."""

    def __init__(self, con, scan: str, cols: dict[str, Any], file: str) -> None:
        self.con, self.scan, self.cols, self.file = con, scan, cols, file

    def __call__(self, column: str, value: str, year_text: str | None = None) -> int | None:
        cond = f"coalesce({_ident(column)}, '') = ?"
        params = [value]
        if year_text is not None:
            cond += f" and coalesce({_ident(self.cols['year'])}, '') = ?"
            params.append(year_text)
        row = self.con.execute(
            f"select min(rn) from (select row_number() over () + 1 as rn, * from {self.scan}) "
            f"where {cond}",
            params,
        ).fetchone()
        return row[0] if row else None


# grouping() bit masks of the six grouped columns (1 = not in the grouping set)
_G = {
    name: 1 << (5 - i)
    for i, name in enumerate(
        ("year_text", "month_text", "origin", "destination", "bd_key", "odd_value")
    )
}
_ALL = 0b111111


def _only(*names: str) -> int:
    return _ALL & ~sum(_G[n] for n in names)


def _judge(
    path,
    entry,
    source_file,
    sha,
    resolver,
    header,
    cols,
    delimiter,
    encoding,
    settings,
    groups,
    first_row,
) -> BulkODLanding:
    import pandas as pd

    from ingest.parsers.base import as_year

    by_set: dict[int, list[tuple]] = {}
    for g, *values, n in groups:  # grouped texts are coalesced to '' in SQL: None is ''
        values = [v if v is not None or i == 5 else "" for i, v in enumerate(values)]
        by_set.setdefault(g, []).append((*values, n))
    total = sum(r[-1] for r in by_set.get(_ALL, []))
    if total == 0:
        raise IngestError("the file holds no data rows", file=source_file)

    def fail(exc: IngestError, column: str, value: str, year_text: str | None = None):
        row = exc.row if exc.row and exc.row > 1 else first_row(column, value, year_text)
        raise type(exc)(exc.bare_message, file=source_file, row=row, column=column) from None

    years: dict[str, int] = {}
    year_texts = sorted({r[0] for r in by_set.get(_only("year_text", "month_text"), [])})
    for text in year_texts:
        try:
            years[text] = as_year(text, file=path.name, sheet=None, row=0, column=cols["year"])
        except IngestError as exc:
            fail(exc, cols["year"], text)
    known = region_codes()
    prefixes = {code[:2] for code in known}
    names = []
    pairs = {(r[0], r[2]) for r in by_set.get(_only("year_text", "origin"), [])}
    pairs |= {(r[0], r[3]) for r in by_set.get(_only("year_text", "destination"), [])}
    resolve = dict(naming=entry.region_naming, source_id=entry.id)
    for year_text, name in sorted(pairs):
        code_text = name.strip()
        if (
            entry.options.get("resolve_districts")
            and _KATO.fullmatch(code_text)
            and code_text not in known
            and code_text[:2] in prefixes
        ):
            code = code_text[:2] + "0000000"  # a district: its region, by KATO prefix
        else:
            try:
                code = resolver.resolve(name, year=years[year_text], **resolve)
            except IngestError as exc:
                column = cols["origin"]
                if first_row(cols["origin"], name, year_text) is None:
                    column = cols["destination"]
                fail(exc, column, name, year_text)
        names.append((year_text, name, years[year_text], code))
    periods = []
    for year_text, month_text, *_ in by_set.get(_only("year_text", "month_text"), []):
        year = years[year_text]
        if not cols.get("month"):
            periods.append((year_text, month_text, year_text, str(year), "year"))
            continue
        text = month_text.strip()
        if not (text.isdigit() and 1 <= int(text) <= 12):
            fail(
                LayoutDriftError(f"month must be a number 1-12, found {month_text!r}"),
                cols["month"],
                month_text,
            )
        periods.append(
            (year_text, month_text, f"{year_text} {month_text}", f"{year}-{int(text):02d}", "month")
        )
    measures = []
    breakdowns = list(cols.get("breakdowns") or [])
    for *_, bd_key, _odd, _n in by_set.get(_only("bd_key"), []):
        written = cols["value"]
        if breakdowns:
            values = bd_key.split("\x1f")
            written += " | " + "; ".join(
                f"{b}: {v}" for b, v in zip(breakdowns, values, strict=True)
            )
        mapping = entry.mapping_for(written)
        if mapping is None and not entry.land_unmapped_measures:
            raise IngestError(
                f"indicator {written!r} is not in the registry entry {entry.id!r} "
                "(add it to ingest/source_registry.yml)",
                file=source_file,
                column=cols["value"],
            )
        measures.append(
            (
                bd_key,
                written,
                *(
                    (mapping.measure, mapping.unit, mapping.flow_scope)
                    if mapping
                    else (None, None, None)
                ),
            )
        )
    odd = []
    for *_, text, _n in by_set.get(_only("odd_value"), []):
        if text is None:
            continue
        try:
            parsed = parse_number(text)
        except IngestError as exc:
            fail(exc, cols["value"], text)
        odd.append((text, parsed.value, parsed.flag))
    return BulkODLanding(
        path=path,
        source_id=entry.id,
        source_file=source_file,
        sha=sha,
        header=header,
        columns=cols,
        delimiter=delimiter,
        encoding=encoding,
        rows=total,
        names=pd.DataFrame(names, columns=["year_text", "name", "year", "code"]).astype(
            {"year": "int32"}
        ),
        periods=pd.DataFrame(
            periods,
            columns=["year_text", "month_text", "period_as_written", "period", "period_type"],
        ),
        measures=pd.DataFrame(
            measures, columns=["bd_key", "measure_as_written", "measure", "unit", "flow_scope"]
        ).astype(object),
        odd_values=pd.DataFrame(odd, columns=["value_text", "value", "value_flag"]).astype(
            {"value": "float64", "value_flag": object}
        ),
        settings=settings,
    )


od_flows_csv_bulk = OdFlowsCsvBulk()
