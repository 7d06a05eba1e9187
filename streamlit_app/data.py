"""What the app reads from the served build: the marts it draws, the contract of columns it relies
on, the vocabularies and the sources. How a build is found and queried (Parquet copies through an
in-memory DuckDB, or a read-only connection to an older build's file) is `streamlit_app/reader.py`.

This module imports neither streamlit nor dbt nor great_expectations; everything here is plain
functions over DataFrames, tested without a browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from core.paths import DBT_PROJECT_DIR

# the reader's names, used by the pages as data.<name>
from streamlit_app.reader import (  # noqa: F401
    Build,
    BuildLocked,
    MissingTable,
    WarehouseError,
    build_at,
    current_build,
    current_link,
    query,
)

# The app's contract (the marts it reads and the columns it relies on) is declared once, as the
# dbt exposure `streamlit_app` in dbt_project/models/exposures.yml: meta.required_columns.
EXPOSURES_FILE = DBT_PROJECT_DIR / "models" / "exposures.yml"
EXPOSURE_NAME = "streamlit_app"


def read_required_columns(path: Path = EXPOSURES_FILE) -> dict[str, tuple[str, ...]]:
    """{mart: (columns...)} from the exposure's meta.required_columns (or config.meta, where
    newer dbt versions put meta). A missing file, exposure or key is a ValueError naming it."""
    try:
        body = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the app's exposure: {exc}") from exc
    found = [e for e in body.get("exposures") or [] if e.get("name") == EXPOSURE_NAME]
    if not found:
        raise ValueError(f"{path}: no exposure named {EXPOSURE_NAME!r}")
    exposure = found[0]
    meta = exposure.get("meta") or (exposure.get("config") or {}).get("meta") or {}
    required = meta.get("required_columns")
    if not isinstance(required, dict) or not required:
        raise ValueError(f"{path}: exposure {EXPOSURE_NAME!r} has no meta.required_columns")
    out = {}
    for table, columns in required.items():
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise ValueError(
                f"{path}: exposure {EXPOSURE_NAME!r}, meta.required_columns.{table}: "
                "expected a list of column names"
            )
        out[str(table)] = tuple(columns)
    return out


REQUIRED_COLUMNS = read_required_columns()
# marts the app reads when the build has them, and does without otherwise (the exposure may
# list them in depends_on; they are not part of required_columns)
OPTIONAL_MARTS = ("dim_source", "paper_claims", "fct_migration_paper_view")
MART_TABLES = tuple(REQUIRED_COLUMNS)

# The order of the flow scopes is the app's own (narrowest first); the other vocabularies (region
# frames, indicators, score classes) come from the served build's `reference` seeds: see
# `vocabulary`.
FLOW_SCOPES = ("interregional", "internal", "total")


def table_columns(build: Build) -> dict[str, list[str]]:
    """Columns of every table in schema `marts`, in table order."""
    df = query(
        build,
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' order by table_name, ordinal_position",
    )
    out: dict[str, list[str]] = {}
    for table, column in zip(df["table_name"], df["column_name"], strict=True):
        out.setdefault(str(table), []).append(str(column))
    return out


def contract_problems(columns: dict[str, list[str]]) -> list[str]:
    """Tables or columns the app relies on that a build lacks (empty when all is there)."""
    problems = []
    for table, required in REQUIRED_COLUMNS.items():
        if table not in columns:
            problems.append(f"marts.{table} is missing")
            continue
        missing = [c for c in required if c not in columns[table]]
        if missing:
            problems.append(f"marts.{table} lacks {', '.join(missing)}")
    return problems


def load_table(build: Build, table: str) -> pd.DataFrame:
    """A whole mart table (the marts are small: regions x years x scopes x frames)."""
    if table not in MART_TABLES + OPTIONAL_MARTS:
        raise ValueError(f"not a mart the app reads: {table}")
    df = query(build, f"select * from marts.{table}")
    for col in (
        "region_code",
        "frame_region_code",
        "origin_region_code",
        "destination_region_code",
    ):
        if col in df.columns:
            df[col] = df[col].astype("string")
    if "year" in df.columns:
        df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    return _counts_as_integers(df)


COUNT_COLUMNS = ("persons", "arrivals", "departures", "net_migration", "population")


def _counts_as_integers(df: pd.DataFrame) -> pd.DataFrame:
    """Counts of persons are stored as doubles in the marts; show whole numbers as integers."""
    for col in COUNT_COLUMNS:
        if col in df.columns and pd.api.types.is_float_dtype(df[col]):
            values = df[col].dropna()
            if (values == values.round()).all():
                df[col] = df[col].round().astype("Int64")
    return df


def load_flows(build: Build, year: int, frame: str) -> pd.DataFrame:
    """Origin-destination flows of one year and frame (the one table that can grow large)."""
    cols = ", ".join(REQUIRED_COLUMNS["fct_migration_flows"])
    df = query(
        build,
        f"select {cols} from marts.fct_migration_flows where year = ? and region_frame = ? "
        "order by persons desc, origin_region_code, destination_region_code",
        [int(year), frame],
    )
    for col in ("origin_region_code", "destination_region_code"):
        df[col] = df[col].astype("string")
    return _counts_as_integers(df)


def flow_years(build: Build) -> pd.DataFrame:
    """(region_frame, year, flows, origins, persons) available in the flows mart."""
    return query(
        build,
        "select region_frame, year, count(*) as flows, "
        "count(distinct origin_region_code) as origins, sum(persons) as persons "
        "from marts.fct_migration_flows group by all order by region_frame, year",
    )


def flow_sources(build: Build) -> list[str]:
    df = query(build, "select distinct source_id from marts.fct_migration_flows")
    return split_source_ids(df["source_id"])


def build_info(build: Build) -> dict:
    """The single row of marts.build_info as a dict ({} when the table is empty)."""
    df = query(build, "select * from marts.build_info")
    if df.empty:
        return {}
    row = df.iloc[-1].to_dict()
    return {k: (None if _isna(v) else v) for k, v in row.items()}


SEVERITY_ORDER = ("error", "warn")  # most severe first; other levels follow by name


def issue_counts(build: Build) -> dict[str, int]:
    """{severity: issues} of marts.data_quality_issues, most severe first: what the Data quality
    page lists, counted."""
    df = query(
        build,
        "select coalesce(severity, 'unknown') as severity, count(*) as issues "
        "from marts.data_quality_issues group by all",
    )
    counts = dict(zip(df["severity"].astype(str), df["issues"].astype(int), strict=True))
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    order = sorted(counts, key=lambda s: (rank.get(s, len(rank)), s))
    return {s: counts[s] for s in order}


def _isna(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Vocabulary:
    """The served build's vocabularies, in display order: region frames newest first (seed
    `region_frames` by first_year), indicators in the order of seed `indicators`, score classes
    from very low to very high (seed `score_bands` by class_order)."""

    region_frames: tuple[str, ...]
    indicators: tuple[str, ...]
    score_classes: tuple[str, ...]


def _first_column(build: Build, sql: str, fallback_sql: str) -> tuple[str, ...]:
    """The first column of `sql`; of `fallback_sql` (over the marts) when the build lacks the
    reference table, as a build published before the seed existed would."""
    try:
        df = query(build, sql)
    except MissingTable:
        df = query(build, fallback_sql)
    return tuple(str(v) for v in df.iloc[:, 0].dropna())


def vocabulary(build: Build) -> Vocabulary:
    return Vocabulary(
        region_frames=_first_column(
            build,
            "select region_frame from reference.region_frames "
            "order by first_year desc nulls last, region_frame",
            "select region_frame from marts.region_frame_map group by region_frame "
            "order by count(distinct frame_region_code) desc, region_frame",
        ),
        indicators=_first_column(
            build,
            "select indicator_code from reference.indicators",
            "select distinct indicator_code from marts.fct_socioeconomic_scores order by 1",
        ),
        score_classes=_first_column(
            build,
            "select score_class from reference.score_bands order by class_order",
            "select score_class from marts.fct_socioeconomic_scores "
            "where polarity = 'higher_is_better' and score_class is not null "
            "group by score_class order by avg(score_points)",
        ),
    )


SOURCE_COLUMNS = (
    "source_id",
    "description",
    "repository",
    "latest_period_year",
    "latest_loaded_at",
)


def sources(build: Build) -> pd.DataFrame | None:
    """marts.dim_source (what each source is, where it is published, its latest year), or None
    for a build published before the table existed: pages then show the bare source ids."""
    try:
        df = query(build, "select * from marts.dim_source order by source_id")
    except MissingTable:
        return None
    return df[[c for c in SOURCE_COLUMNS if c in df.columns]]


def source_descriptions(build: Build) -> dict[str, str]:
    """source_id -> 'description (repository)' from marts.dim_source ({} without the table)."""
    df = sources(build)
    if df is None:
        return {}
    out = {}
    for row in df.to_dict("records"):
        desc = "" if _isna(row.get("description")) else str(row["description"]).strip()
        repo = None if _isna(row.get("repository")) else row.get("repository")
        out[str(row["source_id"])] = f"{desc} ({repo})" if repo else desc
    return out


def split_source_ids(values) -> list[str]:
    """Distinct source ids in a column that may hold combined ids ('a+b', 'a, b', lists)."""
    ids: set[str] = set()
    for value in values:
        if value is None or _isna(value):
            continue
        items = value if isinstance(value, list | tuple) else re.split(r"[,;+|]\s*", str(value))
        ids.update(str(i).strip() for i in items if str(i).strip())
    return sorted(ids)
