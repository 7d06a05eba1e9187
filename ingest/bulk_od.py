"""DuckDB-native landing of origin-destination CSV files (parser key `od_flows_csv_bulk`).

The Python path (`od_flows_csv` + `loader.cells_to_frame`) builds one object per cell: right for
the real 3,040-row matrix, far too slow for district-level files of 10^8 rows. This path never
holds the file's rows in Python and, as a rule, reads the file with DuckDB once:

1. plan (`plan_landing`, before any write): the header is checked and a few evenly spaced
   windows of the file are read to collect *candidate* texts for each dictionary column (years,
   months, places, breakdowns, odd value texts), plus every plausible year and month number.
   Candidates are only a guess at the file's vocabulary: nothing is judged or landed from them.
2. land (`prepare`): one scan writes every cell to a scratch table as integer keys (`try_cast`
   to ENUM types of the candidates: a dictionary look-up, no joins) in file order, committed on
   its own. A text that is not a candidate gets a NULL key.
3. check: one scan of the scratch table counts NULL keys and collects, as bitmaps, the keys that
   occur. Only texts that occur are judged, by the very functions the row-by-row path uses
   (`as_year`, `RegionResolver.resolve`, `parse_number`, `SourceEntry.mapping_for`), so both
   paths accept, reject and land exactly the same things; a problem raises the same IngestError,
   naming file, row and column (the loader then records the file as failed and keeps its
   previous rows; the scratch table is dropped).
   If any key is NULL (a text the windows missed), the landing falls back to the exact plan: one
   grouped scan of the file collects every distinct text, and step 2 runs again with those.
   Correctness never depends on the windows; only the number of scans does.
4. insert (inside the loader's transaction): the judged texts become the file's dictionaries in
   the compact OD tables (ingest/raw_store.py) and the scratch table becomes the file's cells
   table. Nothing per file is repeated per cell.

Layout: the registry's `columns` as for `od_flows_csv` (year, origin, destination, value), plus
optional `month` (a column of month numbers 1-12: periods become `YYYY-MM`) and `breakdowns`, a
mapping of raw breakdown columns (`sex`, `age_group`) to the file's columns; their values land as
written in raw.od_flows.sex / age_group, and the indicator as written is the value column's
header.
Region names resolve as in the Python path; with `resolve_districts: true`, a 9-digit code that
is not a region but starts with a region's KATO prefix is a district of that region: raw keeps the
district as written and `origin_code`/`destination_code` hold its region (the warehouse's grain).

`memory_limit` (default 3GB) and `threads` (registry options, or KZM_INGEST_MEMORY_LIMIT /
KZM_INGEST_THREADS) bound DuckDB while this file lands.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from ingest import raw_store
from ingest.checks import (
    CountRule,
    DuplicateKeyError,
    ImplausibleCountError,
    ImplausiblePeriodError,
    duplicate_message,
    year_problem,
)
from ingest.errors import IngestError, LayoutDriftError
from ingest.numbers import parse_number
from ingest.regions import RegionResolver, region_codes

if TYPE_CHECKING:  # imported when a file is judged: importing the parsers stays cheap
    import pandas as pd

# Plain integer texts (raw_store.PLAIN_INTEGER_PATTERN) are parsed in SQL and not stored; every
# other text ("007", "1 234", "-") is judged by parse_number and kept as written.
_PLAIN_INTEGER = raw_store.PLAIN_INTEGER_PATTERN
_KATO = re.compile(r"\d{9}")

# Candidate windows: 64 x 128 KiB spread over the file (the whole file when it is smaller).
SAMPLE_WINDOWS = 64
SAMPLE_WINDOW_BYTES = 1 << 17
# Texts every file may hold whatever the windows saw: years and month numbers as BNS writes
# them, and the publisher's symbols (ingest/numbers.py).
_YEAR_CANDIDATES = [str(y) for y in range(1990, 2101)]
_MONTH_CANDIDATES = [str(m) for m in range(1, 13)] + [f"{m:02d}" for m in range(1, 10)]
_SYMBOL_CANDIDATES = ["-", "–", "—", "...", "…", "x", "X", "*"]
# The ENUM types of one landing, in the order of the scratch table's key columns.
_TYPES = ("bulk_years", "bulk_months", "bulk_names", "bulk_breakdowns", "bulk_value_texts")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class BulkODLanding:
    """A planned file. `prepare` lands and judges it; `rows` is then its number of data rows."""

    path: Path
    source_id: str
    source_file: str
    sha: str
    header: list[str]
    columns: dict[str, Any]
    delimiter: str
    encoding: str
    entry: Any  # the registry's SourceEntry
    resolver: RegionResolver
    candidates: dict[str, list[str]]  # ENUM type -> sorted candidate texts
    settings: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    # set by `prepare`: how the dictionaries were found ("windows" or "exact plan")
    dictionaries_from: str | None = None
    judged: _Judged | None = None

    def __len__(self) -> int:
        return self.rows

    def no_rows(self) -> pd.DataFrame:
        """An empty frame: raw_store.replace_file_rows then only clears the file's old rows."""
        import pandas as pd

        return pd.DataFrame()

    @property
    def scan(self) -> str:
        return _read_csv(self.path, self.header, self.delimiter, self.encoding)

    def prepare(self, con) -> None:
        """Land the cells in a scratch table committed on its own (before the loader's
        transaction), check every key, and judge the texts that occur. Raises IngestError for a
        file the row-by-row path would refuse; `cleanup` drops the scratch table whatever
        happened. Prepared once: the loader may prepare a landing while the file is hashed."""
        if self.judged is not None:
            return
        self.key = raw_store.next_od_file_key(con)
        quiet = {"preserve_insertion_order": "true", "enable_progress_bar": "false"}
        with _settings(con, self.settings | quiet):
            try:
                found = self._land(con, self.candidates)
                self.dictionaries_from = "windows"
                if found.misses:
                    # a text the windows did not see: find every distinct text, land again
                    con.execute(f"drop table {self.scratch}")
                    exact = _groups_types(_plan_groups(con, self.scan, self.columns))
                    found = self._land(con, exact)
                    self.dictionaries_from = "exact plan"
                    if found.misses:
                        raise RuntimeError(f"{self.source_file}: keys missing after the exact plan")
            except duckdb.Error as exc:
                raise LayoutDriftError(
                    f"could not read the file as CSV: {str(exc).splitlines()[0]}",
                    file=self.source_file,
                ) from None
            self.rows = found.rows
            first_row = _FirstRow(con, self.scan, self.columns, self.path.name)
            self.judged = _judge(self, found.groups(), first_row)
            odd = self.judged.odd_values
            if len(odd):  # the parsed values of the odd texts, by their ENUM order
                parsed = dict(zip(odd["value_text"], odd["value"], strict=True))
                items = (
                    "NULL" if parsed.get(t) is None or parsed[t] != parsed[t] else repr(parsed[t])
                    for t in self.enums.types["bulk_value_texts"]
                )
                values = f"[{', '.join(items)}]::double[]"
                con.execute(
                    f"update {self.scratch} set value = list_extract({values}, value_key) "
                    "where value_key is not null"
                )
            self._check_cells(con)

    def _check_cells(self, con) -> None:
        """The checks at ingest on every cell (ingest/checks.py), by two linear scans of the
        scratch table: counts in range, then one cell per natural key (a hash aggregate on one
        packed key). Raise the IngestError naming the row(s) and column."""
        mapping = self.entry.mapping_for(self.columns["value"])
        rule = CountRule(self.entry, mapping.measure if mapping else None)
        refused = rule.sql_violation()
        if refused:
            bad = con.execute(
                f"select rowid + 2, value from {self.scratch} where {refused} "
                "order by rowid limit 1"
            ).fetchone()
            if bad:
                raise ImplausibleCountError(
                    rule.problem(bad[1]) or f"{bad[1]!r} is not a count",
                    file=self.source_file, row=bad[0], column=self.columns["value"],
                )  # fmt: skip
        t = self.enums.types
        n_places = len(t["bulk_years"]) * len(t["bulk_names"]) + 1
        packed = (
            f"((period_key::hugeint * {n_places} + origin_key) * {n_places} + destination_key)"
            f" * {len(t['bulk_breakdowns']) + 1} + measure_key"
        )
        twin = con.execute(
            f"select any_value(period_key), any_value(origin_key), any_value(destination_key), "
            f"any_value(measure_key) from {self.scratch} group by {packed} "
            "having count(*) > 1 limit 1"
        ).fetchone()
        if twin:
            rows = [r for (r,) in con.execute(
                f"select rowid + 2 from {self.scratch} where period_key = {twin[0]} and "
                f"origin_key = {twin[1]} and destination_key = {twin[2]} "
                f"and measure_key = {twin[3]} order by rowid limit 2"
            ).fetchall()]  # fmt: skip
            raise DuplicateKeyError(
                duplicate_message(rows[0], rows[1], self._describe_key(*twin)),
                file=self.source_file, row=rows[1], column=self.columns["value"],
            )  # fmt: skip

    def _describe_key(self, period_key: int, origin_key: int, destination_key: int,
                      measure_key: int) -> str:  # fmt: skip
        t = self.enums.types
        years, months, names = t["bulk_years"], t["bulk_months"], t["bulk_names"]
        year, month = divmod(period_key - 1, len(months))
        period = years[year] + (f"-{months[month]}" if months[month] else "")
        origin = names[(origin_key - 1) % len(names)]
        destination = names[(destination_key - 1) % len(names)]
        breakdown = t["bulk_breakdowns"][measure_key - 1].replace("\x1f", ", ")
        measure = self.columns["value"] + (f" ({breakdown})" if breakdown else "")
        return f"period {period}, {origin} -> {destination}, measure {measure!r}"

    @property
    def scratch(self) -> str:
        return f"raw.bulk_landing_{self.key}"

    def _land(self, con, types: dict[str, list[str]]) -> _Found:
        """One scan of the file into the scratch table, keys cast from `types` (NULL: not in
        them); then one scan of the scratch table for its NULL keys and key bitmaps.

        Row numbers are not computed here: a window `row_number() over ()` runs single-threaded
        (twice the time); the scratch table's row ids are the file's order
        (`preserve_insertion_order`), checked to be exactly 0..n-1 when the table is adopted
        (raw_store.adopt_bulk_cells)."""
        self.enums = _Enums(types)
        try:
            for name, values in types.items():
                literals = ", ".join(_quote(v) for v in values)
                con.execute(f"create type raw.{name}_{self.key} as enum ({literals})")
            con.execute(f"create table {self.scratch} as {self._cells_sql()}")
        finally:
            for name in types:
                con.execute(f"drop type if exists raw.{name}_{self.key}")
        n = {name: len(values) for name, values in types.items()}
        ny, nm, nn = n["bulk_years"], n["bulk_months"], n["bulk_names"]
        maxima = {
            "period_key": ny * nm, "origin_key": ny * nn, "destination_key": ny * nn,
            "measure_key": n["bulk_breakdowns"], "value_key": n["bulk_value_texts"],
        }  # fmt: skip
        row = con.execute(f"""
            select count(*),
                   count(*) filter (where period_key is null or origin_key is null
                                    or destination_key is null or measure_key is null
                                    or (value is null and value_key is null)),
                   {", ".join(f"bitstring_agg({c}, 1, {m})::varchar" for c, m in maxima.items())}
            from {self.scratch}
        """).fetchone()
        rows, misses, *bitmaps = row
        occurring = {
            column: [i + 1 for i, bit in enumerate(bits or "") if bit == "1"]
            for column, bits in zip(maxima, bitmaps, strict=True)
        }
        return _Found(rows, misses, occurring, self.enums)

    def insert_rows(self, con, table: str, load_id: str, loaded_at) -> int:
        """Land the file's dictionaries and adopt its cells table (the caller holds the
        transaction; `prepare` has written and judged the cells)."""
        if table != "od_flows":
            raise IngestError(f"od_flows_csv_bulk lands raw.od_flows, not raw.{table}")
        for name, frame in self.enums.dictionaries(self.key, self, load_id, loaded_at).items():
            con.register("bulk_frame", frame)
            con.execute(f"insert into raw.{name} select * from bulk_frame")
            con.unregister("bulk_frame")
        raw_store.adopt_bulk_cells(con, self.key, self.scratch)
        return self.rows

    def cleanup(self, con) -> None:
        if hasattr(self, "key"):
            con.execute(f"drop table if exists {self.scratch}")

    def _cells_sql(self) -> str:
        c, key, enums = self.columns, self.key, self.enums
        month = f"coalesce({_ident(c['month'])}, '')" if c.get("month") else "''"

        def code(expr: str, enum: str) -> str:
            return f"enum_code(try_cast({expr} as raw.{enum}_{key}))::integer"

        year = code(f"coalesce({_ident(c['year'])}, '')", "bulk_years")
        value = f"coalesce({_ident(c['value'])}, '')"
        names = len(enums.types["bulk_names"])
        months = len(enums.types["bulk_months"])
        # an odd value text keeps its key; its parsed value is filled in once it is judged
        return f"""
            select
                {year} * {months} + {code(month, "bulk_months")} + 1 as period_key,
                {year} * {names} + {code(f"coalesce({_ident(c['origin'])}, '')", "bulk_names")}
                    + 1 as origin_key,
                {year} * {names}
                    + {code(f"coalesce({_ident(c['destination'])}, '')", "bulk_names")}
                    + 1 as destination_key,
                {code(_breakdown_key(c), "bulk_breakdowns")} + 1 as measure_key,
                case when regexp_full_match({value}, '{_PLAIN_INTEGER}') then {value}::double
                end as value,
                case when not regexp_full_match({value}, '{_PLAIN_INTEGER}')
                     then {code(value, "bulk_value_texts")} + 1 end as value_key
            from {self.scan}
        """


