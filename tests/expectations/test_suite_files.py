"""The suite files themselves: valid GX suites, a severity on every expectation, one suite per
guarded table, and a clear error for a malformed suite."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from expectations.settings import SUITES_DIR, GateConfigError
from expectations.suite_files import load_suites
from ingest.raw_store import OD_TABLES, is_od_cells_table

MARTS = {
    "marts.dim_region",
    "marts.region_frame_map",
    "marts.fct_migration_flows",
    "marts.fct_migration_balance",
    "marts.fct_migration_attractiveness",
    "marts.fct_socioeconomic_scores",
    "marts.fct_region_scorecard",
    "marts.data_quality_issues",
    "marts.dim_source",
    "marts.dim_region_distance",
    "marts.fct_migration_system_indices",
    "marts.fct_indicator_migration_association",
    "marts.fct_gravity_sample",
    "marts.fct_gravity_estimates",
    "marts.paper_claims",
    "marts.fct_migration_paper_view",
}
RAW_AND_STAGING = {
    "raw.observations",
    "raw.od_flows",
    *(f"raw.{t}" for t in OD_TABLES),
    "raw.load_manifest",
    "raw.source_registry",
    "staging.stg_raw__observations",
    "staging.stg_raw__od_flows",
    "staging.stg_raw__source_registry",
}


def test_one_suite_per_guarded_table():
    tables = [s.table for s in load_suites()]
    assert len(tables) == len(set(tables))
    assert set(tables) == RAW_AND_STAGING | MARTS


def test_every_table_of_the_build_is_guarded(built_db):
    """A new raw table, staging view or mart without a suite fails here."""
    with duckdb.connect(str(built_db), read_only=True) as con:
        built = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema in ('raw', 'staging', 'marts')"
            ).fetchall()
        }
    # the per-file OD cells tables are guarded through their union view, raw.od_flow_cells
    cells_tables = {t for t in built if is_od_cells_table(t.removeprefix("raw."))}
    assert cells_tables and "raw.od_flow_cells" in built
    assert built - cells_tables - {s.table for s in load_suites()} == set()


def test_suites_are_gx_suites_with_a_severity_each():
    import great_expectations as gx

    for path in sorted(SUITES_DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        suite = gx.ExpectationSuite(**doc)  # GX accepts the file as it is stored
        assert suite.expectations, path.name
        for exp in doc["expectations"]:
            assert exp["meta"]["severity"] in ("error", "warn"), (path.name, exp)
            assert exp["meta"]["id"], (path.name, exp)


def test_structural_checks_are_errors():
    """Schema, not-null, uniqueness and known-region checks never degrade to warnings."""
    for suite in load_suites():
        for exp in suite.expectations:
            exp_id = exp["meta"]["id"]
            if exp_id.startswith(
                ("schema_", "not_null__", "unique__", "known__", "rows_not_empty")
            ):
                assert exp["meta"]["severity"] == "error", (suite.name, exp_id)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda e: e["meta"].pop("severity"), "meta.severity"),
        (lambda e: e["meta"].update(batch="nowhere"), "unknown batch"),
        (lambda e: e.update(type="expect_column_kl_divergence_to_be_less_than"), "aggregate form"),
        (lambda e: e["meta"].pop("id"), "meta.id"),
    ],
)
def test_malformed_suite_is_rejected(tmp_path, edit, message):
    suites = tmp_path / "suites"
    shutil.copytree(SUITES_DIR, suites)
    path = suites / "raw__od_flow_cells.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    row_level = next(e for e in doc["expectations"] if e["meta"].get("batch", "rows") == "rows")
    edit(row_level)
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(GateConfigError, match=message):
        load_suites(suites)
