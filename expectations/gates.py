"""Run the quality gates on a build file: `run_gates(build_db, previous_db, report_path)`.

For every suite in `expectations/suites/` (one per guarded table of the raw, staging and marts
layers) the gates read the frames the suite needs through a short-lived read-only DuckDB
connection (GX has no DuckDB datasource), validate them with Great Expectations' pandas
datasource in an ephemeral context, and decide themselves: GX does not raise when expectations
fail, so every result's `success` is checked here. An `error`-severity failure blocks publishing;
a `warn` failure is reported and publishes. Tables above the large-table threshold are never read
row by row into pandas: their row-level expectations are computed as aggregates in DuckDB and GX
validates the aggregates (see `frames.aggregate_frame`). The full report is written as JSON.

The reads run in a pool of 2 threads, ahead of the validation, which stays on the main thread,
suite after suite: DuckDB releases the GIL while a query runs and GX is pure Python, so the
DuckDB work of one suite (seconds for the aggregates of 10^8 OD cells) overlaps the GX work of
the others on the 2 cores. The report is the same as a sequential run's (see `_run_suites`).

Command line: `python -m expectations.gates --db BUILD [--previous SERVED] --report OUT.json`
(exit 0 when every error-level check passed, 1 otherwise).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from expectations.frames import (
    CONFIG_PATH,
    ROW_COUNT,
    SUITES_DIR,
    GateConfigError,
    Settings,
    Suite,
    aggregate_frame,
    column_of,
    count_rows,
    custom_frame,
    format_key,
    gate_parameters,
    ident,
    load_settings,
    load_suites,
    previous_row_counts,
    read_only,
    referenced_columns,
    relation_columns,
    rows_frame,
    schema_frame,
    unexpected_where,
)

__all__ = ["GateReport", "run_gates", "main"]


@dataclass
class GateReport:
    """Outcome of one gate run. `passed` is False when any error-severity check failed."""

    passed: bool
    errors: list[str]
    warnings: list[str]
    report_path: Path
    suites: list[dict[str, Any]] = field(default_factory=list)
    duration_s: float = 0.0  # wall time, GX import included on a process's first run
    cpu_s: float = 0.0  # CPU time of this process (all threads) for the same span

    @property
    def warning_count(self) -> int:
        """Number of failed warn-level checks (one line each in `warnings`)."""
        return len(self.warnings)

    def summary(self) -> str:
        evaluated = sum(1 for s in self.suites for r in s["results"] if r["status"] != "skipped")
        approaches = {
            a: sum(s["approach"] == a for s in self.suites)
            for a in ("rows", "aggregates", "schema")
        }
        head = (
            f"gates: {'PASSED' if self.passed else 'FAILED'}: {len(self.suites)} suites, "
            f"{evaluated} expectations ({approaches['rows']} suites on rows in pandas, "
            f"{approaches['aggregates']} on DuckDB aggregates, {approaches['schema']} schema only) "
            f"in {self.duration_s:.1f}s "
            f"({self.cpu_s:.1f}s CPU); "
            f"{len(self.errors)} error(s), {self.warning_count} warning(s); "
            f"report {self.report_path}"
        )
        lines = [head]
        lines += [f"  ERROR {m}" for m in self.errors]
        lines += [f"  WARN  {m}" for m in self.warnings]
        return "\n".join(lines)


# ------------------------------------------------------------------------ Great Expectations

_GX: tuple[Any, Any, Any] | None = None
_GX_LOCK = threading.Lock()


def prepare_gx() -> None:
    """Import GX and make its context now (~3 s), not at the first suite."""
    _gx()


def _gx() -> tuple[Any, Any, Any]:
    """(gx module, ephemeral context, whole-dataframe batch definition), made once per process
    (a lock: the refresh makes it in a background thread while dbt runs, pipeline/refresh.py).

    Analytics are switched off before GX is imported (no network; the gates must never wait on
    a phone-home), and progress bars are off.
    """
    with _GX_LOCK:
        return _GX or _make_gx()


def _make_gx() -> tuple[Any, Any, Any]:
    global _GX
    if _GX is None:
        os.environ["GX_ANALYTICS_ENABLED"] = "false"
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        context.config.analytics_enabled = False
        datasource = context.data_sources.add_pandas("kzm_gates")
        asset = datasource.add_dataframe_asset("frame")
        _GX = (gx, context, asset.add_batch_definition_whole_dataframe("whole_frame"))
    return _GX


def _exception(result: Any) -> str | None:
    info = result.exception_info or {}
    candidates = [info, *(v for v in info.values() if isinstance(v, dict))]
    for item in candidates:
        if item.get("raised_exception"):
            return str(item.get("exception_message") or "exception").splitlines()[0]
    return None


def _validate(
    suite: Suite,
    frame_name: str,
    frame: pd.DataFrame,
    expectations: list[dict[str, Any]],
    params: dict[str, Any],
    sample_size: int,
) -> dict[str, Any]:
    """Validate `frame` against `expectations`; {expectation id: GX result summary}."""
    if not expectations:
        return {}
    gx, _, batch_definition = _gx()
    gx_suite = gx.ExpectationSuite(
        name=f"{suite.name}:{frame_name}",
        expectations=[
            {
                "type": e["type"],
                "kwargs": e["kwargs"],
                "meta": e["meta"],
                "severity": "critical" if e["meta"]["severity"] == "error" else "warning",
            }
            for e in expectations
        ],
    )
    used = {
        v["$PARAMETER"]
        for e in expectations
        for v in e["kwargs"].values()
        if isinstance(v, dict) and "$PARAMETER" in v
    }
    params = {k: v for k, v in params.items() if k in used}
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    # First pass: success only (GX builds far fewer metrics); then the failed expectations
    # again with counts and examples. Most expectations pass, so this halves the GX time.
    validation = batch.validate(
        gx_suite, expectation_parameters=params, result_format={"result_format": "BOOLEAN_ONLY"}
    )
    out = {}
    for r in validation.results:
        out[r.expectation_config.meta["id"]] = {
            "success": bool(r.success),
            "result": dict(r.result or {}),
            "exception": _exception(r),
        }
    failed = [e for e in gx_suite.expectations if not out[e.meta["id"]]["success"]]
    if not validation.success and not failed:
        raise RuntimeError(f"GX reported {suite.name}:{frame_name} failed without a failed result")
    if failed:
        detail_suite = gx.ExpectationSuite(name=f"{suite.name}:{frame_name}:failed")
        for e in failed:
            detail_suite.add_expectation(e)
        detailed = batch.validate(
            detail_suite,
            expectation_parameters=params,
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": sample_size},
        )
        for r in detailed.results:
            out[r.expectation_config.meta["id"]].update(
                result=dict(r.result or {}), exception=_exception(r)
            )
    return out


# ---------------------------------------------------------------------------- one suite


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with contextlib.suppress(ValueError, AttributeError):
            value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _first(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _structural(check: str, frame: str, approach: str, detail: str) -> dict[str, Any]:
    """A check of the runner itself (table present, frame readable): always an error."""
    return {
        "id": check,
        "type": check,
        "column": None,
        "kwargs": {},
        "severity": "error",
        "description": "the runner could read what the suite guards",
        "frame": frame,
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
    frame_name: str,
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
        "kwargs": _jsonable(kwargs),
        "severity": exp["meta"]["severity"],
        "description": exp["meta"].get("description"),
        "frame": frame_name,
        "approach": approach,
        "status": status,
        **extra,
    }


def _message(suite: Suite, rec: dict[str, Any]) -> str:
    where = f"{suite.name}: {rec['type']}"
    if rec["column"]:
        where += f" on column {rec['column']}"
    where += f" [{rec['id']}" + (", DuckDB aggregates]" if rec["approach"] == "aggregates" else "]")
    if not rec["type"].startswith("expect_"):  # the runner's own structural checks
        return f"{suite.name} [{rec['id']}]: {rec['detail']}"
    if rec["status"] == "error":
        return f"{where}: could not be evaluated: {rec['detail']}"
    if rec["type"] == ROW_COUNT or (rec["frame"] == "schema" and rec["unexpected_count"] is None):
        kw = rec["kwargs"]
        if rec["type"] == ROW_COUNT:
            bounds = f"expected between {kw.get('min_value', '-')} and {kw.get('max_value', '-')}"
            return f"{where}: {rec['observed_value']} rows, {bounds}"
        return f"{where}: observed {rec['observed_value']}"
    if rec["type"] == "expect_column_distinct_values_to_contain_set":
        return f"{where}: {rec['unexpected_count']} value(s) missing, e.g. {rec['sample_values']}"
    unit = "rows" if rec["frame"] in ("rows", "aggregates", "schema") else "groups"
    msg = f"{where}: {rec['unexpected_count']} of {rec['element_count']} {unit} unexpected"
    if rec.get("sample_values"):
        msg += f"; e.g. {', '.join(map(str, rec['sample_values']))}"
    if rec.get("sample_keys"):
        msg += f"; at [{'; '.join(rec['sample_keys'])}]"
    if rec.get("breakdown"):
        msg += "; by " + ", ".join(f"{k}: {n}" for k, n in rec["breakdown"].items())
    return msg


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
            f"select {cols}, count(*) from {ident(suite.schema)}.{ident(suite.relation)} "
            f"where {where} group by all order by count(*) desc, {cols} limit 20"
        ).fetchall()
        out[exp["meta"]["id"]] = {"/".join(str(v) for v in r[:-1]): int(r[-1]) for r in rows}
    return out


def _unavailable(
    suite: Suite,
    results: list[dict[str, Any]],
    exps: list[dict[str, Any]],
    frame: str,
    approach: str,
    why: str,
    params: dict[str, Any],
) -> None:
    """One error for a frame that cannot be read; its expectations are skipped."""
    results.append(_structural(f"{frame}_frame_readable", frame, approach, why))
    for e in exps:
        results.append(
            _record(suite, e, frame, approach, "skipped", params, detail="frame unreadable")
        )


# name, frame, its expectations, key columns (for example keys), example keys from DuckDB
_Frame = tuple[str, pd.DataFrame, list[dict[str, Any]], list[str], dict[str, list[str]]]


@dataclass
class _SuiteRead:
    """What the read phase of one suite hands to its validate phase: DataFrames and plain
    values only (no connection, no GX object), so it can be made in a worker thread."""

    suite: Suite
    report: dict[str, Any]  # approach, row_count, band and structural results filled in
    params: dict[str, Any]  # the run's parameters plus this suite's row-count band
    columns: list[tuple[str, str]]  # (name, DuckDB type) of the table; [] when it is missing
    frames: list[_Frame] = field(default_factory=list)
    breakdowns: dict[str, dict[str, int]] = field(default_factory=dict)
    read_s: float = 0.0  # wall time of the read phase


def _read_suite(
    suite: Suite,
    build_db: Path,
    params: dict[str, Any],
    previous_count: int | None,
    settings: Settings,
    spill_dir: Path | None = None,
) -> _SuiteRead:
    """Read phase of a suite: every frame it needs, through its own read-only connection.

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
        "previous_row_count": previous_count,
        "row_count_band": None,
        "frames": {},
        "results": [],
    }
    results: list[dict[str, Any]] = report["results"]
    band_min, band_max = _band(previous_count, settings.band(suite.table))
    params = {**params, "previous_row_count_min": band_min, "previous_row_count_max": band_max}
    if band_min is not None:
        report["row_count_band"] = [band_min, band_max]

    def unavailable(exps: list[dict[str, Any]], frame: str, approach: str, why: str) -> None:
        _unavailable(suite, results, exps, frame, approach, why, params)

    frames: list[_Frame] = []
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
        frames.append(("schema", schema_frame(columns), suite.expectations_for("schema"), [], {}))
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
                others = [e for e in suite.expectations if e["meta"]["frame"] != "schema"]
                unavailable(others, "table", "none", f"cannot read {suite.table}: {_first(exc)}")
        report["row_count"] = n
        if n is not None or report["approach"] == "schema":
            rows_exps = suite.expectations_for("rows")
            try:
                if n is not None and n > settings.large_table_row_threshold:
                    report["approach"] = "aggregates"
                    agg = aggregate_frame(con, suite, present, params, settings.sample_size)
                    frames.append(("aggregates", agg.frame, agg.expectations, [], agg.samples))
                elif n is not None:  # None: a schema-only suite has no rows frame
                    rows = rows_frame(con, suite, present)
                    frames.append(("rows", rows, rows_exps, suite.key, {}))
                breakdowns = _breakdowns(con, suite, params, present)
            except duckdb.Error as exc:
                unavailable(rows_exps, "rows", report["approach"], _first(exc))
            for name, spec in suite.frames.items():
                try:
                    frame = custom_frame(con, suite, name)
                except duckdb.Error as exc:
                    unavailable(suite.expectations_for(name), name, "sql", _first(exc))
                    continue
                frames.append((name, frame, suite.expectations_for(name), spec.get("key", []), {}))
    return _SuiteRead(
        suite, report, params, columns, frames, breakdowns, read_s=time.perf_counter() - started
    )


