"""Fixture marts and seeds that describe the build rather than the data: marts.dim_source, the
paper marts (paper_claims, fct_migration_paper_view) and the `reference` seeds the app reads its
vocabularies from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS = REPO_ROOT / "dbt_project" / "seeds"


def paper_view(
    balance: pd.DataFrame, attractiveness: pd.DataFrame, frame_of_year: Callable[[int], str]
) -> pd.DataFrame:
    """marts.fct_migration_paper_view by its definition: per year internal where the year has it,
    else interregional, in the year's own frame (`frame_of_year`)."""
    own = balance["region_frame"] == balance["year"].map(frame_of_year)
    rows = balance[own & balance["flow_scope"].isin(["internal", "interregional"])]
    internal_years = set(rows.loc[rows["flow_scope"] == "internal", "year"])
    wanted = rows["flow_scope"] == rows["year"].map(
        lambda y: "internal" if y in internal_years else "interregional"
    )
    key = ["region_code", "year", "flow_scope", "region_frame"]
    coefficient = attractiveness[key + ["attractiveness_coefficient"]]
    out = rows[wanted].merge(coefficient, on=key, how="left")
    cols = key + ["arrivals", "departures", "net_migration", "net_migration_per_1000"]
    cols += ["attractiveness_coefficient", "source_id", "quality_flag", "quality_note"]
    return out[cols].sort_values(["region_code", "year"]).reset_index(drop=True)


def paper_claims() -> pd.DataFrame:
    """marts.paper_claims with one statement per verdict (texts and values as the mart words them
    on the public copies)."""
    common = {"section": "Results", "unit": "", "tolerance": "0", "computation": "see the seed"}
    rows = [
        ("C01", "In 2022 alone, more than 320 thousand people changed their region of residence.",
         "Только в 2022 году более 320 тысяч человек сменили регион проживания.",
         "> 320 thousand", "370572", "2022", "interregional", "kz20", "reproduced",
         "2022: 370572 people moved between regions", "source_disagreement"),
        ("C05", "Only Almaty Region has a coefficient above 1 in 2022: 1.02.",
         "В 2022 году только Алматинская область имеет коэффициент выше 1: 1,02.",
         "1.02", "1.011", "2022", "internal", "kz20", "approximately_reproduced",
         "oblasts with a coefficient above 1: Almaty Region 1.011", "ok"),
        ("C07", "The cities of republican significance never fell below 1.",
         "Города республиканского значения ни разу не опускались ниже 1.",
         "never below 1", "0.897", "2015, 2020, 2021, 2022", "internal, interregional",
         "kz16, kz17, kz20", "contradicted", "city-years below 1: Astana City 2015 0.897", "ok"),
        ("C08b", "Regions with high housing prices have a positive migration balance.",
         "Регионы с высокими ценами на жильё имеют положительное сальдо миграции.",
         "positive balance", "not available", "2015–2022", "none", "none", "not_checkable",
         "The warehouse has no housing prices.", "ok"),
    ]  # fmt: skip
    columns = ["claim_id", "claim_en", "claim_ru", "paper_value", "warehouse_value", "years",
               "flow_scope", "region_frame", "verdict", "evidence", "quality_flag"]  # fmt: skip
    return pd.DataFrame([{**common, **dict(zip(columns, row, strict=True))} for row in rows])


SOURCE_REGISTRY = REPO_ROOT / "ingest" / "source_registry.yml"


def dim_source(tables: dict[str, pd.DataFrame], latest_year: int) -> pd.DataFrame:
    """marts.dim_source for the source ids the fixture marts use, with the registry's real
    descriptions (the refresh loads the same entries into raw.source_registry)."""
    import yaml

    registry = yaml.safe_load(SOURCE_REGISTRY.read_text(encoding="utf-8"))["sources"]
    entries = {str(e["id"]): e for e in registry}
    used: set[str] = set()
    for df in tables.values():
        if "source_id" in df.columns:
            for value in df["source_id"].dropna():
                used.update(v.strip() for v in str(value).replace("+", ",").split(",") if v)
    rows = []
    for source_id in sorted(used):
        entry = entries.get(source_id, {})
        rows.append(
            {
                "source_id": source_id,
                "description": entry.get("description"),
                "repository": entry.get("repository"),
                "commit": entry.get("commit"),
                "published_path": entry.get("published_path"),
                "required": bool(entry.get("required", True)),
                "latest_loaded_at": datetime(2025, 11, 26, 11, 0, tzinfo=timezone.utc),  # noqa: UP017
                "latest_period_year": latest_year,
            }
        )
    return pd.DataFrame(rows)


# the seeds the app reads from the build's `reference` schema (vocabularies)
REFERENCE_SEEDS = ("region_frames", "indicators", "score_bands")


def reference_tables() -> dict[str, pd.DataFrame]:
    """The `reference` seeds the app reads, as dbt loads them: the committed CSVs, types
    inferred (first_year and class_order are integers)."""
    con = duckdb.connect()
    try:
        return {
            name: con.execute(
                "select * from read_csv(?, header = true)", [str(SEEDS / f"{name}.csv")]
            ).df()
            for name in REFERENCE_SEEDS
        }
    finally:
        con.close()
