"""Which of dbt's tests a refresh runs.

Data tests and contracts always run. dbt's unit tests check the SQL on inline fixtures, so their
outcome cannot change unless the code or the tools do: they run only when they have not yet
passed on this code (a stamp in dbt_project/target, keyed by the code hash and the tool
versions, shared by every warehouse), or with --force.
"""

from __future__ import annotations

import json
import os
import platform

import duckdb

from core.paths import DBT_TARGET_DIR

UNIT_TESTS_STAMP = DBT_TARGET_DIR / "kzm_unit_tests_passed.json"


def tool_versions() -> dict[str, str]:
    from importlib.metadata import version

    return {
        "python_version": platform.python_version(),
        "duckdb_version": duckdb.__version__,
        "dbt_core_version": version("dbt-core"),
        "dbt_duckdb_version": version("dbt-duckdb"),
        "great_expectations_version": version("great-expectations"),
    }


def skip_all_dbt_tests() -> bool:
    """KZM_SKIP_DBT_TESTS=1 builds the models without dbt's data and unit tests. Only the
    reliability tests use it (their kill trials exercise the refresh mechanics, not the data);
    build_info.dbt_tests_run records it, and a normal refresh never sets it."""
    return os.environ.get("KZM_SKIP_DBT_TESTS") == "1"


def unit_test_fingerprint(code: str) -> dict[str, str]:
    """What dbt's unit tests depend on: the code (the no-change refresh's code hash) and the
    versions of the tools that compile and run them. Not the data: they run on inline fixtures."""
    versions = tool_versions()
    keys = ("dbt_core_version", "dbt_duckdb_version", "duckdb_version")
    return {"code_hash": code, **{key: versions[key] for key in keys}}


def unit_tests_passed_at(fingerprint: dict[str, str]) -> str | None:
    """When dbt's unit tests last passed on exactly this fingerprint (None: not known to have)."""
    try:
        stamp = json.loads(UNIT_TESTS_STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("fingerprint") != fingerprint:
        return None
    return stamp.get("passed_at")


def record_unit_tests_passed(fingerprint: dict[str, str], passed_at: str) -> None:
    """Written atomically: refreshes of other warehouses share dbt_project/target/."""
    UNIT_TESTS_STAMP.parent.mkdir(parents=True, exist_ok=True)
    tmp = UNIT_TESTS_STAMP.with_name(f".{UNIT_TESTS_STAMP.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"fingerprint": fingerprint, "passed_at": passed_at}, indent=2))
    os.replace(tmp, UNIT_TESTS_STAMP)


def dbt_test_plan(code: str, force: bool) -> tuple[list[str], str]:
    """(`dbt build` exclusions, what happens to dbt's unit tests, for build_info).

    Unit tests check the SQL logic on inline fixtures, so their outcome cannot change unless the
    code or the tools do: they run only when they have not yet passed on this code (or on
    --force). Data tests and contracts always run (except with KZM_SKIP_DBT_TESTS=1)."""
    if skip_all_dbt_tests():
        return (["--exclude", "resource_type:test", "resource_type:unit_test"],
                "skipped: KZM_SKIP_DBT_TESTS=1")  # fmt: skip
    passed_at = None if force else unit_tests_passed_at(unit_test_fingerprint(code))
    if passed_at:
        return (["--exclude", "resource_type:unit_test"],
                f"skipped: passed on this code at {passed_at}")  # fmt: skip
    return [], "run"
