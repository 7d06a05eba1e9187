"""The raw layer: DDL of the raw tables and the one-transaction write of a landed file.

raw.observations holds one row per published cell, every column spelled out. Origin-destination
flows reach 10^8 cells at district level, and DuckDB spends ~2 s per varchar column per 10^7
rows writing them, even constant ones (bench/README.md): so an OD cell is stored as a row of
integers whose texts live once per file in small dictionaries (`raw.od_flow_files`, `_columns`,
`_places`, `_periods`, `_measures`, `_value_texts`). Each OD file's cells are a table of their
own, `raw.od_flow_cells_<file_key>`, and `raw.od_flow_cells` is the view that unions them (the
columns of one cells table with the file key): a bulk landing of 10^8 cells (ingest/bulk_od.py)
adopts its committed scratch table by renaming it inside the loader's transaction instead of
copying it (~15 s), and replacing or removing a file drops its table. The view `raw.od_flows`
joins the cells back into one row per cell with every text as published, the same columns as
raw.observations plus origin and destination: that view is the raw OD table users and dbt read.
Nothing is lost: a value text is stored in `od_flow_value_texts` unless it is exactly the plain
integer the cell's value prints as ("0", "87", not "007" or "1 234").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # only annotations: a no-change refresh never imports pandas (~1 s)
    import pandas as pd

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
# Both landing paths use it (ingest/bulk_od.py matches it in SQL before parsing).
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


def connect(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path, read_only=read_only)
    if not read_only:
        con.execute(DDL)
        # raw stores written before landings recorded their registry entry's fingerprint
        con.execute(
            "alter table raw.load_manifest add column if not exists entry_fingerprint varchar"
        )
        _migrate_cells_table(con)
        _migrate_wide_od_flows(con)
        con.execute(OD_DDL)
        _drop_scratch(con)
    return con


def _drop_scratch(con) -> None:
    """Scratch tables and types a bulk landing left behind when its process was killed, and
    per-file cells tables without their file row (the refresh lock guarantees no landing is
    running now)."""
    for (table,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'raw' "
        "and database_name = current_database() "
        "and table_name like 'bulk\\_landing\\_%' escape '\\'"
    ).fetchall():
        con.execute(f'drop table raw."{table}"')
    for (name,) in con.execute(
        "select distinct type_name from duckdb_types() where schema_name = 'raw' "
        "and database_name = current_database() "
        "and type_name like 'bulk\\_%' escape '\\'"
    ).fetchall():
        con.execute(f'drop type raw."{name}"')
    files = {k for (k,) in con.execute("select file_key from raw.od_flow_files").fetchall()}
    orphans = [key for key in _cells_tables(con) if key not in files]
    for key in orphans:
        con.execute(f"drop table raw.od_flow_cells_{key}")
    if orphans:
        refresh_od_cells_view(con)


def _cells_tables(con) -> dict[int, bool]:
    """{file_key: has a row_number column} of every per-file cells table of the raw schema."""
    tables = {
        name: False
        for (name,) in con.execute(
            "select table_name from duckdb_tables() "
            "where database_name = current_database() and schema_name = 'raw'"
        ).fetchall()
        if is_od_cells_table(name)
    }
    for (name,) in con.execute(
        "select table_name from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'raw' and column_name = 'row_number'"
    ).fetchall():
        if name in tables:
            tables[name] = True
    return {int(name.rsplit("_", 1)[1]): rows for name, rows in tables.items()}


def refresh_od_cells_view(con) -> None:
    """(Re)create raw.od_flow_cells as the union of the per-file cells tables whose file is in
    raw.od_flow_files (in file key order); with none, a typed empty select. Part of the
    caller's transaction, if any."""
    files = {k for (k,) in con.execute("select file_key from raw.od_flow_files").fetchall()}
    tables = [(key, rows) for key, rows in _cells_tables(con).items() if key in files]
    con.execute(f"create or replace view raw.od_flow_cells as\n{cells_view_sql(tables)}")


