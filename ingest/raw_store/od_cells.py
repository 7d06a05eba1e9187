"""The compact origin-destination tables: per-file cells tables, their union view, the file
dictionaries, and the encoding of a file's rows into them (ingest/raw_store/__init__.py)."""

from __future__ import annotations

from ingest.raw_store.schema import (
    OD_DICTIONARIES,
    PLAIN_INTEGER_SQL,
    ROW_CELLS_COLUMNS,
    cells_view_sql,
    is_od_cells_table,
    literal,
)


def drop_scratch(con) -> None:
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


def next_od_file_key(con) -> int:
    return con.execute("select coalesce(max(file_key), 0) + 1 from raw.od_flow_files").fetchone()[0]


def delete_od_file(con, source_file: str) -> None:
    """Remove `source_file` from the compact OD tables: drop its cells table, delete its
    dictionary rows (the file row last) and refresh the cells view."""
    keys = [k for (k,) in con.execute(
        f"select file_key from raw.od_flow_files where source_file = {literal(source_file)}"
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
