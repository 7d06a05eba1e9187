"""The drivers marts of the fixture warehouse, computed from its other marts by the same
functions the dbt Python models call (analysis/), so the Drivers page is tested on realistic,
mutually consistent tables."""

from __future__ import annotations

import pandas as pd

from analysis.association import association_table
from analysis.distances import region_distances
from analysis.gravity import build_sample, estimate
from analysis.gravity_inputs import gravity_inputs
from analysis.gravity_spec import load_models
from analysis.system_quality import indices_table
from core.paths import DBT_PROJECT_DIR

SEEDS = DBT_PROJECT_DIR / "seeds"


def _seed(name: str) -> pd.DataFrame:
    return pd.read_csv(SEEDS / f"{name}.csv", dtype={"region_code": str})


def drivers_marts(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    distances = region_distances(_seed("region_admin_centres"))
    region_frames, indicators = _seed("region_frames"), _seed("indicators")
    indices = indices_table(
        tables["fct_migration_flows"],
        tables["fct_migration_balance"],
        distances,
        tables["region_frame_map"],
        tables["data_quality_issues"],
    )
    association = association_table(
        tables["fct_socioeconomic_scores"],
        tables["fct_region_scorecard"],
        tables["fct_migration_balance"],
        tables["fct_migration_attractiveness"],
        region_frames,
    )
    inputs = gravity_inputs(
        {
            "fct_migration_balance": tables["fct_migration_balance"],
            "dim_region_frame_map": tables["region_frame_map"],
            "fct_migration_flows": tables["fct_migration_flows"],
            "fct_socioeconomic_scores": tables["fct_socioeconomic_scores"],
            "dim_region_distance": distances,
            "fct_migration_system_indices": indices,
            "region_frames": region_frames,
            "indicators": indicators,
        }
    )
    models = load_models(inputs["indicator_codes"])
    sample = build_sample(models, inputs)
    estimates = pd.concat([estimate(sample, m) for m in models], ignore_index=True)
    return {
        "dim_region_distance": distances.reset_index(drop=True),
        "fct_migration_system_indices": indices,
        "fct_indicator_migration_association": association,
        "fct_gravity_sample": sample,
        "fct_gravity_estimates": estimates,
    }
