"""One suite, in two phases: `read_suite` (DuckDB only, safe in a worker thread) reads every
batch the suite needs; `validate_suite` (GX, on the main thread) validates them and turns GX's
results into the suite's report: a record per expectation with its status, counts, example
values and example keys (the source file and row where the suite declares `key_labels`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from expectations.aggregates import aggregate_batch, unexpected_where
from expectations.batches import (
    KeyLabel,
    count_rows,
    format_key,
    ident,
    load_key_labels,
    read_only,
    relation_columns,
    rows_batch,
    schema_batch,
    sql_batch,
    table_sql,
)
from expectations.context import validate_batch
from expectations.report import jsonable
from expectations.settings import Settings
from expectations.suite_files import ROW_COUNT, Suite, column_of, referenced_columns


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _structural(check: str, batch: str, approach: str, detail: str) -> dict[str, Any]:
    """A check of the runner itself (table present, batch readable): always an error."""
    return {
        "id": check,
        "type": check,
        "column": None,
        "kwargs": {},
        "severity": "error",
        "description": "the runner could read what the suite guards",
        "batch": batch,
        "approach": approach,
        "status": "error",
        "detail": detail,
    }


def _dedupe(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _band(prev: int | None, band: float | None) -> tuple[int | None, int | None]:
    if prev is None or band is None:
        return None, None
    return max(math.ceil(prev * (1 - band)), 0), math.floor(prev * (1 + band))


def _record(
    suite: Suite,
    exp: dict[str, Any],
    batch_name: str,
    approach: str,
    status: str,
    params: dict[str, Any],
    **extra: Any,
) -> dict[str, Any]:
    original = exp["meta"].get("translated_from") or {"type": exp["type"], "kwargs": exp["kwargs"]}
    kwargs = {}
    for k, v in original["kwargs"].items():
        value = params.get(v["$PARAMETER"]) if isinstance(v, dict) and "$PARAMETER" in v else v
        # parameter values (lists of known codes) are summarised, not copied into every result
        if isinstance(v, dict) and isinstance(value, list):
            value = f"${v['$PARAMETER']} ({len(value)} values)"
        kwargs[k] = value
    return {
        "id": exp["meta"]["id"],
        "type": original["type"],
        "column": column_of(original),
        "kwargs": jsonable(kwargs),
        "severity": exp["meta"]["severity"],
        "description": exp["meta"].get("description"),
        "batch": batch_name,
        "approach": approach,
        "status": status,
        **extra,
    }


def _breakdowns(
    con: duckdb.DuckDBPyConnection, suite: Suite, params: dict[str, Any], present: set[str]
) -> dict[str, dict[str, int]]:
    """For expectations with `meta.breakdown_by`: unexpected rows counted per group, in DuckDB."""
    out = {}
    for exp in suite.expectations_for("rows"):
        by = exp["meta"].get("breakdown_by")
        if not by or any(c not in present for c in by):
            continue
        where = unexpected_where(exp, params)
        if where is None:
            continue
        cols = ", ".join(ident(c) for c in by)
        rows = con.execute(
            f"select {cols}, count(*) from {table_sql(suite)} "
            f"where {where} group by all order by count(*) desc, {cols} limit 20"
        ).fetchall()
        out[exp["meta"]["id"]] = {"/".join(str(v) for v in r[:-1]): int(r[-1]) for r in rows}
    return out


def _unavailable(
    suite: Suite,
    results: list[dict[str, Any]],
    exps: list[dict[str, Any]],
    batch: str,
    approach: str,
    why: str,
    params: dict[str, Any],
) -> None:
    """One error for a batch that cannot be read; its expectations are skipped."""
    results.append(_structural(f"{batch}_batch_readable", batch, approach, why))
    for e in exps:
        results.append(
            _record(suite, e, batch, approach, "skipped", params, detail="batch unreadable")
        )


# name, batch, its expectations, key columns (for example keys), example keys from DuckDB
_Batch = tuple[str, pd.DataFrame, list[dict[str, Any]], list[str], dict[str, list[str]]]


@dataclass
class _SuiteRead:
    """What the read phase of one suite hands to its validate phase: DataFrames and plain
    values only (no connection, no GX object), so it can be made in a worker thread."""

    suite: Suite
    report: dict[str, Any]  # approach, row_count, band and structural results filled in
    params: dict[str, Any]  # the run's parameters plus this suite's row-count band
    columns: list[tuple[str, str]]  # (name, DuckDB type) of the table; [] when it is missing
    batches: list[_Batch] = field(default_factory=list)
    labels: list[KeyLabel] = field(default_factory=list)  # how example keys are shown
    breakdowns: dict[str, dict[str, int]] = field(default_factory=dict)
    read_s: float = 0.0  # wall time of the read phase


def read_suite(
    suite: Suite,
    build_db: Path,
    params: dict[str, Any],
    served_count: int | None,
    settings: Settings,
    spill_dir: Path | None = None,
) -> _SuiteRead:
    """Read phase of a suite: every batch it needs, through its own read-only connection.

    DuckDB only, no GX: safe in a worker thread (`run_gates` runs it in a pool while the main
    thread validates earlier suites). DuckDB errors become structural results in the report;
    any other exception propagates.
    """
    started = time.perf_counter()
    report: dict[str, Any] = {
        "suite": suite.name,
        "table": suite.table,
        "layer": suite.layer,
        "file": suite.path.name,
        "approach": "rows",
        "row_count": None,
        "served_row_count": served_count,
        "row_count_band": None,
        "batches": {},
        "results": [],
    }
    results: list[dict[str, Any]] = report["results"]
    band_min, band_max = _band(served_count, settings.band(suite.table))
    params = {**params, "served_row_count_min": band_min, "served_row_count_max": band_max}
    if band_min is not None:
        report["row_count_band"] = [band_min, band_max]

    def unavailable(exps: list[dict[str, Any]], batch: str, approach: str, why: str) -> None:
        _unavailable(suite, results, exps, batch, approach, why, params)

    batches: list[_Batch] = []
    breakdowns: dict[str, dict[str, int]] = {}
    with read_only(build_db, settings.duckdb_memory_limit, spill_dir) as con:
        columns = relation_columns(con, suite.table)
        if not columns:
            results.append(
                _structural("table_exists", "catalog", "catalog", f"{suite.table} is missing")
            )
            report["approach"] = "none"
            return _SuiteRead(suite, report, params, [], read_s=time.perf_counter() - started)
        present = {c for c, _ in columns}
        labels = load_key_labels(con, suite)
        batches.append(("schema", schema_batch(columns), suite.expectations_for("schema"), [], {}))
        n = None
        if not suite.expectations_for("rows"):
            # a schema-only suite (a view over gated tables, e.g. raw.od_flows): counting its
            # rows would join 10^8 cells for nothing
            report["approach"] = "schema"
        else:
            try:
                n = count_rows(con, suite.table)
            except duckdb.Error as exc:
                report["approach"] = "none"
                others = [e for e in suite.expectations if e["meta"]["batch"] != "schema"]
                unavailable(
                    others, "table", "none", f"cannot read {suite.table}: {first_line(exc)}"
                )
        report["row_count"] = n
        if n is not None or report["approach"] == "schema":
            rows_exps = suite.expectations_for("rows")
            try:
                if n is not None and n > settings.large_table_row_threshold:
                    report["approach"] = "aggregates"
                    agg = aggregate_batch(con, suite, present, params, settings.sample_size, labels)
                    batches.append(("aggregates", agg.batch, agg.expectations, [], agg.samples))
                elif n is not None:  # None: a schema-only suite has no rows batch
                    rows = rows_batch(con, suite, present)
                    batches.append(("rows", rows, rows_exps, suite.key, {}))
                breakdowns = _breakdowns(con, suite, params, present)
            except duckdb.Error as exc:
                unavailable(rows_exps, "rows", report["approach"], first_line(exc))
            for name, spec in suite.batches.items():
                try:
                    batch = sql_batch(con, suite, name)
                except duckdb.Error as exc:
                    unavailable(suite.expectations_for(name), name, "sql", first_line(exc))
                    continue
                batches.append((name, batch, suite.expectations_for(name), spec.get("key", []), {}))
    return _SuiteRead(
        suite,
        report,
        params,
        columns,
        batches,
        labels,
        breakdowns,
        read_s=time.perf_counter() - started,
    )


def validate_suite(read: _SuiteRead, settings: Settings) -> dict[str, Any]:
    """Validate phase of a suite: GX on the batches of its read phase; the finished report.

    Always on the calling (main) thread. The suite's `duration_s` is its read time plus its
    validation time; in `run_gates` its read may have overlapped other suites' validation.
    """
    started = time.perf_counter()
    suite, report, params = read.suite, read.report, read.params
    columns, batches, breakdowns = read.columns, read.batches, read.breakdowns
    results: list[dict[str, Any]] = report["results"]

    def unavailable(exps: list[dict[str, Any]], batch: str, approach: str, why: str) -> None:
        _unavailable(suite, results, exps, batch, approach, why, params)

    for name, batch, exps, key, samples in batches:
        approach = (
            report["approach"]
            if name in ("rows", "aggregates")
            else ("catalog" if name == "schema" else "sql")
        )
        report["batches"][name] = {"rows": len(batch), "approach": approach}
        available = set(batch.columns)
        if name in ("rows", "aggregates"):
            available = {c for c, _ in columns} | set(suite.derived)
        missing: dict[str, list[str]] = {}
        active = []
        for e in exps:
            original = e["meta"].get("translated_from") or e
            absent = [c for c in referenced_columns([original]) if c not in available]
            if absent:  # one structural error per missing column, below
                for c in absent:
                    missing.setdefault(c, []).append(e["meta"]["id"])
                results.append(
                    _record(suite, e, name, approach, "skipped", params, detail="column missing")
                )
                continue
            unresolved = [
                v["$PARAMETER"]
                for v in e["kwargs"].values()
                if isinstance(v, dict) and "$PARAMETER" in v and params.get(v["$PARAMETER"]) is None
            ]
            if unresolved:
                why = (
                    "no row count of this table in the served build's record (see the run's notes)"
                    if any(p.startswith("served_row_count") for p in unresolved)
                    else f"parameter(s) {unresolved} unavailable"
                )
                results.append(_record(suite, e, name, approach, "skipped", params, detail=why))
            else:
                active.append(e)
        for c, ids in missing.items():
            results.append(
                _structural(
                    f"column_present__{c}",
                    name,
                    approach,
                    f"column {c} is missing from the {name} batch of {suite.table}; "
                    f"not evaluated: {', '.join(ids)}",
                )
            )
        try:
            outcome = validate_batch(suite, name, batch, active, params, settings.sample_size)
        except Exception as exc:  # a GX failure to run is a failed gate, not a crash
            unavailable(active, name, approach, f"GX: {type(exc).__name__}: {first_line(exc)}")
            continue
        for e in active:
            o = outcome.get(e["meta"]["id"])
            if o is None:
                results.append(
                    _record(suite, e, name, approach, "error", params, detail="no GX result")
                )
                continue
            res = o["result"]
            rec = _record(
                suite,
                e,
                name,
                approach,
                "error" if o["exception"] else ("passed" if o["success"] else "failed"),
                params,
                detail=o["exception"],
                unexpected_count=res.get("unexpected_count"),
                element_count=res.get("element_count"),
                observed_value=jsonable(res.get("observed_value")),
                sample_values=_dedupe(jsonable(res.get("partial_unexpected_list") or [])),
                sample_keys=[],
            )
            if rec["element_count"] is None and name != "aggregates":
                rec["element_count"] = len(batch)
            if any(isinstance(v, dict | list | bool) for v in rec["sample_values"]):
                rec["sample_values"] = []  # compound or boolean values: the keys say more
            if e["type"] == "expect_column_distinct_values_to_contain_set" and res:
                rec["unexpected_count"] = res["missing_count"]
                rec["sample_values"] = jsonable(res.get("partial_missing_list") or [])
            if name == "aggregates" and "translated_from" in e["meta"]:
                agg_col = e["kwargs"]["column"]
                rec["element_count"] = int(batch.at[0, "row_count"])
                rec["sample_values"] = []
                if rec["type"] == ROW_COUNT:
                    rec["unexpected_count"] = None
                    rec["observed_value"] = int(batch.at[0, "row_count"])
                elif agg_col in batch.columns:
                    rec["unexpected_count"] = int(batch.at[0, agg_col])
                    rec["sample_keys"] = samples.get(rec["id"], [])
            elif rec["status"] == "failed" and key:
                idx = res.get("partial_unexpected_index_list") or []
                cols = [c for c in key if c in batch.columns]
                rec["sample_keys"] = _dedupe(
                    [
                        format_key(cols, batch.loc[i, cols].tolist(), read.labels)
                        for i in idx
                        if i in batch.index
                    ]
                )
            if rec["status"] == "failed" and rec["id"] in breakdowns:
                rec["breakdown"] = breakdowns[rec["id"]]
            results.append(rec)
    report["duration_s"] = round(read.read_s + time.perf_counter() - started, 3)
    return report
