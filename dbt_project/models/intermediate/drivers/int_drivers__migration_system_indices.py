"""One row per (year, region_frame, flow_scope) with a full origin-destination matrix (the
interregional flows of fct_migration_flows): Bell et al. (2002) system indices, computed by
analysis/indices.py. marts.fct_migration_system_indices carries the contract."""

import pandas as pd

from analysis.indices import system_indices
from analysis.system_quality import matrix_quality


def model(dbt, session):
    dbt.config(materialized="table")
    flows = dbt.ref("fct_migration_flows").df()
    balances = dbt.ref("fct_migration_balance").df()
    distances = dbt.ref("int_drivers__region_distance").df()
    frame_map = dbt.ref("dim_region_frame_map").df()
    issues = dbt.ref("data_quality_issues").df()

    balances = balances[balances["flow_scope"] == "interregional"]
    units_by_frame = {
        frame: sorted(group["frame_region_code"].unique())
        for frame, group in frame_map.groupby("region_frame")
    }
    rows = []
    for (year, frame), matrix in flows.groupby(["year", "region_frame"], sort=True):
        units = units_by_frame[frame]
        balance = balances[(balances["year"] == year) & (balances["region_frame"] == frame)]
        population = balance.set_index("region_code")["population"].reindex(units)
        measures = sorted(balance["population_measure"].dropna().unique())
        complete = population.notna().all()
        indices = system_indices(
            matrix,
            units,
            float(population.sum()) if complete else None,
            distances[distances["region_frame"] == frame],
        )
        rows.append(
            {"year": year, "region_frame": frame, "flow_scope": "interregional"}
            | indices
            | {"population_measure": "+".join(measures) if complete else None}
            | matrix_quality(matrix, issues[issues["year"] == year], indices["migrants"])
        )
    return pd.DataFrame(rows)
