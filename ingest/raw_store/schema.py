"""The raw layer's schema: the DDL of the raw tables and views, and the column lists the
landing code writes. See ingest/raw_store/__init__.py for the layout and why OD cells are stored
as integers.
"""

from __future__ import annotations

import re

LINEAGE_COLUMNS = """
    source_id        varchar not null,
    source_file      varchar not null,   -- path relative to the raw directory, as registered
    file_sha256      varchar not null,
    sheet            varchar,            -- null for CSV, JSON and Parquet
    row_number       integer not null,   -- 1-based row as a spreadsheet shows it (header = 1)
    column_name      varchar not null,   -- column letter and header text, or the JSON path
    load_id          varchar not null,
    loaded_at        timestamp not null
"""

VALUE_COLUMNS = """
    measure_as_written varchar not null,
    measure          varchar,            -- null: an indicator the registry does not map
    unit             varchar,
    flow_scope       varchar,            -- interregional | internal | total, for migration flows
    period_as_written varchar not null,
    period_type      varchar not null,   -- year | quarter | month | cumulative
    year             integer not null,
    period           varchar not null,   -- 2022 | 2022-Q3 | 2022-H1 | 2022-9M | 2024-05
    value_text       varchar not null,   -- the value exactly as published
    value            double,             -- parsed number; null when value_flag is set
    value_flag       varchar   -- empty | symbol_dash | symbol_ellipsis | symbol_confidential
"""

# The canonical text of a non-negative integer ("0", "87"; not "007", "1 234", "-5"): the one
# value text an OD cell does not store, because raw.od_flows prints it back from the value.
# Both landing paths use it (ingest/parsers/od_bulk/ matches it in SQL before parsing).
PLAIN_INTEGER_PATTERN = "0|[1-9][0-9]{0,14}"
PLAIN_INTEGER_SQL = (
    f"value_flag is null and regexp_full_match(value_text, '{PLAIN_INTEGER_PATTERN}') "
    "and value = try_cast(value_text as double)"
)

