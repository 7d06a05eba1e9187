"""Pipeline: refresh = ingest -> build (raw copy + dbt) -> quality gates -> publish."""
