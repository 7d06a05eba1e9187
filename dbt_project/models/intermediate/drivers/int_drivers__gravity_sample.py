"""One row per (model_id, year, origin_region_code, destination_region_code): the estimation
sample of every gravity model declared in analysis/gravity_models.yml (analysis/gravity.py).
marts.fct_gravity_sample carries the contract."""

from analysis.gravity import build_sample
from analysis.gravity_inputs import gravity_inputs
from analysis.gravity_spec import load_models


def model(dbt, session):
    dbt.config(materialized="table")
    tables = {
        "fct_migration_balance": dbt.ref("fct_migration_balance").df(),
        "dim_region_frame_map": dbt.ref("dim_region_frame_map").df(),
        "fct_migration_flows": dbt.ref("fct_migration_flows").df(),
        "fct_socioeconomic_scores": dbt.ref("fct_socioeconomic_scores").df(),
        "dim_region_distance": dbt.ref("dim_region_distance").df(),
        "fct_migration_system_indices": dbt.ref("fct_migration_system_indices").df(),
        "region_frames": dbt.ref("region_frames").df(),
        "indicators": dbt.ref("indicators").df(),
    }
    inputs = gravity_inputs(tables)
    return build_sample(load_models(inputs["indicator_codes"]), inputs)
