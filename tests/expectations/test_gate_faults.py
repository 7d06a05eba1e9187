"""The quality gates on the sample build, and fault injection on copies of it: each defect must
make `passed` False with a message naming the table, the column and where the defect is (the
source file and row, not an internal key); a warn-level finding publishes. Rules on mart columns
that dbt declares are dbt's (tests/expectations/test_rule_owners.py): no fault here relies on
one of them."""

from __future__ import annotations

import json
import socket

import duckdb
import pytest

from expectations import suite_validation
from expectations.gates import run_gates

# (id, statements, suites to run, words every matching error line must contain)
FAULTS = [
    (
        "duplicated raw cell",
        [
            "insert into raw.observations select * replace (observation_id || '-copy' as "
            "observation_id) from raw.observations order by observation_id limit 1"
        ],
        ["raw.observations"],
        ["raw.observations", "unique__source_cell", "source_file,sheet,row_number,column_name"],
    ),
    (
        "duplicated raw row",
        ["insert into {cells} select * from {cells} order by row_number desc limit 1"],
        ["raw.od_flow_cells"],
        [
            "raw.od_flow_cells",
            "unique__cell",
            "file_key,column_key,row_number",
            "2 of",
            "at [source_file=",
            "column_name=",
        ],
    ),
    (
        "unknown region in raw",
        [
            "update raw.od_flow_places set region_code = '990000000' where (file_key, place_key) "
            "= (select min((file_key, place_key)) from raw.od_flow_places)"
        ],
        ["raw.od_flow_places"],
        [
            "raw.od_flow_places",
            "known__region_code",
            "column region_code",
            "1 of",
            "990000000",
            "at [source_file=",
        ],
    ),
    (
        "negative raw flow",
        ["update {cells} set value = -3 where row_number = (select min(row_number) from {cells})"],
        ["raw.od_flow_cells"],
        ["raw.od_flow_cells", "column value", "1 of"],
    ),
    (
        "raw cell without its dictionary entry",
        [
            "delete from raw.od_flow_measures where (file_key, measure_key) = "
            "(select min((file_key, measure_key)) from raw.od_flow_measures)"
        ],
        ["raw.od_flow_cells"],
        ["raw.od_flow_cells", "known__dictionary_keys", "od_flow_measures"],
    ),
    (
        "raw row without a loaded file",
        [
            "update raw.load_manifest set status = 'superseded' where source_file = "
            "(select min(source_file) from raw.observations)"
        ],
        ["raw.observations"],
        ["raw.observations", "lineage__in_load_manifest"],
    ),
    (
        "empty raw table",
        ["delete from {cells}"],
        ["raw.od_flow_cells", "raw.od_flows"],
        ["rows_not_empty", "0 rows"],
    ),
    (
        "duplicated place in raw",
        [
            "update raw.od_flow_places as p set as_written = (select max(q.as_written) from "
            "raw.od_flow_places as q where q.file_key = p.file_key and q.year = p.year and "
            "q.place_key <> p.place_key) where (p.file_key, p.place_key) = "
            "(select min((file_key, place_key)) from raw.od_flow_places)"
        ],
        ["raw.od_flow_places"],
        ["raw.od_flow_places", "unique__place_as_written", "2 of", "at [source_file="],
    ),
    (
        "region outside the row's region frame",
        [  # Shymkent exists in dim_region, but is no unit of kz16
            "update marts.fct_socioeconomic_scores set region_code = '790000000' where rowid = "
            "(select min(rowid) from marts.fct_socioeconomic_scores where region_frame = 'kz16')"
        ],
        ["marts.fct_socioeconomic_scores"],
        ["marts.fct_socioeconomic_scores", "region_code", "kz16:790000000", "1 of"],
    ),
    (
        "negative arrivals",
        [
            "update marts.fct_migration_balance set arrivals = -5 where rowid = (select max(rowid) "
            "from marts.fct_migration_balance where arrivals is not null)"
        ],
        ["marts.fct_migration_balance"],
        ["marts.fct_migration_balance", "range__arrivals", "column arrivals", "1 of"],
    ),
    (
        "empty mart",
        ["delete from marts.fct_migration_attractiveness"],
        ["marts.fct_migration_attractiveness"],
        ["marts.fct_migration_attractiveness", "rows_not_empty", "0 rows"],
    ),
    (
        "coefficient above 1 with a negative balance",
        [
            "update marts.fct_migration_attractiveness set attractiveness_coefficient = "
            "1 / attractiveness_coefficient where rowid = (select min(rowid) from "
            "marts.fct_migration_attractiveness where attractiveness_coefficient <> 1)"
        ],
        ["marts.fct_migration_attractiveness"],
        [
            "marts.fct_migration_attractiveness",
            "identity__coefficient_above_1_iff_net_positive",
            "1 of",
        ],
    ),
    (
        "error-level data quality issue",
        [
            "insert into marts.data_quality_issues (issue_id, check_name, severity, region_code, "
            "year, measure) values ('injected', 'population_sources_disagree', 'error', "
            "'110000000', 2020, 'population')"
        ],
        ["marts.data_quality_issues"],
        [
            "marts.data_quality_issues",
            "issues__error",
            "column severity",
            "1 of",
            "population_sources_disagree: 1",
        ],
    ),
    (
        "missing column",
        ["alter table raw.load_manifest drop column rows_landed"],
        ["raw.load_manifest"],
        ["raw.load_manifest", "rows_landed"],
    ),
]


