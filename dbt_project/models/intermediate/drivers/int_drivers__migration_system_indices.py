"""One row per (year, region_frame, flow_scope) with a full origin-destination matrix (the
interregional flows of fct_migration_flows): Bell et al. (2002) system indices, computed by
analysis/indices.py. marts.fct_migration_system_indices carries the contract."""

from analysis.system_quality import indices_table


def model(dbt, session):
    dbt.config(materialized="table")
    flows = dbt.ref("fct_migration_flows").df()
    balances = dbt.ref("fct_migration_balance").df()
    distances = dbt.ref("int_drivers__region_distance").df()
    frame_map = dbt.ref("dim_region_frame_map").df()
    issues = dbt.ref("data_quality_issues").df()
    return indices_table(flows, balances, distances, frame_map, issues)
