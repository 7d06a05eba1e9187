"""A realistic fixture warehouse for the app tests, built from the marts contract (issue 3 and 4).

The real marts are built by dbt from the embedded sample; to test the app against known numbers,
this module writes a DuckDB file with the same schema `marts` and the same table and column
names: the 20 KATO regions of `dbt_project/seeds/regions.csv`, the frame map of
`seeds/region_frame_map.csv`, 2015-2023, flows from a deterministic gravity-like model in the kz20
frame merged into kz17 and kz16 (flows inside a merged unit dropped), balances, rates,
efficiency, coefficients, socio-economic scores with the paper's bands and points, a scorecard,
data-quality issues and build info. Values are plausible (populations, rates and wages of the
right order), not real. The marts come from regions_fixture (the base), migration_fixture,
socioeconomic_fixture, reference_fixture and drivers_fixture; this module assembles and writes
them.

`publish_fixture(root, build_id)` writes `root/builds/<build_id>/warehouse.duckdb` with its Parquet
copies (`parquet/<schema>/<table>.parquet`) and switches `root/current.duckdb` to it atomically,
as the pipeline's publish does.
"""

from __future__ import annotations

import os
import random
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from core.build_record import parquet_dir, parquet_path
from tests.app.drivers_fixture import drivers_marts
from tests.app.migration_fixture import (
    migration_attractiveness,
    migration_balance,
    migration_flows,
)
from tests.app.reference_fixture import dim_source, paper_claims, paper_view, reference_tables
from tests.app.regions_fixture import YEARS, frame_of_year, region_frames
from tests.app.socioeconomic_fixture import region_scorecard, socioeconomic_scores


def build_tables(years=YEARS, seed: int = 0, build_id: str = "fixture") -> dict[str, pd.DataFrame]:
    rng = random.Random(seed)  # one stream, drawn in this order: flows, balances, scores
    frames = region_frames()
    fct_flows = migration_flows(rng, years, frames)
    balance = migration_balance(rng, years, frames, fct_flows)
    attractiveness = migration_attractiveness(balance)
    scores = socioeconomic_scores(rng, years, frames)
    issues = quality_issues()
    tables = {
        "dim_region": frames.dim_region,
        "region_frame_map": frames.frame_map[["region_frame", "region_code", "frame_region_code"]],
        "fct_migration_flows": fct_flows,
        "fct_migration_balance": balance,
        "fct_migration_attractiveness": attractiveness,
        "fct_socioeconomic_scores": scores,
        "fct_region_scorecard": region_scorecard(scores, attractiveness, balance),
        "data_quality_issues": issues,
        "build_info": build_info(build_id, issues),
    }
    tables["dim_source"] = dim_source(tables, max(years))
    tables["paper_claims"] = paper_claims()
    tables["fct_migration_paper_view"] = paper_view(balance, attractiveness, frame_of_year)
    return tables | drivers_marts(tables)  # the Drivers page's marts, computed from these


def quality_issues() -> pd.DataFrame:
    """marts.data_quality_issues: one warning of each family the Quality page shows."""
    issue_rows = [
        ("reconcile_internal_vs_interregional_balance", "warn", "750000000", 2022,
         "net_migration", "internal", "kz20", "kanat_internal_migration", 14210.0,
         "diar_od_flows", 13988.0, 0.01,
         "internal and interregional balances differ by 1.6 % (tolerance 1 %)"),
        ("indicator_yoy_outlier", "warn", "230000000", 2019, "grp_per_capita", None, "kz17",
         "bns_grp_per_capita_xlsx", 9840.2, None, 13120.5, 0.3,
         "year-over-year change of +33 % (threshold 30 %)"),
        ("reconcile_population", "warn", "610000000", 2020, "population", None, "kz17",
         "kazdata_population", 2016452.0, "camomile_population", 2033612.0, 0.005,
         "population tables differ by 0.85 % (tolerance 0.5 %)"),
    ]  # fmt: skip
    issues = pd.DataFrame(
        issue_rows,
        columns=[
            "check_name",
            "severity",
            "region_code",
            "year",
            "measure",
            "flow_scope",
            "region_frame",
            "source_a",
            "value_a",
            "source_b",
            "value_b",
            "tolerance",
            "detail",
        ],  # fmt: skip
    )
    issues.insert(0, "issue_id", [f"issue-{i:04d}" for i in range(len(issues))])
    issues.insert(11, "difference", issues["value_a"] - issues["value_b"])
    issues["year"] = issues["year"].astype("int32")
    return issues


def build_info(build_id: str, issues: pd.DataFrame) -> pd.DataFrame:
    """marts.build_info of the fixture build."""
    return pd.DataFrame(
        [
            {
                "build_id": build_id,
                "built_at": datetime(2025, 11, 26, 12, 0, tzinfo=timezone.utc),  # noqa: UP017
                "git_commit": "0123456789abcdef0123456789abcdef01234567",
                "input_manifest_hash": "f" * 64,
                "dbt_version": "1.11.16",
                "dbt_duckdb_version": "1.11.1",
                "duckdb_version": duckdb.__version__,
                "great_expectations_version": "1.24.1",
                "warning_count": len(issues),
                "error_count": 0,
            }
        ]
    )


def write_warehouse(
    path: Path, tables: dict[str, pd.DataFrame], reference: dict[str, pd.DataFrame] | None = None
) -> Path:
    """Write the tables into schema `marts` of a new DuckDB file (region codes as varchar), and
    `reference` (default: the committed seeds) into schema `reference`."""
    reference = reference_tables() if reference is None else reference
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute("create schema reference")
        for name, df in reference.items():
            con.register("_df", df)
            con.execute(f"create table reference.{name} as select * from _df")
            con.unregister("_df")
        for name, df in tables.items():
            con.register("_df", df)
            con.execute(f"create table marts.{name} as select * from _df")
            con.unregister("_df")
            for col in df.columns:
                if col.endswith("region_code"):
                    con.execute(f"alter table marts.{name} alter {col} type varchar")
    finally:
        con.close()
    return path


def write_parquet_copies(build_db: Path) -> Path:
    """The Parquet copies the publish writes beside a build: every table of schemas `marts` and
    `reference` as builds/<id>/parquet/<schema>/<table>.parquet."""
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('marts', 'reference') order by all"
        ).fetchall()
        for schema, table in tables:
            target = parquet_path(build_db.parent, schema, table)
            target.parent.mkdir(parents=True, exist_ok=True)
            literal = str(target).replace("'", "''")
            con.execute(f"copy {schema}.{table} to '{literal}' (format parquet)")
    finally:
        con.close()
    return parquet_dir(build_db.parent)


def publish_fixture(
    root: Path, build_id: str, tables: dict | None = None, parquet: bool = True, **kwargs
) -> Path:
    """Write builds/<build_id>/warehouse.duckdb under root (with its Parquet copies unless
    `parquet=False`, as a build published before they existed) and point current.duckdb at it."""
    tables = tables if tables is not None else build_tables(build_id=build_id, **kwargs)
    target = write_warehouse(root / "builds" / build_id / "warehouse.duckdb", tables)
    shutil.rmtree(parquet_dir(target.parent), ignore_errors=True)
    if parquet:
        write_parquet_copies(target)
    link = root / "current.duckdb"
    tmp = root / f".current.{build_id}.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(target, root), tmp)
    os.replace(tmp, link)
    return target
