"""Where everything lives. KZM_WAREHOUSE_DIR moves the whole warehouse (tests use temp dirs)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
# dbt_project.yml's target-path (git-ignored). A refresh keeps only caches keyed on the code here,
# shared by every warehouse: dbt's partial parse and the unit-test stamp. Each warehouse's own run
# artifacts go to WarehousePaths.dbt_target.
DBT_TARGET_DIR = DBT_PROJECT_DIR / "target"
PARTIAL_PARSE_CACHE = DBT_TARGET_DIR / "partial_parse.msgpack"
BUILD_FILE_NAME = "warehouse.duckdb"  # constant: dbt-duckdb names the catalog after it


@dataclass(frozen=True)
class WarehousePaths:
    root: Path

    @property
    def raw_store(self) -> Path:
        """The raw layer with its history; only the ingesters write it."""
        return self.root / "raw_store.duckdb"

    @property
    def build_dir(self) -> Path:
        """Private, constant-path build area (dbt's profile points here)."""
        return self.root / "build"

    @property
    def build_db(self) -> Path:
        return self.build_dir / BUILD_FILE_NAME

    @property
    def dbt_target(self) -> Path:
        """dbt's target-path for this warehouse: run_results.json, manifest.json, the docs page,
        compiled SQL. Never shared, so a refresh of another warehouse running at the same time
        cannot overwrite what this refresh reads back."""
        return self.root / "dbt_target"

    @property
    def builds_dir(self) -> Path:
        """Published builds, one immutable folder each: builds/<build_id>/warehouse.duckdb."""
        return self.root / "builds"

    @property
    def current(self) -> Path:
        """The served database: a symlink to the current build's file, switched atomically."""
        return self.root / "current.duckdb"

    @property
    def lock(self) -> Path:
        return self.root / ".refresh.lock"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def publish_log(self) -> Path:
        return self.root / "publish_log.jsonl"


def warehouse_paths(root: str | Path | None = None) -> WarehousePaths:
    root = root or os.environ.get("KZM_WAREHOUSE_DIR") or REPO_ROOT / "warehouse"
    return WarehousePaths(Path(root).resolve())
