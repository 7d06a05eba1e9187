"""Shared fixtures: the real public copies, and one warehouse built from the embedded sample."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from core.paths import REPO_ROOT, WarehousePaths
from ingest import raw_store, sample
from ingest.registry import load_registry
from pipeline.build import prepare_build_db, run_dbt

SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
PUBLIC_COPIES = SHARED_DATA / "public-copies"


@pytest.fixture(scope="session")
def public_copies() -> Path:
    """The real third-party files. Skipped (never in CI) where ../shared/data is absent."""
    if not PUBLIC_COPIES.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{PUBLIC_COPIES} is missing in CI; the real-file tests must run")
        pytest.skip(f"{PUBLIC_COPIES} not present (real-file tests need ../shared/data)")
    return PUBLIC_COPIES


@pytest.fixture(scope="session")
def sample_raw_store(tmp_path_factory) -> Path:
    """A raw store loaded from the embedded sample (data/sample), once per test session."""
    path = tmp_path_factory.mktemp("raw") / "raw_store.duckdb"
    with raw_store.connect(str(path)) as con:
        results = sample.land_snapshot(con, load_registry(origin="public_copy"), sample.SAMPLE_DIR)
    assert all(r.status == "loaded" for r in results), results
    return path


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory, sample_raw_store) -> WarehousePaths:
    """A dbt build (seeds, models, data and unit tests) of the embedded sample, once per session.
    Tests read `sample_build.build_db` read-only."""
    paths = WarehousePaths(tmp_path_factory.mktemp("warehouse"))
    shutil.copy(sample_raw_store, paths.raw_store)
    prepare_build_db(paths)
    run_dbt(paths, "build", log_file=paths.root / "dbt_build.log")
    return paths
