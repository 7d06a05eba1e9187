"""Fixtures of the ingest tests: a writable copy of the public copies, and a raw store that holds
every one of them (as a first refresh leaves it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.cli import land


@pytest.fixture()
def raw_dir(tmp_path, public_copies) -> Path:
    target = tmp_path / "raw"
    shutil.copytree(public_copies, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # the shared copies are read-only
    return target


@pytest.fixture()
def landed(tmp_path, raw_dir) -> Path:
    """A raw store holding every public copy, as a first refresh leaves it."""
    raw_db = tmp_path / "wh" / "raw_store.duckdb"
    assert land(raw_dir, raw_db, allow_missing="") == 0
    return raw_db
