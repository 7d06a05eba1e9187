"""Cross-regional association between a socio-economic indicator and a migration measure.

Each (year, indicator, migration measure, flow scope, frame, lag) pairs the indicator of every
unit of the frame in year - lag with the migration measure of the same unit in year, and reports
Spearman's rho and Pearson's r across the units (scipy.stats). Association, not causation: with
14-20 units per year the confidence intervals are wide.
"""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd
from scipy import stats

# Spearman's p-value from scipy's t approximation (t = rho·sqrt((n-2)/(1-rho²)), n-2 df): an
# exact permutation distribution over 20! orderings is out of reach, and a seeded Monte Carlo
# one for every row would cost seconds per refresh for the same conclusions.
P_VALUE_METHOD = "spearman_t_approximation"
MIN_REGIONS = 4  # below this neither coefficient nor its p-value means anything
LAGS = (0, 1)

# Flags of migration rows that make the whole association row unreliable; any other non-ok flag
# of an input is counted in the note and makes the row 'flagged_inputs'.
SEVERE_MIGRATION_FLAGS = ("source_disagreement",)


def correlate(x: pd.Series, y: pd.Series) -> dict:
    """Spearman's rho, Pearson's r and Spearman's p-value of two aligned series."""
    rho = stats.spearmanr(x, y)
    pearson = stats.pearsonr(x, y)
    return {
        "spearman_rho": _finite(rho.statistic),
        "pearson_r": _finite(pearson.statistic),
        "p_value": _finite(rho.pvalue),
        "p_value_method": P_VALUE_METHOD,
    }


def _finite(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _quality(pairs: pd.DataFrame) -> tuple[str, str | None]:
    """Row flag from the input rows' flags, and a note counting them (plain Python: this runs
    for every row of the mart, and pandas' per-call overhead would dominate)."""
    migration_flags = [f if isinstance(f, str) else "ok" for f in pairs["migration_quality_flag"]]
    indicator_flags = [f if isinstance(f, str) else "ok" for f in pairs["indicator_quality_flag"]]
    notes = []
    for side, flags in (("migration", migration_flags), ("indicator", indicator_flags)):
        flagged = Counter(f for f in flags if f != "ok")
        if flagged:
            counts = ", ".join(f"{flag} {n}" for flag, n in sorted(flagged.items()))
            notes.append(f"{side} rows flagged: {sum(flagged.values())} of {len(flags)} ({counts})")
    if any(f in SEVERE_MIGRATION_FLAGS for f in migration_flags):
        flag = "source_disagreement"
    elif notes:
        flag = "flagged_inputs"
    else:
        flag = "ok"
    return flag, "; ".join(notes) or None


def associate(
    indicators: pd.DataFrame, migration: pd.DataFrame, own_frame: dict[int, str]
) -> pd.DataFrame:
    """One row per (year, indicator_code, migration_measure, flow_scope, region_frame, lag_years).

    indicators: region_code, year, region_frame, indicator_code, indicator_value,
        indicator_quality_flag (each year in its own frame).
    migration: region_code, year, region_frame, flow_scope, migration_measure, migration_value,
        migration_quality_flag (any frame).
    own_frame: year -> the frame the year is published in; the pairing uses the frame of the
        indicator's year (year - lag), where the migration measure of `year` is also defined
        (frames only get coarser going back in time).
    """
    rows = []
    indicators = indicators.dropna(subset=["indicator_value"])
    migration = migration.dropna(subset=["migration_value"])
    for lag in LAGS:
        shifted = indicators.assign(year=indicators["year"] + lag)
        shifted = shifted[shifted["region_frame"] == (shifted["year"] - lag).map(own_frame)]
        pairs = shifted.merge(migration, on=["region_code", "year", "region_frame"], how="inner")
        keys = ["year", "indicator_code", "migration_measure", "flow_scope", "region_frame"]
        # the marts are read in no particular order: fix it, so that sums (and so the last
        # bits of every coefficient) are the same in every build
        pairs = pairs.sort_values([*keys, "region_code"], kind="stable")
        for key, group in pairs.groupby(keys, sort=True):
            if len(group) < MIN_REGIONS:
                continue
            flag, note = _quality(group)
            rows.append(
                dict(zip(keys, key, strict=True))
                | {"lag_years": lag, "n_regions": len(group)}
                | correlate(group["indicator_value"], group["migration_value"])
                | {"quality_flag": flag, "quality_note": note}
            )
    return pd.DataFrame(rows, columns=[*COLUMNS])


COLUMNS = (
    "year",
    "indicator_code",
    "migration_measure",
    "flow_scope",
    "region_frame",
    "lag_years",
    "n_regions",
    "spearman_rho",
    "pearson_r",
    "p_value",
    "p_value_method",
    "quality_flag",
    "quality_note",
)


def own_frames(region_frames: pd.DataFrame) -> dict[int, str]:
    """year -> frame the year is published in, from seed region_frames (first_year, last_year)."""
    frames = {}
    for row in region_frames.itertuples():
        last = 2100 if pd.isna(row.last_year) else int(row.last_year)
        frames.update(dict.fromkeys(range(int(row.first_year), last + 1), row.region_frame))
    return frames


def association_table(scores, scorecard, balances, attractiveness, region_frames) -> pd.DataFrame:
    """The association rows from the marts: every indicator's pct_of_national_average and the
    scorecard's total_score_points (a sum of class points, not a percentage) against
    net_migration_per_1000 and attractiveness_coefficient."""
    indicator_columns = ["region_code", "year", "region_frame", "indicator_code"]
    indicators = scores.rename(
        columns={
            "pct_of_national_average": "indicator_value",
            "quality_flag": "indicator_quality_flag",
        }
    )[[*indicator_columns, "indicator_value", "indicator_quality_flag"]]
    flagged = scorecard["indicators_flagged"] > 0
    total_points = scorecard.assign(
        indicator_code="total_score_points",
        indicator_value=scorecard["total_score_points"],
        indicator_quality_flag=flagged.map({True: "indicators_flagged", False: "ok"}),
    )[[*indicator_columns, "indicator_value", "indicator_quality_flag"]]
    migration_columns = ["region_code", "year", "region_frame", "flow_scope"]
    migration_values = ["migration_measure", "migration_value", "migration_quality_flag"]
    migration = [
        table.assign(
            migration_measure=measure,
            migration_value=table[measure],
            migration_quality_flag=table["quality_flag"],
        )[[*migration_columns, *migration_values]]
        for table, measure in (
            (balances, "net_migration_per_1000"),
            (attractiveness, "attractiveness_coefficient"),
        )
    ]
    return associate(
        pd.concat([indicators, total_points], ignore_index=True),
        pd.concat(migration, ignore_index=True),
        own_frames(region_frames),
    )
