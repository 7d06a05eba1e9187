"""Fixture socio-economic marts (tests/app/warehouse_fixture.py): seven indicators per unit of
the year's own frame, scored against the national average with the paper's bands and points
(published national figures for GRP, wages and unemployment, population-weighted means for the
rest), and the scorecard that sums them beside the year's coefficient and total balance."""

from __future__ import annotations

import random

import pandas as pd

from tests.app.regions_fixture import YEARS, RegionFrames, frame_of_year, noise

# relative GRP per capita (national = 1)
GRP_REL = {
    "10": 0.75, "11": 0.9, "15": 1.05, "19": 0.55, "23": 3.9, "27": 1.45, "31": 0.45, "33": 0.5,
    "35": 1.3, "39": 0.92, "43": 0.66, "47": 1.6, "51": 0.42, "55": 1.22, "59": 0.72, "61": 0.36,
    "62": 1.6, "63": 1.02, "71": 2.2, "75": 2.0, "79": 0.6,
}  # fmt: skip
INDICATOR_SPEC = {
    # code: (unit, polarity, national level in 2015, yearly growth, years available)
    "grp_per_capita": ("thousand tenge", "higher_is_better", 2300.0, 0.12, YEARS),
    "avg_monthly_wage": ("tenge", "higher_is_better", 126000.0, 0.10, YEARS),
    "per_capita_income": ("tenge", "higher_is_better", 61000.0, 0.08, YEARS),
    "unemployment_rate": ("percent", "higher_is_worse", 5.0, -0.01, YEARS),
    "employment_applicants_per_1000": ("per 1,000", "higher_is_worse", 24.0, 0.0, YEARS[:-2]),
    "doctors_per_10k": ("per 10,000", "higher_is_better", 39.0, 0.01, YEARS[:-1]),
    "housing_commissioned_m2_per_capita": ("m2", "higher_is_better", 0.6, 0.06, YEARS[:-1]),
}
POINTS = {"very low": -2.0, "low": -1.0, "medium": 0.5, "high": 1.0, "very high": 2.0}


def score_class(pct: float) -> str:
    if pct < 70:
        return "very low"
    if pct < 95:
        return "low"
    if pct < 105:
        return "medium"
    if pct < 150:
        return "high"
    return "very high"


def socioeconomic_scores(rng: random.Random, years, frames: RegionFrames) -> pd.DataFrame:
    """marts.fct_socioeconomic_scores: one row per (unit, year, indicator) available that year."""
    to_frame = frames.to_frame
    score_rows = []
    for year in years:
        frame = frame_of_year(year)
        units = sorted(set(to_frame[frame].values()))
        for code, (unit, polarity, level, growth, avail) in INDICATOR_SPEC.items():
            if year not in avail:
                continue
            nat_level = level * (1 + growth) ** (year - 2015)
            values = {}
            for u in units:
                p = u[:2]
                rel = GRP_REL[p]
                if code == "grp_per_capita":
                    r = rel * noise(rng, 0.05)
                elif code == "avg_monthly_wage":
                    r = (1 + 0.35 * (rel - 1)) * noise(rng, 0.05)
                elif code == "per_capita_income":
                    r = (1 + 0.3 * (rel - 1)) * noise(rng, 0.06)
                elif code == "unemployment_rate":
                    r = max(0.6, 1 - 0.08 * (rel - 1)) * noise(rng, 0.08)
                elif code == "employment_applicants_per_1000":
                    r = noise(rng, 0.35)
                elif code == "doctors_per_10k":
                    r = (1.55 if p in ("71", "75") else 0.85) * noise(rng, 0.1)
                else:
                    r = (1.9 if p in ("71", "19") else 0.9) * noise(rng, 0.3)
                values[u] = round(nat_level * r, 3)
            upop = {u: frames.unit_population(frame, u, year) for u in units}
            published = code in ("grp_per_capita", "avg_monthly_wage", "unemployment_rate")
            national = (
                round(nat_level, 3)
                if published
                else round(sum(values[u] * upop[u] for u in units) / sum(upop.values()), 3)
            )
            for u in units:
                pct = round(100 * values[u] / national, 4)
                klass = score_class(pct)
                pts = POINTS[klass] * (-1 if polarity == "higher_is_worse" else 1)
                score_rows.append(
                    {
                        "region_code": u,
                        "year": year,
                        "indicator_code": code,
                        "region_frame": frame,
                        "value": values[u],
                        "unit": unit,
                        "national_average": national,
                        "national_average_method": "published national figure"
                        if published
                        else "population-weighted mean of regions",  # fmt: skip
                        "pct_of_national_average": pct,
                        "score_class": klass,
                        "polarity": polarity,
                        "score_points": pts,
                        "source_id": {
                            "grp_per_capita": "bns_grp_per_capita_xlsx",
                            "avg_monthly_wage": "xuzzu_region_panel",
                            "unemployment_rate": "bns_unemployment_xlsx",
                            "per_capita_income": "bns_income_48510",
                            "doctors_per_10k": "bns_doctors_xls",
                            "employment_applicants_per_1000": "employment_applicants_xlsx",
                        }.get(code, "kazdata_housing_commissioned"),  # fmt: skip
                        "quality_flag": "yoy_outlier"
                        if (u, year, code) == ("230000000", 2019, "grp_per_capita")
                        else None,  # fmt: skip
                    }
                )
    scores = pd.DataFrame(score_rows)
    scores["year"] = scores["year"].astype("int32")
    return scores


def region_scorecard(
    scores: pd.DataFrame, attractiveness: pd.DataFrame, balance: pd.DataFrame
) -> pd.DataFrame:
    """marts.fct_region_scorecard: total points per unit and year, with the interregional
    coefficient and the total balance of the year's own frame."""
    coef = {
        (r.region_code, int(r.year)): float(r.attractiveness_coefficient)
        for r in attractiveness.itertuples()
        if r.flow_scope == "interregional" and r.region_frame == frame_of_year(int(r.year))
    }
    total_net = {
        (r.region_code, int(r.year)): int(r.net_migration)
        for r in balance.itertuples()
        if r.flow_scope == "total" and r.region_frame == frame_of_year(int(r.year))
    }
    card_rows = []
    for (u, year), g in scores.groupby(["region_code", "year"]):
        key = (u, int(year))
        card_rows.append(
            {
                "region_code": u,
                "year": int(year),
                "region_frame": frame_of_year(int(year)),
                "total_score_points": float(g["score_points"].sum()),
                "indicators_scored": int(len(g)),
                "indicators_available": int(len(g)),
                "indicators_flagged": int((g["quality_flag"] != "ok").sum()),
                "scored_indicator_codes": sorted(g["indicator_code"]),
                "attractiveness_coefficient": coef.get(key),
                "attractiveness_flow_scope": "interregional" if key in coef else None,
                "attractiveness_region_frame": frame_of_year(int(year)) if key in coef else None,
                "attractiveness_quality_flag": "ok" if key in coef else None,
                "net_migration": None if key not in total_net else float(total_net[key]),
                "net_migration_per_1000": None,
                "net_migration_flow_scope": "total" if key in total_net else None,
                "net_migration_region_frame": frame_of_year(int(year))
                if key in total_net
                else None,  # fmt: skip
                "net_migration_quality_flag": None,
            }
        )
    scorecard = pd.DataFrame(card_rows)
    scorecard["year"] = scorecard["year"].astype("int32")
    return scorecard