def _validate_suite(read: _SuiteRead, settings: Settings) -> dict[str, Any]:
    """Validate phase of a suite: GX on the frames of its read phase; the finished report.

    Always on the calling (main) thread. The suite's `duration_s` is its read time plus its
    validation time; in `run_gates` its read may have overlapped other suites' validation.
    """
    started = time.perf_counter()
    suite, report, params = read.suite, read.report, read.params
    columns, frames, breakdowns = read.columns, read.frames, read.breakdowns
    results: list[dict[str, Any]] = report["results"]

    def unavailable(exps: list[dict[str, Any]], frame: str, approach: str, why: str) -> None:
        _unavailable(suite, results, exps, frame, approach, why, params)

    for name, frame, exps, key, samples in frames:
        approach = (
            report["approach"]
            if name in ("rows", "aggregates")
            else ("catalog" if name == "schema" else "sql")
        )
        report["frames"][name] = {"rows": len(frame), "approach": approach}
        available = set(frame.columns)
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
                    "no previous good build with this table to compare with"
                    if any(p.startswith("previous_row_count") for p in unresolved)
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
                    f"column {c} is missing from the {name} frame of {suite.table}; "
                    f"not evaluated: {', '.join(ids)}",
                )
            )
        try:
            outcome = _validate(suite, name, frame, active, params, settings.sample_size)
        except Exception as exc:  # a GX failure to run is a failed gate, not a crash
            unavailable(active, name, approach, f"GX: {type(exc).__name__}: {_first(exc)}")
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
                observed_value=_jsonable(res.get("observed_value")),
                sample_values=_dedupe(_jsonable(res.get("partial_unexpected_list") or [])),
                sample_keys=[],
            )
            if rec["element_count"] is None and name != "aggregates":
                rec["element_count"] = len(frame)
            if any(isinstance(v, dict | list | bool) for v in rec["sample_values"]):
                rec["sample_values"] = []  # compound or boolean values: the keys say more
            if e["type"] == "expect_column_distinct_values_to_contain_set" and res:
                rec["unexpected_count"] = res["missing_count"]
                rec["sample_values"] = _jsonable(res.get("partial_missing_list") or [])
            if name == "aggregates" and "translated_from" in e["meta"]:
                agg_col = e["kwargs"]["column"]
                rec["element_count"] = int(frame.at[0, "row_count"])
                rec["sample_values"] = []
                if rec["type"] == ROW_COUNT:
                    rec["unexpected_count"] = None
                    rec["observed_value"] = int(frame.at[0, "row_count"])
                elif agg_col in frame.columns:
                    rec["unexpected_count"] = int(frame.at[0, agg_col])
                    rec["sample_keys"] = samples.get(rec["id"], [])
            elif rec["status"] == "failed" and key:
                idx = res.get("partial_unexpected_index_list") or []
                cols = [c for c in key if c in frame.columns]
                rec["sample_keys"] = _dedupe(
                    [format_key(cols, frame.loc[i, cols].tolist()) for i in idx if i in frame.index]
                )
            if rec["status"] == "failed" and rec["id"] in breakdowns:
                rec["breakdown"] = breakdowns[rec["id"]]
            results.append(rec)
    report["duration_s"] = round(read.read_s + time.perf_counter() - started, 3)
    return report