OD_DDL_TEMPLATE = """
create table if not exists raw.od_flow_files (
    file_key         integer primary key,
    source_id        varchar not null,
    source_file      varchar not null unique,
    file_sha256      varchar not null,
    load_id          varchar not null,
    loaded_at        timestamp not null,
    cells            bigint not null
);
create table if not exists raw.od_flow_columns (
    file_key         integer not null,
    column_key       integer not null,
    sheet            varchar,
    column_name      varchar not null,
    primary key (file_key, column_key)
);
create table if not exists raw.od_flow_places (
    file_key         integer not null,
    place_key        integer not null,
    year             integer not null,   -- names resolve per year (region reforms)
    as_written       varchar not null,   -- region, district or city as published
    region_code      varchar not null,   -- its region (9-digit KATO), the warehouse's grain
    primary key (file_key, place_key)
);
create table if not exists raw.od_flow_periods (
    file_key         integer not null,
    period_key       integer not null,
    period_as_written varchar not null,
    period_type      varchar not null,
    year             integer not null,
    period           varchar not null,
    primary key (file_key, period_key)
);
create table if not exists raw.od_flow_measures (
    file_key         integer not null,
    measure_key      integer not null,
    measure_as_written varchar not null,
    sex              varchar,            -- breakdowns as published; null: not broken down
    age_group        varchar,
    measure          varchar,
    unit             varchar,
    flow_scope       varchar,
    primary key (file_key, measure_key)
);
create table if not exists raw.od_flow_value_texts (
    file_key         integer not null,
    value_key        integer not null,
    value_text       varchar not null,
    value            double,
    value_flag       varchar,
    primary key (file_key, value_key)
);
-- One row per published cell: raw.od_flow_cells, the union view of the per-file cells tables
-- raw.od_flow_cells_<file_key> (cells_view_sql below; refresh_od_cells_view rewrites it when a
-- file's table comes or goes). Per-file tables so that a bulk landing adopts its 10^8-row scratch
-- table by a rename instead of copying it. No primary key: an ART index costs ~67 MB per million
-- rows and must fit in memory. (file_key, row_number, column_key) is unique by construction
-- (a bulk table's row numbers are its row ids); the raw gate checks it on the row tables.
create view if not exists raw.od_flow_cells as
{EMPTY_CELLS_VIEW};
create or replace view raw.od_flows as
select
    -- = ingest.loader.observation_id: computed, not stored (24 bytes a cell at 10^8 cells)
    left(sha256(
        files.file_sha256 || '|' || coalesce(columns.sheet, '') || '|'
        || cells.row_number::varchar || '|' || columns.column_name
    ), 24) as observation_id,
    origins.as_written as origin_as_written,
    origins.region_code as origin_code,
    destinations.as_written as destination_as_written,
    destinations.region_code as destination_code,
    measures.sex,
    measures.age_group,
    measures.measure_as_written,
    measures.measure,
    measures.unit,
    measures.flow_scope,
    periods.period_as_written,
    periods.period_type,
    periods.year,
    periods.period,
    case
        when cells.value_key is null then cells.value::bigint::varchar else value_texts.value_text
    end as value_text,
    cells.value,
    value_texts.value_flag,
    files.source_id,
    files.source_file,
    files.file_sha256,
    columns.sheet,
    cells.row_number,
    columns.column_name,
    files.load_id,
    files.loaded_at
from raw.od_flow_cells as cells
inner join raw.od_flow_files as files on cells.file_key = files.file_key
inner join raw.od_flow_columns as columns
    on cells.file_key = columns.file_key and cells.column_key = columns.column_key
inner join raw.od_flow_periods as periods
    on cells.file_key = periods.file_key and cells.period_key = periods.period_key
inner join raw.od_flow_places as origins
    on cells.file_key = origins.file_key and cells.origin_key = origins.place_key
inner join raw.od_flow_places as destinations
    on cells.file_key = destinations.file_key and cells.destination_key = destinations.place_key
inner join raw.od_flow_measures as measures
    on cells.file_key = measures.file_key and cells.measure_key = measures.measure_key
left join raw.od_flow_value_texts as value_texts
    on cells.file_key = value_texts.file_key and cells.value_key = value_texts.value_key;
"""

# The dictionaries, then the cells view: the raw OD relations (each has a gate suite).
OD_DICTIONARIES = (
    "od_flow_files", "od_flow_columns", "od_flow_places", "od_flow_periods", "od_flow_measures",
    "od_flow_value_texts",
)  # fmt: skip
OD_TABLES = (*OD_DICTIONARIES, "od_flow_cells")

# The per-file cells tables, raw.od_flow_cells_<file_key>, come in two layouts:
# - row tables (insert_od_cells: the Python path, a wide matrix has many cells a row) store
#   ROW_CELLS_COLUMNS, the row number and column key included;
# - bulk tables (adopt_bulk_cells: a bulk landing's scratch table, written by one CREATE TABLE AS
#   in file order with one value column) store BULK_CELLS_COLUMNS only: the cell's row number is
#   rowid + 2 (rowid 0 is the file's line 2, the header is line 1) and its column key is 1.
# The view tells them apart by the row_number column. The file key is the table's suffix.
BULK_CELLS_COLUMNS = """
    period_key       integer not null,
    origin_key       integer not null,
    destination_key  integer not null,
    measure_key      integer not null,
    value            double,             -- parsed number; null when value_flag is set
    value_key        integer             -- null: value_text is the plain integer of value
"""
ROW_CELLS_COLUMNS = f"""
    row_number       integer not null,
    column_key       integer not null,
    {BULK_CELLS_COLUMNS.strip()}
"""
_CELLS_TABLE = re.compile(r"od_flow_cells_([1-9][0-9]*)")


def is_od_cells_table(name: str) -> bool:
    """Whether `name` (a table of the raw schema) is a per-file cells table od_flow_cells_<key>."""
    return _CELLS_TABLE.fullmatch(name) is not None


