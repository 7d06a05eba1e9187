"""Cross-regional association (analysis/association.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.association import associate, own_frames

FRAMES = own_frames(
    pd.DataFrame(
        {"region_frame": ["kz17", "kz20"], "first_year": [2018, 2022], "last_year": [2021, None]}
    )
)


def test_own_frames_cover_each_year_once():
    assert FRAMES[2021] == "kz17" and FRAMES[2022] == "kz20" and FRAMES[2030] == "kz20"
    assert 2017 not in FRAMES


def tables():
    regions = [f"r{i}" for i in range(6)]
    values = [90.0, 110.0, 70.0, 150.0, 100.0, 60.0]
    indicators = pd.concat(
        pd.DataFrame(
            {
                "region_code": regions,
                "year": year,
                "region_frame": FRAMES[year],
                "indicator_code": "grp_per_capita",
                "indicator_value": values,
                "indicator_quality_flag": "ok",
            }
        )
        for year in (2021, 2022)
    )
    migration = pd.concat(
        pd.DataFrame(
            {
                "region_code": regions,
                "year": 2022,
                "region_frame": frame,
                "flow_scope": "internal",
                "migration_measure": "net_migration_per_1000",
                "migration_value": [1.0, 3.0, -2.0, 2.0, 0.5, -4.0],
                "migration_quality_flag": ["ok"] * 5 + [flag],
            }
        )
        for frame, flag in (("kz20", "ok"), ("kz17", "source_disagreement"))
    )
    return indicators, migration


def test_association_pairs_the_indicator_of_year_minus_lag_in_its_own_frame():
    indicators, migration = tables()
    got = associate(indicators, migration, FRAMES).set_index("lag_years")
    assert list(got.index) == [0, 1]
    # lag 0: 2022 indicators (kz20) with 2022 migration in kz20; lag 1: 2021 (kz17) in kz17
    assert got.loc[0, "region_frame"] == "kz20" and got.loc[1, "region_frame"] == "kz17"
    x = [90.0, 110.0, 70.0, 150.0, 100.0, 60.0]
    y = [1.0, 3.0, -2.0, 2.0, 0.5, -4.0]
    assert got.loc[0, "spearman_rho"] == pytest.approx(stats.spearmanr(x, y).statistic)
    assert got.loc[0, "spearman_rho"] == pytest.approx(
        1 - 6 * (1 + 1 + 0 + 1 + 1 + 0) / (6 * 35)
    )  # by hand: ranks
    assert got.loc[0, "pearson_r"] == pytest.approx(stats.pearsonr(x, y).statistic)
    assert got.loc[0, "n_regions"] == 6
    assert got.loc[0, "quality_flag"] == "ok"
    assert got.loc[1, "quality_flag"] == "source_disagreement"
    assert "migration rows flagged: 1 of 6" in got.loc[1, "quality_note"]


def test_too_few_regions_give_no_row():
    indicators, migration = tables()
    assert associate(indicators.head(3), migration, FRAMES).empty


def test_the_result_does_not_depend_on_the_order_the_marts_are_read_in():
    """Two builds read the marts in different orders; the coefficients must agree to the bit
    (the refresh's rebuild test compares mart contents exactly)."""
    rng = np.random.default_rng(3)
    regions = [f"{i:02d}0000000" for i in range(10, 30)]
    indicators = pd.DataFrame(
        {
            "region_code": regions,
            "year": 2023,
            "region_frame": "kz20",
            "indicator_code": "grp_per_capita",
            "indicator_value": rng.lognormal(4.6, 0.4, 20),
            "indicator_quality_flag": "ok",
        }
    )
    migration = pd.DataFrame(
        {
            "region_code": regions,
            "year": 2023,
            "region_frame": "kz20",
            "flow_scope": "internal",
            "migration_measure": "net_migration_per_1000",
            "migration_value": rng.normal(0, 7, 20),
            "migration_quality_flag": "ok",
        }
    )
    first = associate(indicators, migration, FRAMES)
    for seed in range(5):
        shuffled = associate(
            indicators.sample(frac=1, random_state=seed),
            migration.sample(frac=1, random_state=seed + 10),
            FRAMES,
        )
        pd.testing.assert_frame_equal(first, shuffled, check_exact=True)
