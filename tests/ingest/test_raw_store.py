"""The compact raw OD layout: the raw.od_flows view gives back every cell as published, a raw
store written before the layout is migrated without loss, and replacing a file leaves nothing of
its previous version behind. Each file's cells are a table of their own (a row table from the
Python path, a bulk table adopted from a bulk landing's scratch table) and raw.od_flow_cells is
their union view."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from ingest import raw_store

WIDE = "select * exclude (load_id, loaded_at) from raw.od_flows order by source_file, row_number"
# the types of raw.od_flow_cells, as the shared table of earlier releases had them
CELLS_TYPES = [
    ("file_key", "INTEGER"), ("row_number", "INTEGER"), ("column_key", "INTEGER"),
    ("period_key", "INTEGER"), ("origin_key", "INTEGER"), ("destination_key", "INTEGER"),
    ("measure_key", "INTEGER"), ("value", "DOUBLE"), ("value_key", "INTEGER"),
]  # fmt: skip
# raw.od_flow_cells as the releases before per-file cells tables created it
OLD_CELLS_DDL = """
create table raw.od_flow_cells (
    file_key         integer not null,
    row_number       integer not null,
    column_key       integer not null,
    period_key       integer not null,
    origin_key       integer not null,
    destination_key  integer not null,
    measure_key      integer not null,
    value            double,
    value_key        integer
)
"""


def test_cells_are_integers_and_the_view_prints_them_as_published(sample_raw_store):
    with duckdb.connect(str(sample_raw_store), read_only=True) as con:
        types = {
            t for (t,) in con.execute(
                "select distinct data_type from duckdb_columns() "
                "where schema_name = 'raw' and table_name = 'od_flow_cells'"
            ).fetchall()
        }  # fmt: skip
        assert types == {"INTEGER", "DOUBLE"}  # no text stored per cell
        view = con.execute(WIDE).fetchall()
        committed = duckdb.execute(
            "select * from 'data/sample/od_flows.parquet' order by source_file, row_number"
        ).fetchall()
    assert view == committed  # observation ids, texts, lineage: as landed from the originals


def test_a_wide_raw_store_is_migrated_cell_for_cell(sample_raw_store, tmp_path):
    old = tmp_path / "raw_store.duckdb"
    shutil.copy(sample_raw_store, old)
    with duckdb.connect(str(old)) as con:  # rebuild the layout of the previous release
        con.execute("drop table raw.schema_version")  # it had no versioned migrations
        before = con.execute(WIDE).fetchall()
        con.execute("create table raw.od_flows_wide as select * from raw.od_flows")
        con.execute("drop view raw.od_flows")
        con.execute("drop view raw.od_flow_cells")
        for table in [*raw_store.OD_DICTIONARIES, *cells_tables(con)]:
            con.execute(f"drop table raw.{table}")
        con.execute("alter table raw.od_flows_wide rename to od_flows")
    with raw_store.connect(str(old)) as con:
        assert table_type(con, "od_flows") == "VIEW"
        assert table_type(con, "od_flow_cells") == "VIEW"
        assert list(cells_tables(con).values()) == [True]  # one row table
        assert con.execute(WIDE).fetchall() == before


def test_replacing_a_file_removes_its_previous_cells_and_dictionaries(sample_raw_store, tmp_path):
    path = tmp_path / "raw_store.duckdb"
    shutil.copy(sample_raw_store, path)
    with raw_store.connect(str(path)) as con:
        (source_file,) = con.execute("select source_file from raw.od_flow_files").fetchone()
        frame = con.execute("select * from raw.od_flows where year = 2022 order by row_number").df()
        con.execute("begin")
        raw_store.replace_file_rows(con, "od_flows", source_file, frame)
        con.execute("commit")
        assert con.execute("select count(*), min(year) from raw.od_flows").fetchone() == (
            len(frame),
            2022,
        )
        for table in raw_store.OD_TABLES:  # only the new file's key is left (value texts: none)
            keys = con.execute(f"select distinct file_key from raw.{table}").fetchall()
            assert len(keys) == (table != "od_flow_value_texts"), table
        (key,) = con.execute("select file_key from raw.od_flow_files").fetchone()
        assert list(cells_tables(con)) == [f"od_flow_cells_{key}"]  # the old table is dropped


def table_type(con, name: str) -> str | None:
    row = con.execute(
        "select table_type from information_schema.tables "
        f"where table_schema = 'raw' and table_name = '{name}'"
    ).fetchone()
    return row[0] if row else None


def cells_tables(con) -> dict[str, bool]:
    """{per-file cells table: has a row_number column}, by name."""
    rows = con.execute(
        "select table_name, bool_or(column_name = 'row_number') from duckdb_columns() "
        "where schema_name = 'raw' and regexp_full_match(table_name, 'od_flow_cells_[0-9]+') "
        "and table_name in (select table_name from duckdb_tables() where schema_name = 'raw') "
        "group by all order by 1"
    ).fetchall()
    return dict(rows)


def view_types(con, name: str = "od_flow_cells") -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from duckdb_columns() "
        f"where schema_name = 'raw' and table_name = '{name}' order by column_index"
    ).fetchall()


def copy_store(sample_raw_store, tmp_path):
    path = tmp_path / "raw_store.duckdb"
    shutil.copy(sample_raw_store, path)
    return path


def copy_file_dictionaries(con, key: int, cells: int) -> None:
    """Dictionary rows of a second OD file `key`: those of file 1 under another name and hash."""
    con.execute(
        f"insert into raw.od_flow_files select * replace ({key} as file_key, "
        "source_file || '.copy' as source_file, sha256(file_sha256) as file_sha256, "
        f"{cells} as cells) from raw.od_flow_files where file_key = 1"
    )
    for table in raw_store.OD_DICTIONARIES[1:]:
        con.execute(
            f"insert into raw.{table} select * replace ({key} as file_key) "
            f"from raw.{table} where file_key = 1"
        )


def bulk_landing_like_file_1(con, key: int) -> int:
    """A committed scratch table in the bulk layout holding file 1's cells in file order (the
    sample's OD file has one value column and rows 2..3041), as ingest/parsers/od_bulk/ writes
    it."""
    assert con.execute(
        "select count(distinct column_key), min(row_number), max(row_number) - count(*) "
        "from raw.od_flow_cells where file_key = 1"
    ).fetchone() == (1, 2, 1)
    con.execute(
        f"create table raw.bulk_landing_{key} as select period_key, origin_key, destination_key, "
        "measure_key, value, value_key from raw.od_flow_cells_1 order by row_number"
    )
    return con.execute(f"select count(*) from raw.bulk_landing_{key}").fetchone()[0]


def test_the_cells_view_unions_row_and_bulk_tables(sample_raw_store, tmp_path):
    with raw_store.connect(str(copy_store(sample_raw_store, tmp_path))) as con:
        assert cells_tables(con) == {"od_flow_cells_1": True}  # the sample: the Python path
        cells = bulk_landing_like_file_1(con, 2)
        con.execute("begin")
        copy_file_dictionaries(con, 2, cells)
        raw_store.adopt_bulk_cells(con, 2, "raw.bulk_landing_2")
        con.execute("commit")
        assert cells_tables(con) == {"od_flow_cells_1": True, "od_flow_cells_2": False}
        assert not con.execute(
            "select count(*) from duckdb_tables() where table_name = 'bulk_landing_2'"
        ).fetchone()[0]
        assert view_types(con) == CELLS_TYPES  # exactly the old table's columns and types
        per_file = (
            "select * exclude (file_key) from raw.od_flow_cells where file_key = {} "
            "order by row_number, column_key"
        )
        row_cells = con.execute(per_file.format(1)).fetchall()
        assert len(row_cells) == cells
        assert con.execute(per_file.format(2)).fetchall() == row_cells  # rowid + 2, column 1
        assert con.execute("select count(*) from raw.od_flow_cells").fetchone()[0] == 2 * cells
        published = (
            "select * exclude (observation_id, source_file, file_sha256) from raw.od_flows "
            "where source_file {} like '%.copy' order by row_number"
        )
        original = con.execute(published.format("not")).fetchall()
        assert con.execute(published.format("")).fetchall() == original
        sql = con.execute(
            "select sql from duckdb_views() where view_name = 'od_flow_cells'"
        ).fetchone()[0]
        assert "raw_store" not in sql  # no catalog named: the build is served under another name
    with duckdb.connect(str(tmp_path / "raw_store.duckdb"), read_only=True) as con:
        assert con.execute(per_file.format(2)).fetchall() == row_cells  # as committed


def test_adopting_in_a_rolled_back_transaction_leaves_nothing(sample_raw_store, tmp_path):
    path = copy_store(sample_raw_store, tmp_path)
    with raw_store.connect(str(path)) as con:
        before = con.execute("select * from raw.od_flow_cells order by all").fetchall()
        view = "select sql from duckdb_views() where view_name = 'od_flow_cells'"
        view_before = con.execute(view).fetchone()
        cells = bulk_landing_like_file_1(con, 2)
        con.execute("begin")
        copy_file_dictionaries(con, 2, cells)
        raw_store.adopt_bulk_cells(con, 2, "raw.bulk_landing_2")
        assert "od_flow_cells_2" in cells_tables(con)  # adopted, inside the transaction
        assert con.execute("select count(*) from raw.od_flow_cells").fetchone()[0] == 2 * cells
        con.execute("rollback")
        assert cells_tables(con) == {"od_flow_cells_1": True}
        assert con.execute("select count(*) from raw.bulk_landing_2").fetchone()[0] == cells
        assert con.execute(view).fetchone() == view_before
        assert con.execute("select * from raw.od_flow_cells order by all").fetchall() == before
        assert con.execute("select count(*) from raw.od_flow_files").fetchone()[0] == 1
    with duckdb.connect(str(path), read_only=True) as con:  # nothing of it reached the file
        assert cells_tables(con) == {"od_flow_cells_1": True}
        assert con.execute("select count(*) from raw.bulk_landing_2").fetchone()[0] == cells
        assert con.execute("select * from raw.od_flow_cells order by all").fetchall() == before


@pytest.mark.parametrize(
    ("fault", "cells_row", "message"),
    [
        (None, 1, "3040 cells for file key 2, whose raw.od_flow_files row says 3041"),
        # row ids 1..3039: every row number would be one too high
        ("delete from raw.bulk_landing_2 where rowid = 0", 0, "row id beyond 3038"),
    ],
)
def test_adopting_refuses_a_table_whose_rows_are_not_the_file(
    sample_raw_store, tmp_path, fault, cells_row, message
):
    with raw_store.connect(str(copy_store(sample_raw_store, tmp_path))) as con:
        cells = bulk_landing_like_file_1(con, 2)
        if fault:
            con.execute(fault)
            cells -= 1
        con.execute("begin")
        copy_file_dictionaries(con, 2, cells + cells_row)
        with pytest.raises(RuntimeError, match=message):
            raw_store.adopt_bulk_cells(con, 2, "raw.bulk_landing_2")
        con.execute("rollback")
        assert cells_tables(con) == {"od_flow_cells_1": True}


def test_deleting_a_file_drops_its_cells_table(sample_raw_store, tmp_path):
    with raw_store.connect(str(copy_store(sample_raw_store, tmp_path))) as con:
        (source_file,) = con.execute("select source_file from raw.od_flow_files").fetchone()
        con.execute("begin")
        raw_store.delete_od_file(con, source_file)
        con.execute("commit")
        assert cells_tables(con) == {}
        for table in raw_store.OD_TABLES:
            assert con.execute(f"select count(*) from raw.{table}").fetchone()[0] == 0, table
        assert view_types(con) == CELLS_TYPES  # the typed empty select
        assert con.execute("select count(*) from raw.od_flows").fetchone()[0] == 0
        raw_store.delete_od_file(con, "not/an/od/file.csv")  # no such file: nothing happens


def test_a_store_with_one_cells_table_is_split_per_file_cell_for_cell(sample_raw_store, tmp_path):
    path = copy_store(sample_raw_store, tmp_path)
    with duckdb.connect(str(path)) as con:  # rebuild the layout of the previous release
        con.execute("drop table raw.schema_version")  # it had no versioned migrations
        con.execute("create table raw.cells_old as select * from raw.od_flow_cells")
        con.execute("drop view raw.od_flow_cells")
        for table in cells_tables(con):
            con.execute(f"drop table raw.{table}")
        con.execute(OLD_CELLS_DDL)
        con.execute("insert into raw.od_flow_cells select * from raw.cells_old")
        con.execute("drop table raw.cells_old")
        # a second file, every other row of the first
        cells = con.execute(
            "select count(*) from raw.od_flow_cells where row_number % 2 = 0"
        ).fetchone()[0]
        copy_file_dictionaries(con, 2, cells)
        con.execute(
            "insert into raw.od_flow_cells select * replace (2 as file_key) "
            "from raw.od_flow_cells where row_number % 2 = 0"
        )
        assert table_type(con, "od_flow_cells") == "BASE TABLE"
        flows = con.execute("select * from raw.od_flows order by all").fetchall()
        stored = con.execute("select * from raw.od_flow_cells order by all").fetchall()
    assert 0 < cells < len(flows)
    with raw_store.connect(str(path)) as con:
        assert table_type(con, "od_flow_cells") == "VIEW"
        assert cells_tables(con) == {"od_flow_cells_1": True, "od_flow_cells_2": True}
        assert view_types(con) == CELLS_TYPES
        assert con.execute("select count(*) from raw.od_flow_cells_2").fetchone()[0] == cells
        assert con.execute("select * from raw.od_flow_cells order by all").fetchall() == stored
        assert con.execute("select * from raw.od_flows order by all").fetchall() == flows
    with raw_store.connect(str(path)) as con:  # a second connect: nothing left to migrate
        assert cells_tables(con) == {"od_flow_cells_1": True, "od_flow_cells_2": True}
        assert con.execute("select * from raw.od_flows order by all").fetchall() == flows


def test_a_cells_table_without_its_file_is_dropped_on_connect(sample_raw_store, tmp_path):
    path = copy_store(sample_raw_store, tmp_path)
    with duckdb.connect(str(path)) as con:  # what a killed landing could leave behind
        before = con.execute("select * from raw.od_flow_cells order by all").fetchall()
        con.execute("create table raw.od_flow_cells_9 as select * from raw.od_flow_cells_1 limit 5")
        con.execute("create table raw.bulk_landing_10 as select 1 as period_key")
        raw_store.refresh_od_cells_view(con)  # a table without its file is never in the view
        assert con.execute("select * from raw.od_flow_cells order by all").fetchall() == before
    with raw_store.connect(str(path)) as con:
        assert cells_tables(con) == {"od_flow_cells_1": True}
        assert not con.execute(
            "select count(*) from duckdb_tables() where table_name = 'bulk_landing_10'"
        ).fetchone()[0]
        assert con.execute("select * from raw.od_flow_cells order by all").fetchall() == before


def test_per_file_cells_tables_are_recognised_by_name():
    assert raw_store.is_od_cells_table("od_flow_cells_1")
    assert raw_store.is_od_cells_table("od_flow_cells_120")
    for name in ("od_flow_cells", "od_flow_cells_", "od_flow_cells_01", "od_flow_cells_1x",
                 "bulk_landing_1", "od_flow_files"):  # fmt: skip
        assert not raw_store.is_od_cells_table(name), name


def test_migrations_run_once_and_are_recorded(tmp_path, monkeypatch):
    from ingest.raw_store import migrations

    path = str(tmp_path / "raw_store.duckdb")
    with raw_store.connect(path) as con:
        versions = con.execute("select version from raw.schema_version order by 1").fetchall()
    assert versions == [(v,) for v, _, _ in migrations.MIGRATIONS]

    def must_not_run(con):
        raise AssertionError("an applied migration ran again")

    monkeypatch.setattr(
        migrations, "MIGRATIONS", tuple((v, d, must_not_run) for v, d, _ in migrations.MIGRATIONS)
    )
    with raw_store.connect(path) as con:  # every migration is recorded: none runs
        assert con.execute("select count(*) from raw.schema_version").fetchone()[0] == len(versions)


def test_a_failing_migration_is_not_recorded_and_runs_again(tmp_path, monkeypatch):
    from ingest.raw_store import migrations

    path = str(tmp_path / "raw_store.duckdb")
    calls = []

    def fails_once(con):
        calls.append(1)
        if len(calls) == 1:
            con.execute("create table raw.half_done (x integer)")  # rolled back with the step
            raise RuntimeError("disk full")

    monkeypatch.setattr(migrations, "MIGRATIONS", ((1, "a step that fails once", fails_once),))
    with pytest.raises(RuntimeError, match="disk full"):
        raw_store.connect(path)
    with raw_store.connect(path) as con:
        assert con.execute("select version from raw.schema_version").fetchall() == [(1,)]
        tables = con.execute("select table_name from duckdb_tables() where table_name = "
                             "'half_done'").fetchall()  # fmt: skip
        assert tables == []
    assert len(calls) == 2


def test_a_manifest_without_last_seen_at_gets_the_column(sample_raw_store, tmp_path):
    """A store written before ingests recorded last_seen_at: the column is added (NULL: not seen
    since), every other column and row is kept."""
    path = copy_store(sample_raw_store, tmp_path)
    with duckdb.connect(str(path)) as con:  # the manifest of the previous release
        con.execute("alter table raw.load_manifest drop column last_seen_at")
        con.execute("delete from raw.schema_version where version = 4")
        before = con.execute("select * from raw.load_manifest order by all").fetchall()
    with raw_store.connect(str(path)) as con:
        after = con.execute(
            "select * exclude (last_seen_at) from raw.load_manifest order by all"
        ).fetchall()
        assert after == before
        seen = con.execute("select count(last_seen_at) from raw.load_manifest").fetchone()[0]
        assert seen == 0
        assert (4,) in con.execute("select version from raw.schema_version").fetchall()
