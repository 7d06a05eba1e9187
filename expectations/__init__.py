"""The quality gates of the warehouse: Great Expectations suites (JSON in `suites/`) for the raw
layer, the staging views and the row counts of the marts, run against a private build file
before it is published (docs/quality-gates.md says what they check and what dbt checks).

Entry point: `expectations.gates.run_gates` (and `python -m expectations.gates`). Modules:
`settings` (config.yml), `suite_files` (the suites), `batches` and `aggregates` (DuckDB reads),
`served_build` (the served build's row counts, from its record), `context` (GX),
`suite_validation` (one suite), `report` (the outcome), `rule_owners` (which rules dbt owns).
Importing this package does not import Great Expectations; only running the gates does, so the
Streamlit app must import nothing from here.
"""