def errors_matching(report, words):
    return [m for m in report.errors if all(w in m for w in words)]


def test_sample_build_passes_every_error_level_check(baseline):
    assert baseline.passed, baseline.summary()
    assert baseline.errors == []
    assert baseline.warning_count == len(baseline.warnings)
    doc = json.loads(baseline.report_path.read_text(encoding="utf-8"))
    assert doc["passed"] is True
    approaches = {s["suite"]: s["approach"] for s in doc["suites"]}
    schema_only = {"raw.od_flows", "staging.stg_raw__od_flows"}  # views over gated tables
    assert {n for n, a in approaches.items() if a == "schema"} == schema_only
    assert {a for n, a in approaches.items() if n not in schema_only} == {"rows"}  # small
    results = [r for s in doc["suites"] for r in s["results"]]
    assert results and all(r["status"] in ("passed", "failed", "skipped") for r in results)
    # compared with itself, no row-count band is skipped
    assert not [r for r in results if r["status"] == "skipped"]


def test_sample_gates_are_fast(baseline):
    """Target: ~20 s for the gates on the sample, GX import included (the session's first run).
    CPU time is asserted: wall time depends on what else the machine runs."""
    print(f"gates on the sample: {baseline.duration_s:.1f}s wall, {baseline.cpu_s:.1f}s CPU")
    assert baseline.cpu_s < 20


@pytest.mark.parametrize(("statements", "suites", "words"), [f[1:] for f in FAULTS],
                         ids=[f[0] for f in FAULTS])  # fmt: skip
def test_fault_blocks(faulty_build, tmp_path, served_dir, statements, suites, words):
    db = faulty_build(*statements)
    report = run_gates(db, served_dir, tmp_path / "gates.json", only=suites)
    assert not report.passed
    assert errors_matching(report, words), report.summary()


# faults that hide others when combined (an empty table has no rows to find defects in)
NOT_COMBINED = {"empty raw table", "empty mart"}


def test_all_faults_in_one_full_run(faulty_build, tmp_path, served_dir):
    """Every fault at once, every suite: each is still named (no fault masks another)."""
    statements = [s for fault in FAULTS if fault[0] not in NOT_COMBINED for s in fault[1]]
    db = faulty_build(*statements)
    report = run_gates(db, served_dir, tmp_path / "gates.json")
    assert not report.passed
    for name, _, _, words in FAULTS:
        if name not in NOT_COMBINED:
            words = [w for w in words if not w.endswith(" of")]  # counts may add up
            assert errors_matching(report, words), (name, report.summary())
    doc = json.loads((tmp_path / "gates.json").read_text(encoding="utf-8"))
    assert doc["errors"] == report.errors and doc["passed"] is False


def test_warn_level_findings_publish_and_are_listed(faulty_build, tmp_path, served_dir, baseline):
    def dq_warn_rows(report):
        suite = next(s for s in report.suites if s["suite"] == "marts.data_quality_issues")
        rec = next(r for r in suite["results"] if r["id"] == "issues__warn")
        return rec.get("unexpected_count") or 0

    db = faulty_build(
        "insert into marts.data_quality_issues (issue_id, check_name, severity, region_code, "
        "year, measure) values ('injected', 'balance_yoy_outlier', 'warn', '110000000', 2020, "
        "'net_migration')",
        "update marts.fct_migration_balance set arrivals_per_1000 = 400 where rowid = "
        "(select min(rowid) from marts.fct_migration_balance where arrivals_per_1000 < 100)",
    )
    only = ["marts.data_quality_issues", "marts.fct_migration_balance"]
    report = run_gates(db, served_dir, tmp_path / "gates.json", only=only)
    assert report.passed, report.summary()
    assert report.warning_count == len(report.warnings) >= 2
    dq = [w for w in report.warnings if "marts.data_quality_issues" in w and "issues__warn" in w]
    assert dq and "column severity" in dq[0] and "balance_yoy_outlier" in dq[0]
    assert dq_warn_rows(report) == dq_warn_rows(baseline) + 1
    rate = [w for w in report.warnings if "plausible__arrivals_per_1000" in w]
    assert rate and "marts.fct_migration_balance" in rate[0] and "1 of" in rate[0]
    assert "column arrivals_per_1000" in rate[0]
    assert "WARN" in report.summary() and "PASSED" in report.summary()


def test_large_tables_are_validated_as_duckdb_aggregates(
    built_db, served_dir, tmp_path, monkeypatch
):
    """Above the threshold no row is read into pandas; the verdict is the same."""

    def no_rows(*args, **kwargs):
        raise AssertionError("rows read into pandas above the large-table threshold")

    monkeypatch.setattr(suite_validation, "rows_batch", no_rows)
    report = run_gates(built_db, served_dir, tmp_path / "gates.json", large_table_row_threshold=-1)
    assert report.passed, report.summary()
    assert {s["approach"] for s in report.suites} == {"aggregates", "schema"}
    agg = next(s for s in report.suites if s["suite"] == "raw.od_flow_cells")["batches"][
        "aggregates"
    ]
    assert agg["rows"] == 1