@dataclass
class _Judged:
    names: pd.DataFrame  # year_text, name, year, code
    periods: pd.DataFrame  # year_text, month_text, period_as_written, period, period_type, year
    measures: pd.DataFrame  # bd_key, measure_as_written, sex, age_group, measure, unit, scope
    odd_values: pd.DataFrame  # value_text, value, value_flag


@dataclass
class _Found:
    """What one landing scan found: rows, rows with a NULL key, and the keys that occur."""

    rows: int
    misses: int
    occurring: dict[str, list[int]]
    enums: _Enums

    def groups(self) -> list[tuple]:
        """The occurring texts in the shape of the exact plan's grouping sets (`_plan_groups`)."""
        t = self.enums.types
        years, months, names = t["bulk_years"], t["bulk_months"], t["bulk_names"]
        nm, nn = len(months), len(names)
        out: list[tuple] = [(_ALL, None, None, None, None, None, None, self.rows)]
        for k in self.occurring["period_key"]:
            y, m = divmod(k - 1, nm)
            out.append((_only("year_text", "month_text"), years[y], months[m], *[None] * 4, 0))
        for k in self.occurring["origin_key"]:
            y, p = divmod(k - 1, nn)
            out.append((_only("year_text", "origin"), years[y], None, names[p], *[None] * 3, 0))
        for k in self.occurring["destination_key"]:
            y, p = divmod(k - 1, nn)
            out.append(
                (_only("year_text", "destination"), years[y], None, None, names[p], None, None, 0)
            )
        for k in self.occurring["measure_key"]:
            bd = t["bulk_breakdowns"][k - 1]
            out.append((_only("bd_key"), None, None, None, None, bd, None, 0))
        for k in self.occurring["value_key"]:
            text = t["bulk_value_texts"][k - 1]
            out.append((_only("odd_value"), *[None] * 5, text, 0))
        return out


