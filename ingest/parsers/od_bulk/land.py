"""Land a planned bulk file: one DuckDB scan writes every cell as integer keys to a scratch
table, the keys that occur are judged (judge.py), the checks at ingest run on the cells, and the
judged texts become the file's dictionaries while the scratch table becomes its cells table
(ingest/parsers/od_bulk/__init__.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from ingest import raw_store
from ingest.checks import CountRule, DuplicateKeyError, ImplausibleCountError, duplicate_message
from ingest.errors import IngestError, LayoutDriftError
from ingest.parsers.od_bulk.judge import Judged, judge
from ingest.parsers.od_bulk.layout import (
    ALL,
    PLAIN_INTEGER,
    FirstRow,
    breakdown_key,
    duckdb_settings,
    groups_types,
    ident,
    only,
    plan_groups,
    quote,
    read_csv,
)
from ingest.regions import RegionResolver

if TYPE_CHECKING:  # imported when a file is judged: importing the parsers stays cheap
    import pandas as pd


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
    judged: Judged | None = None

    def __len__(self) -> int:
        return self.rows

    def no_rows(self) -> pd.DataFrame:
        """An empty frame: raw_store.replace_file_rows then only clears the file's old rows."""
        import pandas as pd

        return pd.DataFrame()

    @property
    def scan(self) -> str:
        return read_csv(self.path, self.header, self.delimiter, self.encoding)

    def prepare(self, con) -> None:
        """Land the cells in a scratch table committed on its own (before the loader's
        transaction), check every key, and judge the texts that occur. Raises IngestError for a
        file the row-by-row path would refuse; `cleanup` drops the scratch table whatever
        happened. Prepared once: the loader may prepare a landing while the file is hashed."""
        if self.judged is not None:
            return
        self.key = raw_store.next_od_file_key(con)
        quiet = {"preserve_insertion_order": "true", "enable_progress_bar": "false"}
        with duckdb_settings(con, self.settings | quiet):
            try:
                found = self._land(con, self.candidates)
                self.dictionaries_from = "windows"
                if found.misses:
                    # a text the windows did not see: find every distinct text, land again
                    con.execute(f"drop table {self.scratch}")
                    exact = groups_types(plan_groups(con, self.scan, self.columns))
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
            first_row = FirstRow(con, self.scan, self.columns, self.path.name)
            self.judged = judge(self, found.groups(), first_row)
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
                literals = ", ".join(quote(v) for v in values)
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
        month = f"coalesce({ident(c['month'])}, '')" if c.get("month") else "''"

        def code(expr: str, enum: str) -> str:
            return f"enum_code(try_cast({expr} as raw.{enum}_{key}))::integer"

        year = code(f"coalesce({ident(c['year'])}, '')", "bulk_years")
        value = f"coalesce({ident(c['value'])}, '')"
        names = len(enums.types["bulk_names"])
        months = len(enums.types["bulk_months"])
        # an odd value text keeps its key; its parsed value is filled in once it is judged
        return f"""
            select
                {year} * {months} + {code(month, "bulk_months")} + 1 as period_key,
                {year} * {names} + {code(f"coalesce({ident(c['origin'])}, '')", "bulk_names")}
                    + 1 as origin_key,
                {year} * {names}
                    + {code(f"coalesce({ident(c['destination'])}, '')", "bulk_names")}
                    + 1 as destination_key,
                {code(breakdown_key(c), "bulk_breakdowns")} + 1 as measure_key,
                case when regexp_full_match({value}, '{PLAIN_INTEGER}') then {value}::double
                end as value,
                case when not regexp_full_match({value}, '{PLAIN_INTEGER}')
                     then {code(value, "bulk_value_texts")} + 1 end as value_key
            from {self.scan}
        """


@dataclass
class _Found:
    """What one landing scan found: rows, rows with a NULL key, and the keys that occur."""

    rows: int
    misses: int
    occurring: dict[str, list[int]]
    enums: _Enums

    def groups(self) -> list[tuple]:
        """The occurring texts in the shape of the exact plan's grouping sets (`plan_groups`)."""
        t = self.enums.types
        years, months, names = t["bulk_years"], t["bulk_months"], t["bulk_names"]
        nm, nn = len(months), len(names)
        out: list[tuple] = [(ALL, None, None, None, None, None, None, self.rows)]
        for k in self.occurring["period_key"]:
            y, m = divmod(k - 1, nm)
            out.append((only("year_text", "month_text"), years[y], months[m], *[None] * 4, 0))
        for k in self.occurring["origin_key"]:
            y, p = divmod(k - 1, nn)
            out.append((only("year_text", "origin"), years[y], None, names[p], *[None] * 3, 0))
        for k in self.occurring["destination_key"]:
            y, p = divmod(k - 1, nn)
            out.append(
                (only("year_text", "destination"), years[y], None, None, names[p], None, None, 0)
            )
        for k in self.occurring["measure_key"]:
            bd = t["bulk_breakdowns"][k - 1]
            out.append((only("bd_key"), None, None, None, None, bd, None, 0))
        for k in self.occurring["value_key"]:
            text = t["bulk_value_texts"][k - 1]
            out.append((only("odd_value"), *[None] * 5, text, 0))
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
