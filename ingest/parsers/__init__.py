"""One parser per published layout. The source registry names them by these keys.

A parser yields PublishedCell objects, landed row by row by the loader; a bulk parser (one with
`plan_landing`, e.g. `od_flows_csv_bulk`) lands the file through DuckDB instead
(ingest/parsers/od_bulk/).
"""

from ingest.parsers.bns_export import bns_export
from ingest.parsers.csv_tables import internal_migration_csv, od_flows_csv, taldau_flat_csv
from ingest.parsers.kato_json import kato_json
from ingest.parsers.od_bulk import od_flows_csv_bulk
from ingest.parsers.spreadsheets import indicator_panel, wide_table
from ingest.parsers.taldau_json import taldau_json

PARSERS = {
    "od_flows_csv": od_flows_csv,
    "od_flows_csv_bulk": od_flows_csv_bulk,
    "internal_migration_csv": internal_migration_csv,
    "taldau_flat_csv": taldau_flat_csv,
    "wide_table": wide_table,
    "indicator_panel": indicator_panel,
    "kato_json": kato_json,
    "bns_export": bns_export,
    "taldau_json": taldau_json,
}

# The version of each parser's output: bump it when a parser lands a file differently (other
# cells, texts or keys). It is part of each registry entry's fingerprint (ingest/registry.py), so
# every file the parser landed is landed again at the next refresh. Absent: 1.
PARSER_VERSIONS: dict[str, int] = {}
