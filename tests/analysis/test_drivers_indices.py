"""Migration system indices (analysis/indices.py) on matrices small enough to do by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.indices import full_matrix, gini, system_indices, weighted_median

UNITS = ["a", "b", "c"]
# origin -> destination persons; the seventh pair (c -> b) is missing: a zero flow
FLOWS = pd.DataFrame(
    [("a", "b", 10), ("a", "c", 20), ("b", "a", 5), ("b", "c", 15), ("c", "a", 30)],
    columns=["origin_region_code", "destination_region_code", "persons"],
)
DISTANCES = pd.DataFrame(
    [
        (
            o,
            d,
            {frozenset("ab"): 100.0, frozenset("ac"): 300.0, frozenset("bc"): 200.0}[
                frozenset(o + d)
            ],
        )
        for o in UNITS
        for d in UNITS
        if o != d
    ],
    columns=["origin_region_code", "destination_region_code", "distance_km"],
)


def test_indices_of_a_3x3_matrix_by_hand():
    got = system_indices(FLOWS, UNITS, population=1000.0, distances=DISTANCES)
    # M = 10+20+5+15+30 = 80. Arrivals: a 5+30=35, b 10, c 20+15=35. Departures: a 30, b 20, c 30.
    # |A-D|: a 5, b 10, c 5 -> 20; sum(A+D) = 160 = 2M.
    assert got["regions"] == 3
    assert got["migrants"] == 80
    assert got["crude_migration_intensity"] == pytest.approx(100 * 80 / 1000)  # 8.0
    assert got["migration_effectiveness_index"] == pytest.approx(100 * 20 / 160)  # 12.5
    assert got["aggregate_net_migration_rate"] == pytest.approx(100 * 0.5 * 20 / 1000)  # 1.0
    assert got["aggregate_net_migration_rate"] == pytest.approx(
        got["crude_migration_intensity"] * got["migration_effectiveness_index"] / 100
    )
    assert got["connectivity_index"] == pytest.approx(5 / 6)
    # flows incl. the zero: 0,5,10,15,20,30; mean 80/6; sum over ordered pairs of |x_a - x_b|
    flows = [0, 5, 10, 15, 20, 30]
    pair_sum = sum(abs(x - y) for x in flows for y in flows)
    assert got["flow_gini"] == pytest.approx(pair_sum / (2 * 36 * (80 / 6)))
    # distances of the moves: a-b 100 (10+5), a-c 300 (20+30), b-c 200 (15)
    assert got["mean_migration_distance_km"] == pytest.approx((100 * 15 + 300 * 50 + 200 * 15) / 80)
    # sorted by distance: 100 x15, 200 x15 (cumulative 30), 300 x50: half of 80 is reached at 300
    assert got["median_migration_distance_km"] == 300.0


def test_indices_without_population_leave_the_rates_empty():
    got = system_indices(FLOWS, UNITS, population=None, distances=DISTANCES)
    assert got["crude_migration_intensity"] is None and got["aggregate_net_migration_rate"] is None
    assert got["migration_effectiveness_index"] == pytest.approx(12.5)


def test_a_flow_outside_the_frame_or_on_the_diagonal_fails():
    stray = pd.concat([FLOWS, FLOWS.head(1).assign(destination_region_code="z")])
    with pytest.raises(ValueError, match="outside the frame: \\['z'\\]"):
        full_matrix(stray, UNITS)
    with pytest.raises(ValueError, match="diagonal"):
        full_matrix(FLOWS.head(1).assign(destination_region_code="a"), UNITS)


def test_a_missing_distance_fails():
    with pytest.raises(ValueError, match="no distance"):
        system_indices(FLOWS, UNITS, 1000.0, DISTANCES.iloc[1:])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([7, 7, 7, 7], 0.0),  # perfect equality
        ([0, 0, 0, 1], 0.75),  # one holds all: 1 - 1/N
        ([1, 2, 3, 4], 0.25),  # sum|x_a-x_b| = 20, 2 N^2 mean = 80
        ([1, 3], 0.25),  # |1-3|*2 / (2*4*2)
    ],
)
def test_gini_on_known_vectors(values, expected):
    assert gini(values) == pytest.approx(expected)


def test_gini_is_scale_free_and_rejects_an_all_zero_vector():
    assert gini([2, 4, 6, 8]) == pytest.approx(gini([1, 2, 3, 4]))
    with pytest.raises(ValueError):
        gini([0, 0])


def test_weighted_median_is_the_lower_median():
    assert weighted_median([1, 2, 3], [1, 1, 1]) == 2
    assert weighted_median([1, 2, 3], [1, 1, 2]) == 2  # half the weight (2 of 4) at or below 2
    assert weighted_median([1, 2, 3], [1, 1, 3]) == 3
    assert not math.isnan(weighted_median([5.0], [1]))
