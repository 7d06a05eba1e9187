"""The aggregates approach: a large table's row-level expectations computed in DuckDB, so that
Great Expectations validates one row of counts instead of 10^8 rows in pandas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from expectations.batches import KeyLabel, format_key, ident, row_source, sql_literal, table_sql
from expectations.settings import GateConfigError
from expectations.suite_files import ROW_COUNT, Suite, referenced_columns, resolve


def _safe(exp_id: str) -> str:
    return re.sub(r"\W", "_", exp_id)


def unexpected_where(exp: dict[str, Any], params: dict[str, Any]) -> str | None:
    """SQL predicate true for a row GX would count as unexpected (None: not a per-row check).

    Mirrors GX's pandas semantics: set, range and regex checks ignore missing values; pair
    equality ignores rows where either value is missing.
    """
    kw, t = exp["kwargs"], exp["type"]
    col = ident(kw["column"]) if "column" in kw else None
    if t == "expect_column_values_to_not_be_null":
        return f"{col} is null"
    if t == "expect_column_values_to_be_null":
        return f"{col} is not null"
    if t in ("expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set"):
        values = resolve(kw["value_set"], params)
        listed = ", ".join(sql_literal(v) for v in values) or "null"
        negate = "not " if t == "expect_column_values_to_be_in_set" else ""
        return f"{col} is not null and {negate}({col} in ({listed}))"
    if t == "expect_column_values_to_be_between":
        parts = []
        lo, hi = resolve(kw.get("min_value"), params), resolve(kw.get("max_value"), params)
        if lo is not None:
            parts.append(f"{col} {'<=' if kw.get('strict_min') else '<'} {sql_literal(lo)}")
        if hi is not None:
            parts.append(f"{col} {'>=' if kw.get('strict_max') else '>'} {sql_literal(hi)}")
        return f"{col} is not null and ({' or '.join(parts) or 'false'})"
    if t == "expect_column_values_to_match_regex":
        return f"{col} is not null and not regexp_matches({col}, {sql_literal(kw['regex'])})"
    if t == "expect_column_pair_values_to_be_equal":
        a, b = ident(kw["column_A"]), ident(kw["column_B"])
        return f"{a} is not null and {b} is not null and {a} <> {b}"
    return None


def _duplicate_columns(exp: dict[str, Any]) -> list[str] | None:
    if exp["type"] == "expect_column_values_to_be_unique":
        return [exp["kwargs"]["column"]]
    if exp["type"] == "expect_compound_columns_to_be_unique":
        return list(exp["kwargs"]["column_list"])
    return None


def _key_source(suite: Suite, columns: list[str], carried: list[str] | None = None) -> str:
    """Only the key columns of the table (derived ones computed), rows with a key at all: GX
    ignores a row whose key columns are all missing (one column: a missing value). `carried`
    columns come along (where a duplicate is: its file and row), without being part of the key."""
    derived = suite.derived
    select = ", ".join(
        f"({derived[c]}) as {ident(c)}" if c in derived else f"t.{ident(c)}"
        for c in [*columns, *(carried or [])]
    )
    any_value = " or ".join(f"{ident(c)} is not null" for c in columns)
    return f"(select * from (select {select} from {table_sql(suite)} as t) where {any_value})"


def duplicate_count(con: duckdb.DuckDBPyConnection, suite: Suite, columns: list[str]) -> int:
    """Rows whose key occurs more than once (GX's unexpected count for a uniqueness check).

    Candidates first, cheaply: grouping by a 64-bit hash of the key finds every duplicate (equal
    keys hash equal); only if there are any is the exact count taken, so the shortcut can never
    fail the gate wrongly.
    """
    source, cols = _key_source(suite, columns), ", ".join(ident(c) for c in columns)
    candidates = con.execute(
        f"select coalesce(sum(n), 0) from (select count(*) as n from {source} "
        f"group by hash({cols}) having count(*) > 1)"
    ).fetchone()[0]
    if not candidates:
        return 0
    return int(
        con.execute(
            f"select coalesce(sum(n), 0) from (select count(*) as n from {source} "
            f"group by {cols} having count(*) > 1)"
        ).fetchone()[0]
    )


def duplicate_samples(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    columns: list[str],
    limit: int,
    labels: list[KeyLabel] | None = None,
    present: set[str] | None = None,
) -> list[str]:
    """A few duplicated keys, each with the rows it occurs in: the suite's key columns that are
    not part of the checked key (e.g. a staging grain's source file and row), so that a message
    names the rows to look at, not only a key that may span several files."""
    cols = ", ".join(ident(c) for c in columns)
    where = [c for c in suite.key if c not in columns and (present is None or c in present)]
    located = ""
    if where:
        row = ", ".join(ident(c) for c in where)
        located = f", list(({row}) order by {row})[1:{int(limit)}] as at_rows"
    rows = con.execute(
        f"select {cols}, count(*) as n{located} from {_key_source(suite, columns, where)} "
        f"group by {cols} having count(*) > 1 order by n desc, {cols} limit {int(limit)}"
    ).fetchall()
    out = []
    for r in rows:
        text = format_key([*columns, "rows"], r[: len(columns) + 1], labels)
        if where:
            at = "; ".join(format_key(where, list(_values(v)), labels) for v in r[-1])
            text += f" (at {at})"
        out.append(text)
    return out


def _values(row: Any) -> tuple[Any, ...]:
    """A DuckDB struct/row value as a tuple (a dict for named structs, a tuple otherwise)."""
    if isinstance(row, dict):
        return tuple(row.values())
    if isinstance(row, tuple | list):
        return tuple(row)
    return (row,)


@dataclass
class Aggregates:
    batch: pd.DataFrame  # one row: row_count, unexpected__<id>..., min__/max__<column>...
    expectations: list[dict[str, Any]]  # GX expectations over `batch`
    samples: dict[str, list[str]]  # expectation id -> example keys of unexpected rows


def _translate(
    suite: Suite, present: set[str], params: dict[str, Any]
) -> tuple[list[str], list[dict[str, Any]], dict[str, str], dict[str, list[str]]]:
    """(select list, translated expectations, predicates by id, uniqueness columns by id)."""
    selects = ["count(*) as row_count"]
    translated: list[dict[str, Any]] = []
    predicates: dict[str, str] = {}
    duplicates: dict[str, list[str]] = {}
    for exp in suite.expectations_for("rows"):
        meta = {**exp["meta"], "translated_from": {"type": exp["type"], "kwargs": exp["kwargs"]}}
        cols = referenced_columns([exp])
        if any(c not in present and c not in suite.derived for c in cols):
            translated.append(exp)  # GX reports the missing column on the aggregates batch
            continue
        if exp["type"] == ROW_COUNT:
            kw = {k: exp["kwargs"][k] for k in ("min_value", "max_value") if k in exp["kwargs"]}
            translated.append(
                {
                    "type": "expect_column_values_to_be_between",
                    "kwargs": {"column": "row_count", **kw},
                    "meta": meta,
                }
            )
            continue
        agg = f"unexpected__{_safe(exp['meta']['id'])}"
        where = unexpected_where(exp, params)
        dup_cols = _duplicate_columns(exp)
        if where is not None:
            selects.append(f"count(*) filter (where {where}) as {ident(agg)}")
            predicates[exp["meta"]["id"]] = where
        elif dup_cols is not None:
            duplicates[exp["meta"]["id"]] = dup_cols  # one grouped query each, below
        else:  # pragma: no cover - load_suites rejects such suites
            raise GateConfigError(f"{suite.name}: no aggregate form for {exp['type']}")
        if exp["type"] == "expect_column_values_to_be_between":
            c = exp["kwargs"]["column"]
            selects.append(f"min({ident(c)}) as {ident('min__' + c)}")
            selects.append(f"max({ident(c)}) as {ident('max__' + c)}")
        translated.append(
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": agg, "min_value": 0, "max_value": 0},
                "meta": meta,
            }
        )
    return list(dict.fromkeys(selects)), translated, predicates, duplicates


def aggregate_batch(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    present: set[str],
    params: dict[str, Any],
    sample_size: int = 3,
    labels: list[KeyLabel] | None = None,
) -> Aggregates:
    """The rows-batch expectations of `suite` computed as aggregates in DuckDB.

    One scan returns one row: the row count, for every per-row expectation the number of rows
    GX would have found unexpected, and min/max of every range-checked column; each uniqueness
    check adds one grouped query (`duplicate_count`). Each expectation
    becomes `expect_column_values_to_be_between` on its aggregate (0..0 unexpected rows; the row
    count bands keep their bounds), with the same id, severity and a `translated_from` note.
    Only for failed checks a second, limited query fetches a few example keys.
    """
    source = f"({row_source(suite, present)}) as t"
    selects, translated, predicates, duplicates = _translate(suite, present, params)
    # one scan of the table for every per-row check
    batch = con.execute(f"select {', '.join(selects)} from {source}").df()
    for exp_id, cols in duplicates.items():
        batch[f"unexpected__{_safe(exp_id)}"] = duplicate_count(con, suite, cols)
    samples: dict[str, list[str]] = {}
    key = [c for c in suite.key if c in present]
    by_id = {e["meta"]["id"]: e for e in suite.expectations_for("rows")}
    for exp_id, where in predicates.items():
        if int(batch.at[0, f"unexpected__{_safe(exp_id)}"]) > 0:
            shown = list(dict.fromkeys(key + referenced_columns([by_id[exp_id]])))
            rows = con.execute(
                f"select {', '.join(ident(c) for c in shown)} from {source} "
                f"where {where} limit {sample_size}"
            ).fetchall()
            samples[exp_id] = [format_key(shown, r, labels) for r in rows]
    for exp_id, cols in duplicates.items():
        if int(batch.at[0, f"unexpected__{_safe(exp_id)}"]) > 0:
            samples[exp_id] = duplicate_samples(con, suite, cols, sample_size, labels, present)
    return Aggregates(batch=batch, expectations=translated, samples=samples)
