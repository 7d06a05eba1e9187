"""DuckDB-native landing of origin-destination CSV files (parser key `od_flows_csv_bulk`).

Modules: plan.py (step 1), land.py (steps 2 and 4, and the checks at ingest on the cells),
judge.py (step 3), layout.py (what they share).

The Python path (`od_flows_csv` + `loader.cells_to_frame`) builds one object per cell: right for
the real 3,040-row matrix, far too slow for district-level files of 10^8 rows. This path never
holds the file's rows in Python and, as a rule, reads the file with DuckDB once:

1. plan (`plan_landing`, before any write): the header is checked and a few evenly spaced
   windows of the file are read to collect *candidate* texts for each dictionary column (years,
   months, places, breakdowns, odd value texts), plus every plausible year and month number.
   Candidates are only a guess at the file's vocabulary: nothing is judged or landed from them.
2. land (`prepare`): one scan writes every cell to a scratch table as integer keys (`try_cast`
   to ENUM types of the candidates: a dictionary look-up, no joins) in file order, committed on
   its own. A text that is not a candidate gets a NULL key.
3. check: one scan of the scratch table counts NULL keys and collects, as bitmaps, the keys that
   occur. Only texts that occur are judged, by the very functions the row-by-row path uses
   (`as_year`, `RegionResolver.resolve`, `parse_number`, `SourceEntry.mapping_for`), so both
   paths accept, reject and land exactly the same things; a problem raises the same IngestError,
   naming file, row and column (the loader then records the file as failed and keeps its
   previous rows; the scratch table is dropped).
   If any key is NULL (a text the windows missed), the landing falls back to the exact plan: one
   grouped scan of the file collects every distinct text, and step 2 runs again with those.
   Correctness never depends on the windows; only the number of scans does.
4. insert (inside the loader's transaction): the judged texts become the file's dictionaries in
   the compact OD tables (ingest/raw_store/) and the scratch table becomes the file's cells
   table. Nothing per file is repeated per cell.

Layout: the registry's `columns` as for `od_flows_csv` (year, origin, destination, value), plus
optional `month` (a column of month numbers 1-12: periods become `YYYY-MM`) and `breakdowns`, a
mapping of raw breakdown columns (`sex`, `age_group`) to the file's columns; their values land as
written in raw.od_flows.sex / age_group, and the indicator as written is the value column's
header.
Region names resolve as in the Python path; with `resolve_districts: true`, a 9-digit code that
is not a region but starts with a region's KATO prefix is a district of that region: raw keeps the
district as written and `origin_code`/`destination_code` hold its region (the warehouse's grain).

`memory_limit` (default 3GB) and `threads` (registry options, or KZM_INGEST_MEMORY_LIMIT /
KZM_INGEST_THREADS) bound DuckDB while this file lands.
"""

from ingest.parsers.od_bulk.land import BulkODLanding
from ingest.parsers.od_bulk.plan import OdFlowsCsvBulk

__all__ = ["BulkODLanding", "OdFlowsCsvBulk", "od_flows_csv_bulk"]

od_flows_csv_bulk = OdFlowsCsvBulk()
