"""Ingest: land raw BNS extracts in DuckDB exactly as published, with lineage.

Flow: source_registry.yml names each file and its parser -> a parser yields PublishedCell
records (value text as written, region as written, period as written, sheet/row/column) ->
the loader parses numbers, resolves region names and writes raw.observations / raw.od_flows in
one transaction per file, recording every attempt in raw.load_manifest.
"""
