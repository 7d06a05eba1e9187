"""The system indices of every matrix of the marts, with the quality flag of each matrix from
the flags of its flows."""

from __future__ import annotations

import pandas as pd

from analysis.indices import system_indices

# The check whose failures make a matrix disagree with the internal-migration file.
BALANCE_CHECK = "interregional_vs_internal_balance"
FLAG_ORDER = ("source_disagreement", "reframed_by_publisher")  # most severe first


def matrix_quality(flows: pd.DataFrame, year_issues: pd.DataFrame, migrants: float) -> dict:
    """quality_flag: the most severe flag any flow carries (merged_units is exact and not
    carried); balance_disagreement_share: ½ Σ_i |net_i(matrix) − net_i(internal file)| / M over
    that year's failures of the balance check (persons who would have to move differently,
    as a share of all movers), 0 when the check found nothing."""
    flags = set(flows["quality_flag"].dropna())
    flag = next((f for f in FLAG_ORDER if f in flags), "ok")
    failures = year_issues[
        (year_issues["check_name"] == BALANCE_CHECK)
        & (year_issues["flow_scope"] == "interregional")
    ]
    disagreement = float(failures["difference"].abs().sum()) / 2
    notes = []
    flagged = flows[flows["quality_flag"] == "source_disagreement"]
    if len(flagged):
        notes.append(
            f"source_disagreement: {len(flagged)} of {len(flows)} flows touch a unit whose balance "
            f"disagrees with the internal-migration file; the disagreement is {disagreement:,.0f} "
            f"persons, {100 * disagreement / migrants:.2f} % of the movers"
        )
    if flag == "reframed_by_publisher":
        notes.append("reframed_by_publisher: the matrix is in a finer frame than BNS published")
    return {
        "balance_disagreement_share": disagreement / migrants,
        "quality_flag": flag,
        "quality_note": "; ".join(notes) or None,
    }


def indices_table(flows, balances, distances, frame_map, issues) -> pd.DataFrame:
    """One row per (year, region_frame, 'interregional') of fct_migration_flows: the indices of
    analysis/indices.py, P from the interregional balances' population (NULL unless every unit
    has one), and the matrix's quality."""
    balances = balances[balances["flow_scope"] == "interregional"]
    units_by_frame = {
        frame: sorted(group["frame_region_code"].unique())
        for frame, group in frame_map.groupby("region_frame")
    }
    rows = []
    # full_matrix puts every matrix in unit order, so sums do not depend on the read order
    for (year, frame), matrix in flows.groupby(["year", "region_frame"], sort=True):
        units = units_by_frame[frame]
        balance = balances[(balances["year"] == year) & (balances["region_frame"] == frame)]
        population = balance.set_index("region_code")["population"].reindex(units)
        measures = sorted(balance["population_measure"].dropna().unique())
        complete = bool(population.notna().all())
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