# ----------------------------------------------------------------------------- the gate run

_READ_WORKERS = 2  # the machine has 2 cores; GX validates on the main thread meanwhile


def _run_suites(
    build_db: Path,
    suites: list[Suite],
    params: dict[str, Any],
    previous: dict[str, int | None],
    settings: Settings,
) -> list[dict[str, Any]]:
    """Every suite's report, in suite order: reads in a 2-thread pool, GX on this thread.

    A suite spends its time either in DuckDB (its reads; DuckDB releases the GIL while a query
    runs) or in GX (pure Python, holds the GIL). At 10^8 rows raw.od_flow_cells spends ~6 s in
    DuckDB while the other suites spend ~7 s mostly in GX. So the read phase of every suite is
    submitted, in order, to a pool of 2 threads and runs ahead, while this thread validates the
    suites in the order their reads finish (a slow read holds up no other suite): DuckDB
    overlaps GX on the 2 cores (DuckDB's aggregates use both cores themselves, so the gain is
    the core time a sequential run leaves idle, a few seconds at 10^8, not the whole GX time).
    Reports come back in suite order with the same contents as a sequential run (read, validate);
    an exception from a read or a validation is raised here and the reads not started yet are
    cancelled (the `with` waits for the at most 2 running ones).

    Memory: reads run ahead of validation, so the frames of every suite may be held at once.
    They are small (schema frames, one-row aggregates, grouped custom frames) except the rows
    frames of tables at or below the large-table threshold (tens of thousands of rows at most);
    a large table is never read into pandas (aggregates), so this stays bounded.

    DuckDB: connections to one file opened with the same settings in one process share one
    database instance (DuckDB's instance cache), with one `memory_limit`, one thread pool
    (default: one thread per core) and one spill directory however many connections there are;
    a second instance of the file with other settings is refused (ConnectionException), so
    per-read memory limits or spill directories are not possible. The `anchor` connection keeps
    that one instance open for the whole run and every read's own connection joins it: two
    concurrent reads together stay within `duckdb_memory_limit` (as one read did before, well
    inside the refresh's 4 GiB budget), so the limit is not halved, and they share the spill
    directory safely (one buffer manager names and removes its temp files). Without the anchor a
    read closing the last connection tears the instance down while the other thread opens a new
    one: two instances on one spill directory write the same `duckdb_temp_storage_*-0.tmp` files
    (DuckDB 1.5 crashes when both spill) and a closing one deletes every `duckdb_temp_*` file
    there. The anchor also keeps DuckDB's buffer cache (bounded by the same limit) until the end
    of the run instead of dropping it after each suite.
    """
    with (
        tempfile.TemporaryDirectory(prefix="kzm-gates-spill-") as spill,
        read_only(build_db, settings.duckdb_memory_limit, Path(spill)),  # the anchor
        ThreadPoolExecutor(_READ_WORKERS, thread_name_prefix="kzm-gates-read") as pool,
    ):
        futures = [
            pool.submit(
                _read_suite, s, build_db, params, previous.get(s.table), settings, Path(spill)
            )
            for s in suites
        ]
        reports: list[dict[str, Any]] = [{}] * len(futures)
        try:
            for future in as_completed(futures):  # whichever read is done first
                reports[futures.index(future)] = _validate_suite(future.result(), settings)
            return reports
        except BaseException:
            for future in futures:  # a read or a validation raised: start no further read
                future.cancel()
            raise