# The view's columns and types: those of the shared cells table of earlier releases.
CELLS_VIEW_COLUMNS = (
    ("file_key", "integer"), ("row_number", "integer"), ("column_key", "integer"),
    ("period_key", "integer"), ("origin_key", "integer"), ("destination_key", "integer"),
    ("measure_key", "integer"), ("value", "double"), ("value_key", "integer"),
)  # fmt: skip


def _cells_arm(key: int | None, has_row_number: bool = True) -> str:
    """One arm of the raw.od_flow_cells view, every column cast to the view's type; key None:
    a typed empty select. Names are unqualified by catalog (the build file is served under
    another name, pipeline/publish.py)."""
    if key is None:
        exprs = {c: "null" for c, _ in CELLS_VIEW_COLUMNS}
    else:
        exprs = {c: c for c, _ in CELLS_VIEW_COLUMNS} | {"file_key": str(key)}
        if not has_row_number:  # a bulk table: one value column, rows in file order
            exprs |= {"row_number": "(rowid + 2)", "column_key": "1"}
    select = ", ".join(f"{exprs[c]}::{t} as {c}" for c, t in CELLS_VIEW_COLUMNS)
    if key is None:
        return f"select {select} where false"
    return f"select {select} from raw.od_flow_cells_{key}"


def cells_view_sql(tables: list[tuple[int, bool]]) -> str:
    """The query of raw.od_flow_cells over the per-file tables [(file_key, has_row_number)]."""
    if not tables:
        return _cells_arm(None)
    return "\nunion all\n".join(_cells_arm(key, rows) for key, rows in sorted(tables))


OD_DDL = OD_DDL_TEMPLATE.replace("{EMPTY_CELLS_VIEW}", cells_view_sql([]))


DDL = f"""
create schema if not exists raw;
create table if not exists raw.observations (
    observation_id   varchar primary key,
    region_as_written varchar not null,
    region_code      varchar,            -- 9-digit KATO; 000000000 = Republic of Kazakhstan
    territory_level  varchar not null,   -- country | region | district (districts: no region_code)
    {VALUE_COLUMNS},
    {LINEAGE_COLUMNS}
);
create table if not exists raw.load_manifest (
    source_file      varchar not null,
    file_sha256      varchar not null,
    source_id        varchar not null,
    file_bytes       bigint,
    status           varchar not null,   -- loaded | superseded | duplicate | failed
    rows_landed      bigint not null,
    duplicate_of     varchar,            -- for duplicates: the file already loaded with that hash
    message          varchar,
    load_id          varchar not null,
    loaded_at        timestamp not null,
    entry_fingerprint varchar,           -- registry entry + parser version it was landed under
    last_seen_at     timestamp,          -- when an ingest last found this version on disk
    primary key (source_file, file_sha256)
);
-- The registry as of the last load (ingest/source_table.py rewrites it at every load).
create table if not exists raw.source_registry (
    source_id        varchar primary key,
    description      varchar,
    repository       varchar,
    commit           varchar,
    published_path   varchar,
    parser           varchar,
    target_table     varchar,
    required         boolean,
    first_period_year integer,
    entry_fingerprint varchar,
    load_warning     varchar             -- null, or why this source's rows are not from this load
);
"""

OBSERVATION_COLUMNS = [
    "observation_id", "region_as_written", "region_code", "territory_level",
    "measure_as_written", "measure", "unit", "flow_scope", "period_as_written", "period_type",
    "year", "period", "value_text", "value", "value_flag",
    "source_id", "source_file", "file_sha256", "sheet", "row_number", "column_name",
    "load_id", "loaded_at",
]  # fmt: skip
# The columns of the raw.od_flows view (one published cell each).
OD_COLUMNS = [
    "observation_id", "origin_as_written", "origin_code", "destination_as_written",
    "destination_code", "sex", "age_group", *OBSERVATION_COLUMNS[4:],
]  # fmt: skip
TABLE_COLUMNS = {"observations": OBSERVATION_COLUMNS, "od_flows": OD_COLUMNS}


def literal(text: str) -> str:
    """A SQL string literal (quotes doubled)."""
    return "'" + str(text).replace("'", "''") + "'"