@pytest.mark.parametrize(
    "fault",
    [
        "duplicated raw cell",
        "duplicated raw row",
        "unknown region in raw",
        "empty raw table",
        "region outside the row's region frame",
        "duplicated place in raw",
        "negative arrivals",
        "error-level data quality issue",
    ],
)
def test_aggregates_find_the_same_faults(faulty_build, tmp_path, served_dir, fault):
    _, statements, suites, words = next(f for f in FAULTS if f[0] == fault)
    db = faulty_build(*statements)
    rows = run_gates(db, served_dir, tmp_path / "rows.json", only=suites)
    aggs = run_gates(
        db, served_dir, tmp_path / "aggs.json", only=suites, large_table_row_threshold=-1
    )
    # the cells' uniqueness is checked on a SQL batch (the row-by-row files' cells) in both
    # approaches: the other faults are found by DuckDB aggregates
    marker = [] if fault == "duplicated raw row" else ["DuckDB aggregates"]
    assert not aggs.passed and errors_matching(aggs, [*words[:2], *marker])
    if fault == "duplicated place in raw":  # a duplicated key is located by file and row
        assert errors_matching(aggs, [*words, "(at place_key="]), aggs.summary()

    def failed(report):
        return sorted(
            (s["suite"], r["id"], r.get("unexpected_count"))
            for s in report.suites
            for r in s["results"]
            if r["status"] in ("failed", "error")
        )

    assert failed(rows) == failed(aggs)


def test_gates_never_touch_the_network(built_db, served_dir, tmp_path, monkeypatch):
    attempts = []

    def refuse(self, address, *args):
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    report = run_gates(built_db, served_dir, tmp_path / "gates.json", only=["raw.load_manifest"])
    assert report.passed and attempts == []


def test_missing_build_file_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        run_gates(tmp_path / "nope.duckdb", None, tmp_path / "gates.json")


def test_severity_override_from_config(faulty_build, tmp_path, served_dir):
    """An analyst can downgrade one expectation in config.yml without editing its suite."""
    from expectations.settings import CONFIG_PATH

    config = tmp_path / "config.yml"
    config.write_text(
        CONFIG_PATH.read_text(encoding="utf-8").replace(
            "severity_overrides: {}", 'severity_overrides: {"raw.od_flow_cells/range__value": warn}'
        ),
        encoding="utf-8",
    )
    _, statements, suites, words = next(f for f in FAULTS if f[0] == "negative raw flow")
    db = faulty_build(*statements)
    report = run_gates(db, served_dir, tmp_path / "gates.json", only=suites, config_path=config)
    assert report.passed, report.summary()
    assert [w for w in report.warnings if all(x in w for x in words)]


def test_a_failed_load_stops_warning_once_the_file_has_loaded_again(
    faulty_build, served_dir, tmp_path
):
    """`no_failed_file` warns about a file whose last load failed (it keeps its old rows), naming
    the file; a failure followed by a successful load of the same file, or by an ingest that
    found the file back at its landed version (last_seen_at), no longer counts."""
    failed_row = (
        "insert into raw.load_manifest (source_file, file_sha256, source_id, file_bytes, status, "
        "rows_landed, duplicate_of, message, load_id, loaded_at) select source_file, "
        "repeat('{digit}', 64), source_id, file_bytes, 'failed', 0, null, 'injected failure', "
        "'injected', loaded_at + interval '{shift}' from raw.load_manifest where source_file = "
        "({file}) and status = 'loaded'"
    )
    loaded = "select source_file from raw.load_manifest where status = 'loaded' order by 1"
    first, second = f"{loaded} limit 1", f"{loaded} limit 1 offset 1"
    last = f"{loaded} desc limit 1"
    db = faulty_build(
        failed_row.format(digit="a", shift="-1 day", file=first),  # then loaded again: fixed
        failed_row.format(digit="b", shift="1 day", file=last),  # its last load failed
        # failed, then found back at its landed version by a later ingest: fixed too
        failed_row.format(digit="c", shift="1 day", file=second),
        "update raw.load_manifest set last_seen_at = loaded_at + interval '2 days' "
        f"where status = 'loaded' and source_file = ({second})",
    )
    with duckdb.connect(str(db), read_only=True) as con:
        files = [con.execute(q).fetchone()[0] for q in (first, second, last)]
    assert len(set(files)) == 3
    report = run_gates(db, served_dir, tmp_path / "gates.json", only=["raw.load_manifest"])
    assert report.passed, report.summary()
    warned = [w for w in report.warnings if "no_failed_file" in w]
    assert len(warned) == 1 and "1 of" in warned[0], report.summary()
    assert f"source_file={files[2]}" in warned[0]
    assert files[0] not in warned[0] and files[1] not in warned[0]