def run_gates(
    build_db: Path,
    previous_db: Path | None,
    report_path: Path,
    *,
    suites_dir: Path = SUITES_DIR,
    config_path: Path = CONFIG_PATH,
    large_table_row_threshold: int | None = None,
    only: list[str] | tuple[str, ...] | None = None,
) -> GateReport:
    """Validate `build_db` (read-only) against every suite; write the JSON report.

    `previous_db` is the currently served build (None on the first refresh): row counts are
    compared with its own. The keyword-only arguments exist for tests and benchmarks (another
    suites directory or settings file, another large-table threshold, a subset of the suites by
    name); the refresh uses none of them.
    """
    started_at = datetime.now(UTC)
    t0, c0 = time.perf_counter(), time.process_time()
    build_db, report_path = Path(build_db), Path(report_path)
    if not build_db.is_file():
        raise FileNotFoundError(f"build file {build_db} does not exist")
    settings = load_settings(config_path)
    if large_table_row_threshold is not None:
        settings.large_table_row_threshold = large_table_row_threshold
    suites = load_suites(suites_dir, settings)
    if only is not None:
        unknown = set(only) - {s.name for s in suites}
        if unknown:
            raise GateConfigError(f"no suite named {sorted(unknown)}")
        suites = [s for s in suites if s.name in only]
    previous = previous_row_counts(
        previous_db, [s.table for s in suites if s.expectations_for("rows")]
    )
    with read_only(build_db) as con:
        params = gate_parameters(con)
    reports = _run_suites(build_db, suites, params, previous, settings)

    errors, warnings = [], []
    by_name = {s.name: s for s in suites}
    for rep in reports:
        for rec in rep["results"]:
            if rec["status"] not in ("failed", "error"):
                continue
            rec["message"] = _message(by_name[rep["suite"]], rec)
            # an expectation that could not be evaluated is a structural defect: an error
            if rec["severity"] == "error" or rec["status"] == "error":
                errors.append(rec["message"])
            else:
                warnings.append(rec["message"])
    duration, cpu = time.perf_counter() - t0, time.process_time() - c0
    report = GateReport(
        passed=not errors,
        errors=errors,
        warnings=warnings,
        report_path=report_path,
        suites=reports,
        duration_s=duration,
        cpu_s=cpu,
    )
    from importlib.metadata import version

    document = {
        "passed": report.passed,
        "error_count": len(errors),
        "warning_count": report.warning_count,
        "errors": errors,
        "warnings": warnings,
        "build_db": str(build_db),
        "previous_db": str(previous_db) if previous_db else None,
        "started_at": started_at.isoformat(timespec="seconds"),
        "duration_s": round(duration, 3),
        "cpu_s": round(cpu, 3),
        "settings": {
            "large_table_row_threshold": settings.large_table_row_threshold,
            "row_count_band_default": settings.default_band,
            "row_count_band_tables": settings.table_bands,
            "severity_overrides": settings.severity_overrides,
            "duckdb_memory_limit": settings.duckdb_memory_limit,
        },
        "versions": {
            "great_expectations": version("great-expectations"),
            "duckdb": duckdb.__version__,
            "pandas": pd.__version__,
        },
        "parameters": {k: len(v) for k, v in params.items()},
        "suites": reports,
    }
    report_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = report_path.with_name(report_path.name + ".tmp")
    tmp.write_text(json.dumps(_jsonable(document), indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, report_path)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m expectations.gates", description=__doc__)
    parser.add_argument("--db", required=True, type=Path, help="build file to check")
    parser.add_argument("--previous", type=Path, help="the currently served build, if any")
    parser.add_argument("--report", required=True, type=Path, help="where to write the JSON")
    parser.add_argument("--large-table-threshold", type=int, help="override config.yml")
    parser.add_argument(
        "--suite", action="append", help="run only this suite (repeatable; for debugging)"
    )
    args = parser.parse_args(argv)
    try:
        report = run_gates(
            args.db,
            args.previous,
            args.report,
            large_table_row_threshold=args.large_table_threshold,
            only=args.suite,
        )
    except (GateConfigError, FileNotFoundError) as exc:
        print(f"gates: {exc}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
