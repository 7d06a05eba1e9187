"""One row per (year, indicator_code, migration_measure, flow_scope, region_frame, lag_years):
Spearman and Pearson correlation across the frame's units between an indicator in year - lag
(% of the national average; or the scorecard's total_score_points) and a migration measure in
year. The statistics live in analysis/association.py; marts.fct_indicator_migration_association
carries the contract."""

from analysis.association import association_table


def model(dbt, session):
    dbt.config(materialized="table")
    scores = dbt.ref("fct_socioeconomic_scores").df()
    scorecard = dbt.ref("fct_region_scorecard").df()
    balances = dbt.ref("fct_migration_balance").df()
    attractiveness = dbt.ref("fct_migration_attractiveness").df()
    region_frames = dbt.ref("region_frames").df()
    return association_table(scores, scorecard, balances, attractiveness, region_frames)
