"""One row per (year, indicator_code, migration_measure, flow_scope, region_frame, lag_years):
Spearman and Pearson correlation across the frame's units between an indicator in year - lag
(% of the national average; or the scorecard's total_score_points) and a migration measure in
year. The statistics live in analysis/association.py; marts.fct_indicator_migration_association
carries the contract."""

import pandas as pd

from analysis.association import associate, own_frames


def model(dbt, session):
    dbt.config(materialized="table")
    scores = dbt.ref("fct_socioeconomic_scores").df()
    scorecard = dbt.ref("fct_region_scorecard").df()
    balances = dbt.ref("fct_migration_balance").df()
    attractiveness = dbt.ref("fct_migration_attractiveness").df()
    frames = own_frames(dbt.ref("region_frames").df())

    indicator_columns = ["region_code", "year", "region_frame", "indicator_code"]
    indicators = scores.rename(
        columns={
            "pct_of_national_average": "indicator_value",
            "quality_flag": "indicator_quality_flag",
        }
    )[[*indicator_columns, "indicator_value", "indicator_quality_flag"]]
    # total points are a sum of class points, not a % of the national average (docs/drivers.md)
    total_points = scorecard.assign(
        indicator_code="total_score_points",
        indicator_value=scorecard["total_score_points"],
        indicator_quality_flag=(scorecard["indicators_flagged"] > 0).map(
            {True: "indicators_flagged", False: "ok"}
        ),
    )[[*indicator_columns, "indicator_value", "indicator_quality_flag"]]

    migration_columns = ["region_code", "year", "region_frame", "flow_scope"]
    net = balances.assign(
        migration_measure="net_migration_per_1000",
        migration_value=balances["net_migration_per_1000"],
        migration_quality_flag=balances["quality_flag"],
    )
    coefficient = attractiveness.assign(
        migration_measure="attractiveness_coefficient",
        migration_value=attractiveness["attractiveness_coefficient"],
        migration_quality_flag=attractiveness["quality_flag"],
    )
    migration_values = ["migration_measure", "migration_value", "migration_quality_flag"]
    migration = [frame[[*migration_columns, *migration_values]] for frame in (net, coefficient)]

    return associate(
        pd.concat([indicators, total_points], ignore_index=True),
        pd.concat(migration, ignore_index=True),
        frames,
    )