def adopt_bulk_cells(con, key: int, table: str) -> None:
    """Make `table` (e.g. 'raw.bulk_landing_7', committed, BULK_CELLS_COLUMNS, written by one
    CREATE TABLE AS in file order: rowid 0..n-1) the cells table of file `key`, by a rename: no
    cell is copied. Called inside the loader's transaction after the file's dictionary rows are
    inserted; a rollback undoes the rename."""
    key = int(key)
    # Row ids are unique and non-negative: n rows none of which has a row id >= n are exactly
    # 0..n-1. A rowid filter is cheap (0.05 s at 4*10^7 rows; min/max(rowid) scan: 0.3 s).
    cells = con.execute(f"select count(*) from {table}").fetchone()[0]
    beyond = con.execute(f"select count(*) from {table} where rowid >= {cells}").fetchone()[0]
    if beyond:
        raise RuntimeError(
            f"{table}: {beyond} of its {cells} rows have a row id beyond {cells - 1}: the row ids "
            "are not 0..n-1 (file order), row numbers would be wrong"
        )
    expected = con.execute(f"select cells from raw.od_flow_files where file_key = {key}").fetchone()
    if expected is None or expected[0] != cells:
        raise RuntimeError(
            f"{table}: {cells} cells for file key {key}, whose raw.od_flow_files row says "
            f"{expected[0] if expected else 'nothing (no such file)'}"
        )
    con.execute(f"drop table if exists raw.od_flow_cells_{key}")  # a leftover: no file row had it
    con.execute(f"alter table {table} rename to od_flow_cells_{key}")
    refresh_od_cells_view(con)


def _is_base_table(con, name: str) -> bool:
    """Whether raw.<name> is a table (not a view, not missing) in this store's catalog."""
    kind = con.execute(
        "select table_type from information_schema.tables where table_catalog = "
        f"current_database() and table_schema = 'raw' and table_name = {_literal(name)}"
    ).fetchone()
    return bool(kind) and kind[0] == "BASE TABLE"


def _migrate_cells_table(con) -> None:
    """Raw stores written before the per-file cells tables hold raw.od_flow_cells as one base
    table: split it, file by file, into row tables (row numbers and column keys as stored), drop
    it and create the union view, in one transaction."""
    if not _is_base_table(con, "od_flow_cells"):
        return
    con.execute("begin")
    try:
        columns = ", ".join(c for c, _ in CELLS_VIEW_COLUMNS if c != "file_key")
        for (key,) in con.execute(
            "select distinct file_key from raw.od_flow_cells order by 1"
        ).fetchall():
            con.execute(f"""
                create table raw.od_flow_cells_{key} ({ROW_CELLS_COLUMNS});
                insert into raw.od_flow_cells_{key}
                select {columns} from raw.od_flow_cells where file_key = {key}
            """)
        con.execute("drop table raw.od_flow_cells")
        refresh_od_cells_view(con)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _migrate_wide_od_flows(con) -> None:
    """Raw stores written before the compact OD layout hold raw.od_flows as a wide table: encode
    its rows, file by file, into the compact tables (same cells, same lineage), then drop it."""
    if not _is_base_table(con, "od_flows"):
        return
    con.execute("begin")
    try:
        con.execute("alter table raw.od_flows rename to od_flows_wide")
        con.execute(
            OD_DDL.replace("create or replace view raw.od_flows", "create view raw.od_flows")
        )
        columns = {r[0] for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'od_flows_wide'"
        ).fetchall()}  # fmt: skip
        extra = [f"null::varchar as {c}" for c in ("sex", "age_group") if c not in columns]
        wide = f"select *{''.join(', ' + e for e in extra)} from raw.od_flows_wide"
        for (source_file,) in con.execute(
            "select distinct source_file from raw.od_flows_wide order by 1"
        ).fetchall():
            insert_od_cells(
                con, f"select * from ({wide}) where source_file = {_literal(source_file)}"
            )
        con.execute("drop table raw.od_flows_wide")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


