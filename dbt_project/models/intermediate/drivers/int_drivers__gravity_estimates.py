"""One row per (model_id, term): the PPML estimates of every gravity model declared in
analysis/gravity_models.yml, fitted on its rows of int_drivers__gravity_sample with statsmodels
(analysis/gravity.py). marts.fct_gravity_estimates carries the contract."""

import pandas as pd

from analysis.gravity import estimate
from analysis.gravity_spec import load_models


def model(dbt, session):
    dbt.config(materialized="table")
    sample = dbt.ref("int_drivers__gravity_sample").df()
    indicators = dbt.ref("indicators").df()
    models = load_models(sorted(indicators["indicator_code"]))
    return pd.concat([estimate(sample, spec) for spec in models], ignore_index=True)