class _Enums:
    """The ENUM types of one landing (their declared order numbers the dictionary keys) and the
    dictionary rows keyed to match: place = year * names + name, period = year * months + month,
    measure = breakdown, value text = odd value (each 0-based in its ENUM, + 1)."""

    def __init__(self, types: dict[str, list[str]]) -> None:
        self.types = types
        self.index = {k: {v: i for i, v in enumerate(vs)} for k, vs in types.items()}

    def dictionaries(self, key: int, landing: BulkODLanding, load_id: str, loaded_at) -> dict:
        import pandas as pd

        judged = landing.judged
        years, names = self.index["bulk_years"], self.index["bulk_names"]
        months = self.index["bulk_months"]
        n_names, n_months = len(names), len(months)
        places = [
            (key, years[r.year_text] * n_names + names[r.name] + 1, r.year, r.name, r.code)
            for r in judged.names.itertuples()
        ]
        periods = [
            (key, years[r.year_text] * n_months + months[r.month_text] + 1,
             r.period_as_written, r.period_type, r.year, r.period)
            for r in judged.periods.itertuples()
        ]  # fmt: skip
        measures = [
            (key, self.index["bulk_breakdowns"][r.bd_key] + 1, r.measure_as_written, r.sex,
             r.age_group, r.measure, r.unit, r.flow_scope)
            for r in judged.measures.itertuples()
        ]  # fmt: skip
        texts = [
            (key, self.index["bulk_value_texts"][r.value_text] + 1, r.value_text, r.value,
             r.value_flag)
            for r in judged.odd_values.itertuples()
        ]  # fmt: skip
        rows = {
            "od_flow_files": [(key, landing.source_id, landing.source_file, landing.sha,
                               load_id, loaded_at, landing.rows)],
            "od_flow_columns": [(key, 1, None, landing.columns["value"])],
            "od_flow_places": places,
            "od_flow_periods": periods,
            "od_flow_measures": measures,
            "od_flow_value_texts": texts,
        }  # fmt: skip
        # object columns: None stays None (a NULL), whatever the other values
        return {t: pd.DataFrame(r, columns=range(len(r[0])) if r else []).astype(object)
                for t, r in rows.items() if r}  # fmt: skip


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