# The two look-ups of every file, also in a no-change refresh, use SQL literals, not `?`
# parameters: DuckDB's Python client imports pandas (~1 s) the first time a query binds a
# Python value, and nothing else in a no-change refresh needs pandas.
def manifest_status(con, source_file: str, sha: str) -> tuple[str | None, str | None]:
    """(status, entry fingerprint) of this version of the file, or (None, None)."""
    row = con.execute(
        "select status, entry_fingerprint from raw.load_manifest "
        f"where source_file = {_literal(source_file)} and file_sha256 = {_literal(sha)}"
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def may_be_unchanged(con, source_file: str, size: int) -> bool:
    """False when the file's content certainly differs from its landed version's (none landed,
    or another size): the loader may then land it before its SHA-256 is known."""
    row = con.execute(
        "select count(*) from raw.load_manifest "
        f"where source_file = {_literal(source_file)} and status in ('loaded', 'duplicate') "
        f"and (file_bytes is null or file_bytes = {int(size)})"
    ).fetchone()
    return row[0] > 0


def loaded_elsewhere(con, source_file: str, sha: str) -> str | None:
    row = con.execute(
        f"select source_file from raw.load_manifest where file_sha256 = {_literal(sha)} "
        f"and status = 'loaded' and source_file <> {_literal(source_file)} "
        "order by source_file limit 1"
    ).fetchone()
    return row[0] if row else None


def upsert_manifest(con, **row) -> None:
    con.execute(
        "delete from raw.load_manifest where source_file = ? and file_sha256 = ?",
        [row["source_file"], row["file_sha256"]],
    )
    cols = list(row)
    con.execute(
        f"insert into raw.load_manifest ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
        [row[c] for c in cols],
    )


def next_od_file_key(con) -> int:
    return con.execute("select coalesce(max(file_key), 0) + 1 from raw.od_flow_files").fetchone()[0]


def delete_od_file(con, source_file: str) -> None:
    """Remove `source_file` from the compact OD tables: drop its cells table, delete its
    dictionary rows (the file row last) and refresh the cells view."""
    keys = [k for (k,) in con.execute(
        f"select file_key from raw.od_flow_files where source_file = {_literal(source_file)}"
    ).fetchall()]  # fmt: skip
    if not keys:  # not an OD file (every landing of raw.observations asks): nothing to rewrite
        return
    for key in keys:
        con.execute(f"drop table if exists raw.od_flow_cells_{key}")
    in_keys = f"in ({', '.join(map(str, keys))})"
    for table in reversed(OD_DICTIONARIES):
        con.execute(f"delete from raw.{table} where file_key {in_keys}")
    refresh_od_cells_view(con)


def insert_od_cells(con, wide_sql: str) -> int:
    """Encode the rows of `wide_sql` (one file, the raw.od_flows view's columns; observation_id
    is ignored: the view computes it) into the compact OD tables: dictionary rows, and the cells
    as a new row table raw.od_flow_cells_<key>. Returns the number of cells.

    Every dictionary key is numbered in a fixed order of its texts, so the same file always
    encodes to the same keys. Nullable texts join with `is not distinct from`.
    """
    con.execute(f"create or replace temp table od_landing as {wide_sql}")
    try:
        files = con.execute(
            "select count(distinct source_file), count(*) from od_landing"
        ).fetchone()
        if files[1] == 0:
            return 0
        if files[0] != 1:
            raise ValueError("insert_od_cells lands one file at a time")
        key = next_od_file_key(con)
        con.execute(f"""
            insert into raw.od_flow_files
            select {key}, any_value(source_id), any_value(source_file), any_value(file_sha256),
                   any_value(load_id), any_value(loaded_at), count(*)
            from od_landing;
            insert into raw.od_flow_columns
            select {key}, row_number() over (order by sheet nulls first, column_name), *
            from (select distinct sheet, column_name from od_landing);
            insert into raw.od_flow_places
            select {key}, row_number() over (order by year, as_written, region_code), *
            from (
                select year, origin_as_written as as_written, origin_code as region_code
                from od_landing
                union
                select year, destination_as_written, destination_code from od_landing
            );
            insert into raw.od_flow_periods
            select {key}, row_number() over (order by year, period, period_type, period_as_written),
                   *
            from (select distinct period_as_written, period_type, year, period from od_landing);
            insert into raw.od_flow_measures
            select {key}, row_number() over (
                order by measure_as_written, sex, age_group, measure, unit, flow_scope
            ), *
            from (
                select distinct measure_as_written, sex, age_group, measure, unit, flow_scope
                from od_landing
            );
            insert into raw.od_flow_value_texts
            select {key}, row_number() over (order by value_text, value_flag), *
            from (
                select distinct value_text, value, value_flag from od_landing
                where not coalesce({PLAIN_INTEGER_SQL}, false)
            );
            drop table if exists raw.od_flow_cells_{key};  -- a leftover: no file row had it
            create table raw.od_flow_cells_{key} ({ROW_CELLS_COLUMNS});
            insert into raw.od_flow_cells_{key}
            select
                w.row_number, c.column_key, p.period_key, o.place_key, d.place_key,
                m.measure_key, w.value, v.value_key
            from od_landing as w
            inner join raw.od_flow_columns as c
                on c.file_key = {key} and c.sheet is not distinct from w.sheet
                and c.column_name = w.column_name
            inner join raw.od_flow_periods as p
                on p.file_key = {key} and p.period_as_written = w.period_as_written
                and p.period_type = w.period_type and p.year = w.year and p.period = w.period
            inner join raw.od_flow_places as o
                on o.file_key = {key} and o.year = w.year and o.as_written = w.origin_as_written
                and o.region_code = w.origin_code
            inner join raw.od_flow_places as d
                on d.file_key = {key} and d.year = w.year
                and d.as_written = w.destination_as_written and d.region_code = w.destination_code
            inner join raw.od_flow_measures as m
                on m.file_key = {key} and m.measure_as_written = w.measure_as_written
                and m.sex is not distinct from w.sex
                and m.age_group is not distinct from w.age_group
                and m.measure is not distinct from w.measure and m.unit is not distinct from w.unit
                and m.flow_scope is not distinct from w.flow_scope
            left join raw.od_flow_value_texts as v
                on v.file_key = {key} and v.value_text = w.value_text
                and v.value_flag is not distinct from w.value_flag
        """)
        # Every row must find exactly one entry of each dictionary, and every text the cell's
        # value does not print back must be kept: never a silent loss.
        landed, kept = con.execute(
            f"select count(*), count(value_key) from raw.od_flow_cells_{key}"
        ).fetchone()
        odd = con.execute(
            f"select count(*) from od_landing where not coalesce({PLAIN_INTEGER_SQL}, false)"
        ).fetchone()[0]
        if (landed, kept) != (files[1], odd):
            raise RuntimeError(
                f"encoded {landed} OD cells ({kept} with their text kept) from {files[1]} rows "
                f"({odd} texts to keep)"
            )
        refresh_od_cells_view(con)
        return landed
    finally:
        con.execute("drop table if exists temp.od_landing")


def replace_file_rows(con, table: str, source_file: str, frame: pd.DataFrame) -> None:
    """Replace exactly the rows of `source_file` in `table` by `frame` (caller holds the txn)."""
    con.execute("delete from raw.observations where source_file = ?", [source_file])
    delete_od_file(con, source_file)  # a file that moved between tables leaves nothing behind
    if len(frame):
        # text columns as strings: DuckDB guesses an object column's type from a sample, and a
        # sample of NULLs would make it an integer column
        texts = {c: "string" for c in frame.columns if frame[c].dtype == object}
        con.register("landing_frame", frame.astype(texts))
        if table == "od_flows":
            wide = [c for c in OD_COLUMNS if c != "observation_id"]
            missing = [c for c in ("sex", "age_group") if c not in frame.columns]
            cols = [c if c not in missing else f"null::varchar as {c}" for c in wide]
            insert_od_cells(con, f"select {', '.join(cols)} from landing_frame")
        else:
            cols = TABLE_COLUMNS[table]
            con.execute(
                f"insert into raw.{table} ({', '.join(cols)}) "
                f"select {', '.join(cols)} from landing_frame"
            )
        con.unregister("landing_frame")
    con.execute(
        "update raw.load_manifest set status = 'superseded' "
        "where source_file = ? and status = 'loaded'",
        [source_file],
    )
