"""The gravity sample and its PPML fit (analysis/gravity.py) on a synthetic system drawn from
known coefficients, and the validation of analysts' model declarations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.gravity import build_sample, estimate
from analysis.gravity_spec import SPEC_PATH, GravitySpecError, all_terms, load_models

INDICATORS = ["grp_per_capita", "unemployment_rate"]
TRUE = {
    "ln_population_origin": 0.8,
    "ln_population_destination": 1.1,
    "ln_distance_km": -1.2,
    "ln_pct_grp_per_capita_origin": -0.5,
    "ln_pct_grp_per_capita_destination": 0.9,
}
YEAR_EFFECT = {2022: -7.0, 2023: -6.0, 2024: -5.5}
MODEL_YAML = """
models:
  - model_id: synthetic
    description: push and pull on a synthetic system
    years: all
    frame_rule: own_frame
    terms: [ln_population_origin, ln_population_destination, ln_distance_km]
    indicators: [grp_per_capita]
    indicator_selection: all
    indicator_lag_years: 1
    fixed_effects: [year]
    exclude_flagged_years: {exclude}
    flagged_year_min_disagreement_share: 0.01
"""


def synthetic_inputs(seed: int = 7) -> dict:
    """20 units; flows of 2022-2024 drawn from a Poisson with the TRUE coefficients; 2022's
    matrix is flagged (a third of the movers disagree) and drawn from other coefficients."""
    rng = np.random.default_rng(seed)
    units = [f"{i:02d}0000000" for i in range(10, 30)]
    lat, lon = rng.uniform(41, 55, 20), rng.uniform(50, 87, 20)
    from analysis.geo import haversine_km

    distances = pd.DataFrame(
        [
            (units[i], units[j], float(haversine_km(lat[i], lon[i], lat[j], lon[j])))
            for i in range(20)
            for j in range(20)
            if i != j
        ],
        columns=["origin_region_code", "destination_region_code", "distance_km"],
    ).assign(region_frame="kz20")
    balances, scores, flows = [], [], []
    for year in (2021, 2022, 2023, 2024):
        population = pd.Series(rng.uniform(5e5, 2.5e6, 20), index=units)
        balances.append(
            pd.DataFrame(
                {
                    "region_code": units,
                    "year": year,
                    "region_frame": "kz20",
                    "population": population.to_numpy(),
                }
            )
        )
        for code in INDICATORS:
            scores.append(
                pd.DataFrame(
                    {
                        "region_code": units,
                        "year": year,
                        "region_frame": "kz20",
                        "indicator_code": code,
                        "pct_of_national_average": rng.uniform(50, 200, 20),
                    }
                )
            )
    balances, scores = pd.concat(balances), pd.concat(scores)
    for year in (2022, 2023, 2024):
        pop = balances[balances["year"] == year].set_index("region_code")["population"]
        grp = scores[
            (scores["year"] == year - 1) & (scores["indicator_code"] == "grp_per_capita")
        ].set_index("region_code")["pct_of_national_average"]
        d = distances.copy()
        eta = (
            YEAR_EFFECT[year]
            + TRUE["ln_population_origin"] * np.log(d["origin_region_code"].map(pop))
            + TRUE["ln_population_destination"] * np.log(d["destination_region_code"].map(pop))
            + TRUE["ln_distance_km"] * np.log(d["distance_km"])
            + TRUE["ln_pct_grp_per_capita_origin"] * np.log(d["origin_region_code"].map(grp) / 100)
            + TRUE["ln_pct_grp_per_capita_destination"]
            * np.log(d["destination_region_code"].map(grp) / 100)
        )
        if year == 2022:  # the broken year: flows unrelated to distance
            eta = eta - TRUE["ln_distance_km"] * np.log(d["distance_km"])
        d["persons"] = rng.poisson(np.exp(eta)).astype(float)
        flows.append(
            d.assign(year=year)[
                ["year", "region_frame", "origin_region_code", "destination_region_code", "persons"]
            ]
        )
    return {
        "flows": pd.concat(flows, ignore_index=True),
        "balances": balances,
        "scores": scores,
        "distances": distances,
        "indices": pd.DataFrame(
            {
                "year": [2022, 2023, 2024],
                "region_frame": "kz20",
                "balance_disagreement_share": [0.33, 0.0014, 0.0],
            }
        ),
        "units": {"kz20": units},
        "own_frame": {2021: "kz20", 2022: "kz20", 2023: "kz20", 2024: "kz20"},
        "indicator_codes": ["avg_monthly_wage", *INDICATORS],
    }


def synthetic_model(exclude: bool = True):
    (model,) = load_models(
        ["avg_monthly_wage", *INDICATORS], text=MODEL_YAML.format(exclude=str(exclude).lower())
    )
    return model


def test_ppml_recovers_the_coefficients_the_flows_were_drawn_with():
    inputs, model = synthetic_inputs(), synthetic_model()
    sample = build_sample([model], inputs)
    estimates = estimate(sample, model).set_index("term")
    assert list(estimates.index) == list(TRUE)
    for term, truth in TRUE.items():
        row = estimates.loc[term]
        assert row["estimate"] == pytest.approx(truth, abs=0.05), term
        # the clustered standard error is of the size of the actual sampling error
        assert abs(row["estimate"] - truth) < 4 * row["std_error"], term
        assert row["ci_low_95"] < row["estimate"] < row["ci_high_95"], term
    assert estimates["converged"].all() and (estimates["estimator"] == "ppml").all()
    assert estimates["n_obs"].iloc[0] == 2 * 380 and estimates["n_clusters"].iloc[0] == 380
    assert estimates["years"].iloc[0] == [2023, 2024]


def test_flagged_years_are_excluded_and_kept_only_when_the_model_says_so():
    inputs = synthetic_inputs()
    sample = build_sample([synthetic_model(exclude=True)], inputs)
    reasons = sample.groupby("year")["exclusion_reason"].unique().to_dict()
    assert list(reasons[2022]) == ["flagged_year"]
    assert sample.loc[sample["year"] != 2022, "included"].all()
    # 2023's disagreement (0.14 % of the movers) is below the tolerance: kept
    kept = build_sample([synthetic_model(exclude=False)], inputs)
    assert kept["included"].all()
    biased = estimate(kept, synthetic_model(exclude=False)).set_index("term")
    assert biased.loc["ln_distance_km", "estimate"] > -1.0  # the broken year drags it to 0


def test_the_sample_has_one_column_per_possible_term_and_nulls_for_unused_ones():
    inputs = synthetic_inputs()
    sample = build_sample([synthetic_model()], inputs)
    terms = all_terms(inputs["indicator_codes"])
    assert [c for c in sample.columns if c.startswith("ln_")] == terms
    assert sample["ln_pct_unemployment_rate_origin"].isna().all()
    assert (
        sample.groupby(["year", "origin_region_code", "destination_region_code"]).size().max() == 1
    )


def test_a_missing_indicator_excludes_only_the_pairs_touching_that_unit():
    inputs = synthetic_inputs()
    scores = inputs["scores"]
    gone = (
        (scores["year"] == 2022)
        & (scores["region_code"] == "100000000")
        & (scores["indicator_code"] == "grp_per_capita")
    )
    inputs["scores"] = scores[~gone]
    sample = build_sample([synthetic_model()], inputs)
    missing = sample[sample["exclusion_reason"] == "missing_indicator"]
    assert set(missing["year"]) == {2023} and len(missing) == 2 * 19
    assert (
        (missing[["origin_region_code", "destination_region_code"]] == "100000000")
        .any(axis=1)
        .all()
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("indicators: [grp_per_capita]", "indicators: [grp_per_capita, gdp]"),
            "model synthetic: indicators: unknown indicator 'gdp'",
        ),
        (
            ("terms: [ln_population_origin,", "terms: [ln_area, ln_population_origin,"),
            "model synthetic: terms: unknown term 'ln_area'",
        ),
        (
            ("fixed_effects: [year]", "fixed_effects: [origin]"),
            "model synthetic: fixed_effects: unknown fixed effect 'origin'",
        ),
        (("frame_rule: own_frame", "frame_rule: kz20"), "model synthetic: frame_rule"),
        (
            ("indicator_lag_years: 1", "indicator_lag_years: 1\n    lag: 2"),
            "model synthetic: lag: Extra inputs",
        ),
    ],
)
def test_a_bad_model_declaration_fails_naming_the_model_and_entry(edit, message):
    text = MODEL_YAML.format(exclude="true").replace(*edit)
    with pytest.raises(GravitySpecError, match=message):
        load_models(["avg_monthly_wage", *INDICATORS], text=text)


def test_a_year_without_a_matrix_fails_naming_it():
    text = MODEL_YAML.format(exclude="true").replace("years: all", "years: [2019, 2023]")
    (model,) = load_models(INDICATORS, text=text)
    with pytest.raises(
        GravitySpecError, match=r"model synthetic: years: no origin-destination matrix for \[2019\]"
    ):
        build_sample([model], synthetic_inputs())


def test_the_declared_models_are_valid():
    models = load_models(
        ["avg_monthly_wage", "doctors_per_10k", "employment_applicants_per_1000", "grp_per_capita",
         "housing_commissioned_m2_per_capita", "per_capita_income", "unemployment_rate"],
        path=SPEC_PATH,
    )  # fmt: skip
    assert models[0].model_id == "gravity_ppml_push_pull"
    assert models[0].indicator_lag_years == 1 and models[0].exclude_flagged_years