BREAKDOWNS = ("sex", "age_group")  # the raw columns a breakdown may land in


def _breakdowns(columns: dict[str, Any]) -> dict[str, str]:
    """{raw column: file column} of the registry's `breakdowns` mapping."""
    mapping = columns.get("breakdowns") or {}
    if not isinstance(mapping, dict) or not set(mapping) <= set(BREAKDOWNS):
        raise LayoutDriftError(
            f"option columns.breakdowns must map raw columns {BREAKDOWNS} to the file's columns, "
            f"not {mapping!r}"
        )
    return {raw: mapping[raw] for raw in BREAKDOWNS if raw in mapping}


def _breakdown_key(columns: dict[str, Any]) -> str:
    parts = [f"coalesce({_ident(b)}, '')" for b in _breakdowns(columns).values()]
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
    # bounded by default (as dbt's DuckDB, dbt_project/profiles.yml): the refresh stays under
    # 4 GiB whatever the file's size; DuckDB spills beyond the limit
    memory = options.get("memory_limit") or os.environ.get("KZM_INGEST_MEMORY_LIMIT") or "3GB"
    threads = options.get("threads") or os.environ.get("KZM_INGEST_THREADS")
    if memory:
        out["memory_limit"] = str(memory)
    if threads:
        out["threads"] = str(int(threads))
    return out


