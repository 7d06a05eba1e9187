"""What the three steps of a bulk landing share: the SQL of the file's scan and of the exact
plan, the file's breakdown columns, DuckDB settings for a block, and how the judge finds the row
of a refused text (ingest/parsers/od_bulk/__init__.py)."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path
from typing import Any

from ingest import raw_store
from ingest.errors import LayoutDriftError

# Plain integer texts (raw_store.PLAIN_INTEGER_PATTERN) are parsed in SQL and not stored; every
# other text ("007", "1 234", "-") is judged by parse_number and kept as written.
PLAIN_INTEGER = raw_store.PLAIN_INTEGER_PATTERN
KATO = re.compile(r"\d{9}")
# The ENUM types of one landing, in the order of the scratch table's key columns.
TYPES = ("bulk_years", "bulk_months", "bulk_names", "bulk_breakdowns", "bulk_value_texts")


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class duckdb_settings:
    """Set DuckDB settings for a block and restore the previous values."""

    def __init__(self, con, settings: dict[str, str]) -> None:
        self.con, self.settings, self.previous = con, settings, {}

    def __enter__(self):
        for name, value in self.settings.items():
            self.previous[name] = self.con.execute(f"select current_setting('{name}')").fetchone()[
                0
            ]
            self.con.execute(f"set {name} = {quote(str(value))}")
        return self

    def __exit__(self, *exc):
        for name, value in self.previous.items():
            self.con.execute(f"set {name} = {quote(str(value))}")


BREAKDOWNS = ("sex", "age_group")  # the raw columns a breakdown may land in


def breakdowns(columns: dict[str, Any]) -> dict[str, str]:
    """{raw column: file column} of the registry's `breakdowns` mapping."""
    mapping = columns.get("breakdowns") or {}
    if not isinstance(mapping, dict) or not set(mapping) <= set(BREAKDOWNS):
        raise LayoutDriftError(
            f"option columns.breakdowns must map raw columns {BREAKDOWNS} to the file's columns, "
            f"not {mapping!r}"
        )
    return {raw: mapping[raw] for raw in BREAKDOWNS if raw in mapping}


def breakdown_key(columns: dict[str, Any]) -> str:
    parts = [f"coalesce({ident(b)}, '')" for b in breakdowns(columns).values()]
    if not parts:
        return "''"
    return " || chr(31) || ".join(parts)


def read_csv(path: Path, header: list[str], delimiter: str, encoding: str) -> str:
    types = "{" + ", ".join(f"{quote(h)}: 'varchar'" for h in header) + "}"
    return (
        f"read_csv({quote(str(path))}, header = true, auto_detect = false, columns = {types}, "
        f"delim = {quote(delimiter)}, quote = '\"', escape = '\"', strict_mode = true, "
        f"allow_quoted_nulls = false, null_padding = false, encoding = {quote(encoding)})"
    )


def read_header(path: Path, delimiter: str, encoding: str) -> list[str]:
    with open(path, newline="", encoding=encoding) as fh:
        return next(csv.reader(fh, delimiter=delimiter), [])


def settings_for(options: dict[str, Any]) -> dict[str, str]:
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


def plan_groups(con, scan: str, cols: dict[str, Any]) -> list[tuple]:
    """The exact plan: one grouped scan of the file for every distinct text that needs judging
    (year-place pairs, year-month pairs, breakdowns, odd value texts) and the row count."""
    month = f"coalesce({ident(cols['month'])}, '')" if cols.get("month") else "''"
    return con.execute(f"""
        with f as (
            select
                coalesce({ident(cols["year"])}, '') as year_text,
                {month} as month_text,
                coalesce({ident(cols["origin"])}, '') as origin,
                coalesce({ident(cols["destination"])}, '') as destination,
                {breakdown_key(cols)} as bd_key,
                case when not regexp_full_match(coalesce({ident(cols["value"])}, ''),
                                                '{PLAIN_INTEGER}')
                     then coalesce({ident(cols["value"])}, '') end as odd_value
            from {scan}
        )
        select grouping(year_text, month_text, origin, destination, bd_key, odd_value) as g,
               year_text, month_text, origin, destination, bd_key, odd_value, count(*) as n
        from f
        group by grouping sets ((year_text, origin), (year_text, destination),
                                (year_text, month_text), (bd_key), (odd_value), ())
    """).fetchall()


def groups_types(groups: list[tuple]) -> dict[str, list[str]]:
    """The ENUM types holding exactly the texts of the exact plan (and '', as the candidates)."""
    texts: dict[str, set[str]] = {name: {""} for name in TYPES}
    for _g, year, month, origin, destination, bd, odd, _n in groups:
        for name, text in (
            ("bulk_years", year), ("bulk_months", month), ("bulk_names", origin),
            ("bulk_names", destination), ("bulk_breakdowns", bd), ("bulk_value_texts", odd),
        ):  # fmt: skip
            if text is not None:
                texts[name].add(text)
    return {name: sorted(values) for name, values in texts.items()}


class FirstRow:
    """Row number (header = 1) of the first row where `column` holds `value` (error messages)."""

    def __init__(self, con, scan: str, cols: dict[str, Any], file: str) -> None:
        self.con, self.scan, self.cols, self.file = con, scan, cols, file

    def __call__(self, column: str, value: str, year_text: str | None = None) -> int | None:
        cond = f"coalesce({ident(column)}, '') = ?"
        params = [value]
        if year_text is not None:
            cond += f" and coalesce({ident(self.cols['year'])}, '') = ?"
            params.append(year_text)
        row = self.con.execute(
            f"select min(rn) from (select row_number() over () + 1 as rn, * from {self.scan}) "
            f"where {cond}",
            params,
        ).fetchone()
        return row[0] if row else None


# grouping() bit masks of the six grouped columns (1 = not in the grouping set)
GROUPING_BITS = {
    name: 1 << (5 - i)
    for i, name in enumerate(
        ("year_text", "month_text", "origin", "destination", "bd_key", "odd_value")
    )
}
ALL = 0b111111


def only(*names: str) -> int:
    return ALL & ~sum(GROUPING_BITS[n] for n in names)
