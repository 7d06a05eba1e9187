"""Gravity models of interregional flows: the estimation sample and its PPML fit.

persons_ij,t ~ exp(alpha_t + b1 ln pop_i + b2 ln pop_j + b3 ln d_ij + sum_k g_k x_k,i + d_k x_k,j)
estimated by Poisson pseudo-maximum likelihood (Santos Silva & Tenreyro 2006) with statsmodels'
Poisson GLM and standard errors clustered by origin-destination pair. The sample is built from
region-level marts only (flows, balances, scores, distances, system indices), never raw cells.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.gravity_spec import GravityModel, GravitySpecError, all_terms, indicator_terms
from analysis.indices import full_matrix

KEYS = ["model_id", "year", "origin_region_code", "destination_region_code"]
# Why a pair of a year is left out, in the order they are tested
REASONS = ("flagged_year", "no_indicator_data", "missing_population", "missing_indicator")
ESTIMATOR, COVARIANCE = "ppml", "cluster_robust_by_od_pair"


def _log_pct(values: pd.Series) -> pd.Series:
    """x = ln(pct_of_national_average / 100); NULL where the value is missing or not positive."""
    return np.log(values.where(values > 0) / 100)


def _year_frame(model, year, inputs) -> pd.DataFrame:
    """All ordered pairs of the year's own frame with persons, regressors and the year's reasons."""
    frame = inputs["own_frame"][year]
    flows = inputs["flows"]
    matrix = full_matrix(
        flows[(flows["year"] == year) & (flows["region_frame"] == frame)], inputs["units"][frame]
    )
    out = matrix.assign(model_id=model.model_id, year=year, region_frame=frame)
    distances = inputs["distances"]
    distances = distances[distances["region_frame"] == frame]
    out = out.merge(
        distances[["origin_region_code", "destination_region_code", "distance_km"]], how="left"
    )
    balances = inputs["balances"]
    population = balances[(balances["year"] == year) & (balances["region_frame"] == frame)]
    population = np.log(population.set_index("region_code")["population"])
    out["ln_population_origin"] = out["origin_region_code"].map(population)
    out["ln_population_destination"] = out["destination_region_code"].map(population)
    out["ln_distance_km"] = np.log(out["distance_km"])

    indicator_year = year - model.indicator_lag_years
    scores = inputs["scores"]
    scores = scores[(scores["year"] == indicator_year) & (scores["region_frame"] == frame)]
    for code in model.indicators:
        values = _log_pct(
            scores[scores["indicator_code"] == code].set_index("region_code")[
                "pct_of_national_average"
            ]
        )
        origin_term, destination_term = indicator_terms(code)
        out[origin_term] = out["origin_region_code"].map(values)
        out[destination_term] = out["destination_region_code"].map(values)
    indices = inputs["indices"]
    share = indices.loc[
        (indices["year"] == year) & (indices["region_frame"] == frame), "balance_disagreement_share"
    ]
    out["flagged_year"] = model.exclude_flagged_years and bool(
        (share > model.flagged_year_min_disagreement_share).any()
    )
    out["no_indicator_data"] = bool(model.indicators) and scores.empty
    return out


def _available_indicators(model, pairs: pd.DataFrame) -> list[str]:
    """indicator_selection 'available': indicators present for every pair of every year that is
    neither flagged nor without indicator data."""
    usable = pairs[~pairs["flagged_year"] & ~pairs["no_indicator_data"]]
    return [
        code
        for code in model.indicators
        if len(usable) and usable[list(indicator_terms(code))].notna().all().all()
    ]


def build_sample(models: list[GravityModel], inputs: dict) -> pd.DataFrame:
    """One row per (model_id, year, origin, destination) of every declared year, with persons,
    one column per possible term (NULL where the term is not the model's regressor), included
    and exclusion_reason.

    inputs: flows (fct_migration_flows), balances (interregional fct_migration_balance),
    scores (fct_socioeconomic_scores), distances (dim_region_distance), indices
    (fct_migration_system_indices), units {frame: [unit codes]}, own_frame {year: frame},
    indicator_codes (seed indicators)."""
    columns = all_terms(inputs["indicator_codes"])
    matrix_years = sorted(inputs["flows"]["year"].unique())
    parts = []
    for model in models:
        years = matrix_years if model.years == "all" else model.years
        missing = [y for y in years if y not in matrix_years]
        if missing:
            raise GravitySpecError(
                f"gravity model {model.model_id}: years: no origin-destination matrix for "
                f"{missing} "
                f"(there is one for {matrix_years})"
            )
        pairs = pd.concat([_year_frame(model, year, inputs) for year in years], ignore_index=True)
        kept = (
            _available_indicators(model, pairs)
            if model.indicator_selection == "available"
            else model.indicators
        )
        regressors = [*model.terms, *(t for code in kept for t in indicator_terms(code))]
        pairs["missing_population"] = (
            pairs[["ln_population_origin", "ln_population_destination"]].isna().any(axis=1)
        )
        pairs["missing_indicator"] = pairs[regressors].isna().any(axis=1)
        reason = pd.Series(None, index=pairs.index, dtype=object)
        for name in reversed(REASONS):  # the first reason that applies wins
            reason = reason.mask(pairs[name], name)
        pairs["exclusion_reason"] = reason
        pairs["included"] = reason.isna()
        for column in columns:
            if column not in regressors:
                pairs[column] = np.nan
        parts.append(
            pairs[[*KEYS, "region_frame", "persons", *columns, "included", "exclusion_reason"]]
        )
    return pd.concat(parts, ignore_index=True)


def estimate(sample: pd.DataFrame, model: GravityModel) -> pd.DataFrame:
    """PPML of one model on its included rows: one row per regressor (fixed effects are not
    reported). The regressors are the term columns that are non-null in the included rows."""
    import statsmodels.api as sm

    rows = sample[(sample["model_id"] == model.model_id) & sample["included"]]
    rows = rows.sort_values(KEYS, kind="stable")  # same order, same last bits, in every build
    if rows.empty:
        raise GravitySpecError(
            f"gravity model {model.model_id}: no pair is included, nothing to estimate"
        )
    regressors = [c for c in sample.columns if c.startswith("ln_") and rows[c].notna().all()]
    exog = rows[regressors].astype(float)
    if "year" in model.fixed_effects:
        exog = exog.join(pd.get_dummies(rows["year"], prefix="year_fe", dtype=float))
    else:
        exog = sm.add_constant(exog)
    pairs = rows["origin_region_code"] + ">" + rows["destination_region_code"]
    groups = pd.factorize(pairs)[0]
    fit = sm.GLM(rows["persons"].astype(float), exog, family=sm.families.Poisson()).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, tol=1e-8, maxiter=100
    )
    fitted = fit.fittedvalues
    pseudo_r2 = float(np.corrcoef(rows["persons"].astype(float), fitted)[0, 1] ** 2)
    ci = fit.conf_int(alpha=0.05)
    years = sorted(int(y) for y in rows["year"].unique())
    return pd.DataFrame(
        {
            "model_id": model.model_id,
            "term": regressors,
            "estimate": fit.params[regressors].to_numpy(),
            "std_error": fit.bse[regressors].to_numpy(),
            "z": fit.tvalues[regressors].to_numpy(),
            "p_value": fit.pvalues[regressors].to_numpy(),
            "ci_low_95": ci.loc[regressors, 0].to_numpy(),
            "ci_high_95": ci.loc[regressors, 1].to_numpy(),
            "n_obs": len(rows),
            "n_clusters": len(set(groups)),
            "years": [years] * len(regressors),
            "fixed_effects": [list(model.fixed_effects)] * len(regressors),
            "estimator": ESTIMATOR,
            "covariance": COVARIANCE,
            "pseudo_r2": pseudo_r2,
            "converged": bool(fit.converged),
        }
    )
