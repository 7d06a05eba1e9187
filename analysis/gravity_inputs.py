"""The region-level inputs of the gravity sample, read from dbt refs (never raw OD cells)."""

from __future__ import annotations

from analysis.association import own_frames

# dbt finds a Python model's parents only in literal dbt.ref("...") calls, so each model
# reads these itself and passes them as {name: DataFrame}.
INPUT_MODELS = (
    "fct_migration_balance",
    "dim_region_frame_map",
    "fct_migration_flows",
    "fct_socioeconomic_scores",
    "dim_region_distance",
    "fct_migration_system_indices",
    "region_frames",
    "indicators",
)


def gravity_inputs(tables: dict) -> dict:
    """tables: each of INPUT_MODELS -> pandas DataFrame."""
    missing = [name for name in INPUT_MODELS if name not in tables]
    if missing:
        raise KeyError(f"gravity inputs missing: {missing}")

    def ref(name):
        return tables[name]

    balances = ref("fct_migration_balance")
    frame_map = ref("dim_region_frame_map")
    return {
        "flows": ref("fct_migration_flows")[
            ["year", "region_frame", "origin_region_code", "destination_region_code", "persons"]
        ],
        "balances": balances[balances["flow_scope"] == "interregional"],
        "scores": ref("fct_socioeconomic_scores"),
        "distances": ref("dim_region_distance"),
        "indices": ref("fct_migration_system_indices"),
        "units": {
            frame: sorted(group["frame_region_code"].unique())
            for frame, group in frame_map.groupby("region_frame")
        },
        "own_frame": own_frames(ref("region_frames")),
        "indicator_codes": sorted(ref("indicators")["indicator_code"]),
    }
