"""The compact raw OD layout: the raw.od_flows view gives back every cell as published, a raw
store written before the layout is migrated without loss, and replacing a file leaves nothing of
its previous version behind."""

from __future__ import annotations

import shutil

import duckdb

from ingest import raw_store

WIDE = "select * exclude (load_id, loaded_at) from raw.od_flows order by source_file, row_number"


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
        before = con.execute(WIDE).fetchall()
        con.execute("create table raw.od_flows_wide as select * from raw.od_flows")
        con.execute("drop view raw.od_flows")
        for table in raw_store.OD_TABLES:
            con.execute(f"drop table raw.{table}")
        con.execute("alter table raw.od_flows_wide rename to od_flows")
    with raw_store.connect(str(old)) as con:
        kind = con.execute(
            "select table_type from information_schema.tables "
            "where table_schema = 'raw' and table_name = 'od_flows'"
        ).fetchone()
        assert kind == ("VIEW",)
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