def _window_rows(path: Path, width: int, delimiter: str, encoding: str) -> list[list[str]]:
    """Rows of `width` fields read from evenly spaced windows of the file (the whole file when it
    is small). For candidates only: a window that starts inside a quoted field may yield odd
    rows, which only add candidates that no cell uses."""
    size = path.stat().st_size
    whole = size <= SAMPLE_WINDOWS * SAMPLE_WINDOW_BYTES
    starts = [0] if whole else [size * i // SAMPLE_WINDOWS for i in range(SAMPLE_WINDOWS)]
    rows: list[list[str]] = []
    with open(path, "rb") as fh:
        for start in starts:
            fh.seek(start)
            chunk = fh.read(size if whole else SAMPLE_WINDOW_BYTES)
            lines = chunk.decode(encoding, errors="replace").splitlines()
            # the first line is the header or cut by the window; so is the last, unless whole
            lines = lines[1:] if whole else lines[1:-1]
            reader = csv.reader(lines, delimiter=delimiter)
            while True:  # a line the reader cannot parse is skipped; it goes on with the next
                try:
                    rows.extend(row for row in reader if len(row) == width)
                    break
                except csv.Error:
                    continue
    return rows


def _candidates(path: Path, header: list[str], cols: dict[str, Any], delimiter: str,
                encoding: str) -> dict[str, list[str]]:  # fmt: skip
    """Candidate texts of each ENUM type: what the windows saw, every plausible year and month
    number, the publisher's symbols, and '' (a missing field) — sorted, so keys are stable."""
    rows = _window_rows(path, len(header), delimiter, encoding)

    def texts(name: str) -> set[str]:
        return set(map(itemgetter(header.index(name)), rows))

    at = [header.index(b) for b in _breakdowns(cols).values()]
    breakdowns = [list(map(itemgetter(i), rows)) for i in at]
    found = {
        "bulk_years": texts(cols["year"]) | set(_YEAR_CANDIDATES),
        "bulk_months": (
            texts(cols["month"]) | set(_MONTH_CANDIDATES) if cols.get("month") else set()
        ),
        "bulk_names": texts(cols["origin"]) | texts(cols["destination"]),
        "bulk_breakdowns": set(map("\x1f".join, zip(*breakdowns, strict=True))),
        "bulk_value_texts": {v for v in texts(cols["value"]) if not re.fullmatch(_PLAIN_INTEGER, v)}
        | set(_SYMBOL_CANDIDATES),
    }
    return {name: sorted(found[name] | {""}) for name in _TYPES}


def _plan_groups(con, scan: str, cols: dict[str, Any]) -> list[tuple]:
    """The exact plan: one grouped scan of the file for every distinct text that needs judging
    (year-place pairs, year-month pairs, breakdowns, odd value texts) and the row count."""
    month = f"coalesce({_ident(cols['month'])}, '')" if cols.get("month") else "''"
    return con.execute(f"""
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
        select grouping(year_text, month_text, origin, destination, bd_key, odd_value) as g,
               year_text, month_text, origin, destination, bd_key, odd_value, count(*) as n
        from f
        group by grouping sets ((year_text, origin), (year_text, destination),
                                (year_text, month_text), (bd_key), (odd_value), ())
    """).fetchall()


def _groups_types(groups: list[tuple]) -> dict[str, list[str]]:
    """The ENUM types holding exactly the texts of the exact plan (and '', as the candidates)."""
    texts: dict[str, set[str]] = {name: {""} for name in _TYPES}
    for _g, year, month, origin, destination, bd, odd, _n in groups:
        for name, text in (
            ("bulk_years", year), ("bulk_months", month), ("bulk_names", origin),
            ("bulk_names", destination), ("bulk_breakdowns", bd), ("bulk_value_texts", odd),
        ):  # fmt: skip
            if text is not None:
                texts[name].add(text)
    return {name: sorted(values) for name, values in texts.items()}


class OdFlowsCsvBulk:
    """The parser registered as `od_flows_csv_bulk`: plans a DuckDB landing instead of yielding
    cells (the loader calls `plan_landing`, then the landing's `prepare`)."""

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
        breakdowns = list(_breakdowns(cols).values())
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
        return BulkODLanding(
            path=path,
            source_id=entry.id,
            source_file=source_file,
            sha=sha,
            header=header,
            columns=cols,
            delimiter=delimiter,
            encoding=duck_encoding,
            entry=entry,
            resolver=resolver,
            candidates=_candidates(path, header, cols, delimiter, encoding),
            settings=_settings_for(options),
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


def _judge(landing: BulkODLanding, groups: list[tuple], first_row: _FirstRow) -> _Judged:
    """Judge every text that occurs with the row-by-row path's functions; raise its IngestError
    (file, row, column) for the first one it refuses."""
    import pandas as pd

    from ingest.parsers.base import as_year

    path, entry, source_file = landing.path, landing.entry, landing.source_file
    cols, resolver = landing.columns, landing.resolver

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
        problem = year_problem(years[text], entry)
        if problem:
            fail(ImplausiblePeriodError(f"{problem} (as written: {text!r})"), cols["year"], text)
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
            periods.append((year_text, month_text, year_text, str(year), "year", year))
            continue
        text = month_text.strip()
        if not (text.isdigit() and 1 <= int(text) <= 12):
            fail(
                LayoutDriftError(f"month must be a number 1-12, found {month_text!r}"),
                cols["month"],
                month_text,
            )
        periods.append(
            (
                year_text,
                month_text,
                f"{year_text} {month_text}",
                f"{year}-{int(text):02d}",
                "month",
                year,
            )
        )
    measures = []
    breakdowns = _breakdowns(cols)
    written = cols["value"]  # the indicator as written: the value column's header
    mapping = entry.mapping_for(written)
    if mapping is None and not entry.land_unmapped_measures:
        raise IngestError(
            f"indicator {written!r} is not in the registry entry {entry.id!r} "
            "(add it to ingest/source_registry.yml)",
            file=source_file,
            column=cols["value"],
        )
    for *_, bd_key, _odd, _n in by_set.get(_only("bd_key"), []):
        values = dict(zip(breakdowns, bd_key.split("\x1f"), strict=True)) if breakdowns else {}
        measures.append(
            (
                bd_key,
                written,
                values.get("sex"),
                values.get("age_group"),
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
    return _Judged(
        names=pd.DataFrame(names, columns=["year_text", "name", "year", "code"]).astype(
            {"year": "int32"}
        ),
        periods=pd.DataFrame(
            periods,
            columns=[
                "year_text",
                "month_text",
                "period_as_written",
                "period",
                "period_type",
                "year",
            ],  # fmt: skip
        ),
        measures=pd.DataFrame(
            measures,
            columns=[
                "bd_key",
                "measure_as_written",
                "sex",
                "age_group",
                "measure",
                "unit",
                "flow_scope",
            ],  # fmt: skip
        ).astype(object),
        odd_values=pd.DataFrame(odd, columns=["value_text", "value", "value_flag"]).astype(
            {"value": "float64", "value_flag": object}
        ),
    )


od_flows_csv_bulk = OdFlowsCsvBulk()
