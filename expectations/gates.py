"""Run the quality gates on a build file: `run_gates(build_db, served_build_dir, report_path)`.

For every suite in `expectations/suites/` (one per guarded table of the raw, staging and marts
layers) the gates read the batches the suite needs through a short-lived read-only DuckDB
connection (GX has no DuckDB datasource, `batches.py`), validate them with Great Expectations'
pandas datasource in an ephemeral context (`context.py`), and decide themselves: GX does not
raise when expectations fail, so every result's `success` is checked (`suite_validation.py`). An
`error`-severity failure blocks publishing; a `warn` failure is reported and publishes. Tables
above the large-table threshold are never read row by row into pandas: their row-level
expectations are computed as aggregates in DuckDB and GX validates the aggregates
(`aggregates.py`). The full report is written as JSON (`report.py`).

Row-count bands compare with the served build's row counts, read from its record
(`served_build.py`): the served build's DuckDB file is never opened.

The reads run in a pool of 2 threads, ahead of the validation, which stays on the main thread,
suite after suite: DuckDB releases the GIL while a query runs and GX is pure Python, so the
DuckDB work of one suite (seconds for the aggregates of 10^8 OD cells) overlaps the GX work of
the others on the 2 cores. The report is the same as a sequential run's (see `_run_suites`).

Command line: `python -m expectations.gates --db BUILD [--served-build DIR] --report OUT.json`
(exit 0 when every error-level check passed, 1 otherwise).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from expectations.batches import gate_parameters, read_only
from expectations.context import prepare_gx
from expectations.report import GateReport, message, write_json
from expectations.served_build import served_row_counts
from expectations.settings import CONFIG_PATH, SUITES_DIR, GateConfigError, Settings, load_settings
from expectations.suite_files import Suite, load_suites
from expectations.suite_validation import read_suite, validate_suite

__all__ = ["GateReport", "run_gates", "main", "prepare_gx"]


_READ_WORKERS = 2  # the machine has 2 cores; GX validates on the main thread meanwhile


def _run_suites(
    build_db: Path,
    suites: list[Suite],
    params: dict[str, Any],
    served: dict[str, int | None],
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

    Memory: reads run ahead of validation, so the batches of every suite may be held at once.
    They are small (schema batches, one-row aggregates, grouped SQL batches) except the rows
    batches of tables at or below the large-table threshold (tens of thousands of rows at most);
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
            pool.submit(read_suite, s, build_db, params, served.get(s.table), settings, Path(spill))
            for s in suites
        ]
        reports: list[dict[str, Any]] = [{}] * len(futures)
        try:
            for future in as_completed(futures):  # whichever read is done first
                reports[futures.index(future)] = validate_suite(future.result(), settings)
            return reports
        except BaseException:
            for future in futures:  # a read or a validation raised: start no further read
                future.cancel()
            raise


def run_gates(
    build_db: Path,
    served_build_dir: Path | None,
    report_path: Path,
    *,
    suites_dir: Path = SUITES_DIR,
    config_path: Path = CONFIG_PATH,
    large_table_row_threshold: int | None = None,
    only: list[str] | tuple[str, ...] | None = None,
) -> GateReport:
    """Validate `build_db` (read-only) against every suite; write the JSON report.

    `served_build_dir` is the folder of the currently served build (`warehouse/builds/<id>/`;
    None on the first refresh): row counts are compared with those of its record
    (`core.build_record`), never by opening its file. Without a record the bands are skipped
    and the report says so. The keyword-only arguments exist for tests and benchmarks (another
    suites directory or settings file, another large-table threshold, a subset of the suites by
    name); the refresh uses none of them.
    """
    started_at = datetime.now(UTC)
    t0, c0 = time.perf_counter(), time.process_time()
    build_db, report_path = Path(build_db), Path(report_path)
    settings = load_settings(config_path)  # a malformed config.yml fails before anything runs
    if large_table_row_threshold is not None:
        settings.large_table_row_threshold = large_table_row_threshold
    suites = load_suites(suites_dir, settings)
    if not build_db.is_file():
        raise FileNotFoundError(f"build file {build_db} does not exist")
    if only is not None:
        unknown = set(only) - {s.name for s in suites}
        if unknown:
            raise GateConfigError(f"no suite named {sorted(unknown)}")
        suites = [s for s in suites if s.name in only]
    served = served_row_counts(
        served_build_dir, [s.table for s in suites if s.expectations_for("rows")]
    )
    notes = [served.note] if served.note else []
    with read_only(build_db) as con:
        params = gate_parameters(con)
    reports = _run_suites(build_db, suites, params, served.counts, settings)
    errors, warnings = _findings(suites, reports)
    duration, cpu = time.perf_counter() - t0, time.process_time() - c0
    report = GateReport(
        passed=not errors,
        errors=errors,
        warnings=warnings,
        report_path=report_path,
        suites=reports,
        duration_s=duration,
        cpu_s=cpu,
        notes=notes,
    )
    document = {
        "passed": report.passed,
        "error_count": len(errors),
        "warning_count": report.warning_count,
        "errors": errors,
        "warnings": warnings,
        "notes": notes,
        "build_db": str(build_db),
        "served_build": str(served_build_dir) if served_build_dir else None,
        "served_build_id": served.build_id,
        "started_at": started_at.isoformat(timespec="seconds"),
        "duration_s": round(duration, 3),
        "cpu_s": round(cpu, 3),
        "settings": _settings_summary(settings),
        "versions": {
            "great_expectations": version("great-expectations"),
            "duckdb": duckdb.__version__,
            "pandas": pd.__version__,
        },
        "parameters": {k: len(v) for k, v in params.items()},
        "suites": reports,
    }
    write_json(report_path, document)
    return report


def _findings(suites: list[Suite], reports: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(error messages, warning messages); each failed record gets its `message`."""
    errors, warnings = [], []
    by_name = {s.name: s for s in suites}
    for rep in reports:
        for rec in rep["results"]:
            if rec["status"] not in ("failed", "error"):
                continue
            rec["message"] = message(by_name[rep["suite"]], rec)
            # an expectation that could not be evaluated is a structural defect: an error
            if rec["severity"] == "error" or rec["status"] == "error":
                errors.append(rec["message"])
            else:
                warnings.append(rec["message"])
    return errors, warnings


def _settings_summary(settings: Settings) -> dict[str, Any]:
    return {
        "large_table_row_threshold": settings.large_table_row_threshold,
        "row_count_band_default": settings.default_band,
        "row_count_band_tables": settings.table_bands,
        "severity_overrides": settings.severity_overrides,
        "duckdb_memory_limit": settings.duckdb_memory_limit,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m expectations.gates", description=__doc__)
    parser.add_argument("--db", required=True, type=Path, help="build file to check")
    parser.add_argument(
        "--served-build",
        type=Path,
        help="folder of the currently served build (its build_record.json gives the row counts)",
    )
    parser.add_argument("--report", required=True, type=Path, help="where to write the JSON")
    parser.add_argument("--large-table-threshold", type=int, help="override config.yml")
    parser.add_argument(
        "--suite", action="append", help="run only this suite (repeatable; for debugging)"
    )
    args = parser.parse_args(argv)
    try:
        report = run_gates(
            args.db,
            args.served_build,
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
