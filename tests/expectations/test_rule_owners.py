"""One owner per rule: no rule (table, columns, check) is declared both by dbt (contracts,
constraints, generic tests, singular tests) and by a quality-gate suite. The comparison is shown
to work: a synthetic duplicate on either side makes it fail, and the dbt side finds the rules
the dbt project is known to declare."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from core.paths import DBT_PROJECT_DIR
from expectations.rule_owners import Rule, dbt_columns, dbt_rules, gate_rules, rules_in_both
from expectations.settings import SUITES_DIR
from expectations.suite_files import load_suites


def shared(dbt_dir: Path = DBT_PROJECT_DIR, suites_dir: Path = SUITES_DIR) -> list[str]:
    pairs = rules_in_both(
        dbt_rules(dbt_dir), gate_rules(load_suites(suites_dir), dbt_columns(dbt_dir))
    )
    return [f"{g.table} {g.check} {g.columns}: {g.origin} and {d.origin}" for d, g in pairs]


def test_no_rule_is_declared_in_both_places():
    assert shared() == [], "declared both in dbt and in a suite (keep one owner):\n" + "\n".join(
        shared()
    )


def has(rules: list[Rule], table: str, columns: tuple[str, ...], check: str) -> bool:
    return any(r.key == (table, tuple(sorted(columns)), check) for r in rules)


def test_the_dbt_side_finds_what_dbt_declares():
    """The comparison cannot pass for want of reading dbt: known rules of every kind are found."""
    rules = dbt_rules(DBT_PROJECT_DIR)
    balance = "marts.fct_migration_balance"
    key = ("region_code", "year", "flow_scope", "region_frame")
    assert has(rules, balance, key, "unique")  # model-level primary key
    assert has(rules, balance, ("year",), "not_null")  # column constraint
    assert has(rules, balance, ("net_migration",), "not_null")  # data test
    assert has(rules, balance, ("flow_scope",), "accepted_values")
    assert has(rules, balance, ("region_code",), "relationship")
    assert has(rules, balance, ("population",), "data_type")  # enforced contract
    assert has(rules, "marts.region_frame_map", ("region_frame",), "accepted_values")  # alias
    singular = [r for r in rules if r.origin.startswith("dbt_project/tests/")]
    singular_files = {p.name for p in (DBT_PROJECT_DIR / "tests").rglob("*.sql")}
    assert {r.origin.rsplit("/", 1)[1] for r in singular} == singular_files
    net = [r for r in singular if "net_equals_arrivals_minus_departures" in r.origin]
    assert net and {"net_migration", "arrivals", "departures"} <= set(net[0].columns)


@pytest.fixture
def suites_copy(tmp_path) -> Path:
    suites = tmp_path / "suites"
    shutil.copytree(SUITES_DIR, suites)
    return suites


def add_expectation(suites: Path, suite_file: str, expectation: dict, derived: dict | None = None):
    path = suites / suite_file
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["expectations"].append(expectation)
    if derived:
        doc["meta"].setdefault("derived_columns", {}).update(derived)
    path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize(
    ("expectation", "derived", "check"),
    [
        (  # a contract/test of dbt repeated as a GX not-null check
            {
                "type": "expect_column_values_to_not_be_null",
                "kwargs": {"column": "net_migration"},
                "meta": {"id": "again__not_null", "severity": "error"},
            },
            None,
            "not_null",
        ),
        (  # dbt's accepted_values repeated
            {
                "type": "expect_column_values_to_be_in_set",
                "kwargs": {"column": "flow_scope", "value_set": ["interregional", "internal"]},
                "meta": {"id": "again__accepted", "severity": "warn"},
            },
            None,
            "accepted_values",
        ),
        (  # dbt's primary key repeated
            {
                "type": "expect_compound_columns_to_be_unique",
                "kwargs": {"column_list": ["year", "region_code", "region_frame", "flow_scope"]},
                "meta": {"id": "again__unique", "severity": "error"},
            },
            None,
            "unique",
        ),
        (  # dbt's singular test net = arrivals - departures repeated as a GX identity
            {
                "type": "expect_column_pair_values_to_be_equal",
                "kwargs": {"column_A": "net_migration", "column_B": "arrivals_minus_departures"},
                "meta": {"id": "again__identity", "severity": "error"},
            },
            {"arrivals_minus_departures": "t.arrivals - t.departures"},
            "identity",
        ),
        (  # the contract's column types repeated as a schema check
            {
                "type": "expect_column_values_to_be_in_set",
                "kwargs": {"column": "column_type", "value_set": ["net_migration:number"]},
                "meta": {"id": "again__types", "severity": "error", "batch": "schema"},
            },
            None,
            "data_type",
        ),
    ],
    ids=["not_null", "accepted_values", "unique", "identity", "data_type"],
)
def test_a_gate_repeating_a_dbt_rule_fails(suites_copy, expectation, derived, check):
    add_expectation(suites_copy, "marts__fct_migration_balance.json", expectation, derived)
    found = shared(suites_dir=suites_copy)
    assert len(found) >= 1 and all(expectation["meta"]["id"] in f for f in found), found
    assert all(f.startswith(f"marts.fct_migration_balance {check} ") for f in found), found


def test_a_dbt_test_repeating_a_raw_gate_fails(tmp_path):
    """The other direction: a dbt source test on a column the raw gate already checks."""
    dbt_dir = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, dbt_dir, ignore=shutil.ignore_patterns("target", "logs"))
    path, doc = next(
        (p, d)
        for p in sorted((dbt_dir / "models").rglob("*.yml"))
        if "sources" in (d := yaml.safe_load(p.read_text(encoding="utf-8")) or {})
    )
    manifest = next(t for t in doc["sources"][0]["tables"] if t["name"] == "load_manifest")
    manifest.setdefault("columns", []).append({"name": "source_file", "data_tests": ["not_null"]})
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    found = shared(dbt_dir=dbt_dir)
    assert found == [
        "raw.load_manifest not_null ('source_file',): raw__load_manifest.json "
        f"not_null__source_file and {path.name} raw.load_manifest.source_file data test"
    ]
