"""Migration system indices of one origin-destination matrix (Bell et al. 2002).

    CMI  = 100 · M / P                                 crude migration intensity
    MEI  = 100 · Σ|A_i − D_i| / Σ(A_i + D_i)            migration effectiveness index
    ANMR = 100 · ½ Σ|A_i − D_i| / P  (= CMI · MEI / 100) aggregate net migration rate
    connectivity = share of the n(n − 1) ordered pairs with a non-zero flow
    flow Gini    = Σ_a Σ_b |x_a − x_b| / (2 N² x̄) over the N = n(n − 1) off-diagonal flows
    mean and median migration distance, weighted by persons

M = Σ flows, A_i / D_i arrivals to / departures from unit i, P the population at risk.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def gini(values) -> float:
    """Gini coefficient Σ_a Σ_b |x_a − x_b| / (2 N² x̄); 0 when all values are equal."""
    x = np.asarray(values, dtype=float)
    if len(x) == 0 or x.sum() == 0:
        raise ValueError("gini needs at least one positive value")
    # Σ_a Σ_b |x_a − x_b| = 2 Σ_k (2k − N − 1) x_(k) over the sorted values, k = 1..N
    ordered = np.sort(x)
    n = len(ordered)
    pair_sum = 2 * np.sum((2 * np.arange(1, n + 1) - n - 1) * ordered)
    return float(pair_sum / (2 * n * n * ordered.mean()))


def weighted_median(values, weights) -> float:
    """The lower weighted median: the smallest value with at least half the weight at or
    below it (numpy's inverted-CDF quantile with weights)."""
    return float(
        np.quantile(np.asarray(values, float), 0.5, weights=weights, method="inverted_cdf")
    )


def full_matrix(flows: pd.DataFrame, units: list[str]) -> pd.DataFrame:
    """The n(n − 1) ordered pairs of `units` with their persons (0 where no flow is listed).
    Fails when a flow names a unit outside `units` or sits on the diagonal."""
    unknown = set(flows["origin_region_code"]) | set(flows["destination_region_code"])
    unknown -= set(units)
    if unknown:
        raise ValueError(f"flows name units outside the frame: {sorted(unknown)}")
    if (flows["origin_region_code"] == flows["destination_region_code"]).any():
        raise ValueError("flows on the diagonal (origin = destination)")
    pairs = pd.DataFrame(
        [(o, d) for o in units for d in units if o != d],
        columns=["origin_region_code", "destination_region_code"],
    )
    keys = ["origin_region_code", "destination_region_code"]
    merged = pairs.merge(flows[[*keys, "persons"]], on=keys, how="left")
    return merged.fillna({"persons": 0.0})


def system_indices(
    flows: pd.DataFrame, units: list[str], population: float | None, distances: pd.DataFrame
) -> dict:
    """Indices of one matrix. flows: origin_region_code, destination_region_code, persons;
    distances: the same keys with distance_km for every ordered pair; population: P or None
    (then CMI and ANMR are None)."""
    matrix = full_matrix(flows, units)
    persons = matrix["persons"].to_numpy()
    migrants = float(persons.sum())
    if migrants <= 0:
        raise ValueError("an empty matrix has no indices")
    arrivals = (
        matrix.groupby("destination_region_code")["persons"].sum().reindex(units, fill_value=0)
    )
    departures = matrix.groupby("origin_region_code")["persons"].sum().reindex(units, fill_value=0)
    net_abs = float((arrivals - departures).abs().sum())
    turnover = float((arrivals + departures).sum())  # = 2M
    keys = ["origin_region_code", "destination_region_code"]
    with_distance = matrix.merge(distances[[*keys, "distance_km"]], on=keys, how="left")
    if with_distance["distance_km"].isna().any():
        missing = with_distance[with_distance["distance_km"].isna()][keys].head(3).to_numpy()
        raise ValueError(f"no distance for pairs such as {missing.tolist()}")
    moved = with_distance[with_distance["persons"] > 0]
    return {
        "regions": len(units),
        "migrants": migrants,
        "population": population,
        "crude_migration_intensity": None if population is None else 100 * migrants / population,
        "migration_effectiveness_index": 100 * net_abs / turnover,
        "aggregate_net_migration_rate": None
        if population is None
        else 100 * net_abs / 2 / population,
        "connectivity_index": float((persons > 0).mean()),
        "flow_gini": gini(persons),
        "mean_migration_distance_km": float(
            np.average(moved["distance_km"], weights=moved["persons"])
        ),
        "median_migration_distance_km": weighted_median(moved["distance_km"], moved["persons"]),
    }
