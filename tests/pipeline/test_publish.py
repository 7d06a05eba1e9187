"""Publish, rollback and prune on small stand-in build files (fast; the end-to-end refresh
tests exercise the same code on real builds)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import duckdb
import pytest

from core.faults import InjectedFault
from core.lock import RefreshLock, RefreshLocked
from core.paths import WarehousePaths
from pipeline import publish


def make_build(paths: WarehousePaths, rows: int, with_view: bool = True) -> None:
    paths.build_dir.mkdir(parents=True, exist_ok=True)
    if paths.build_db.exists():
        paths.build_db.unlink()
    with duckdb.connect(str(paths.build_db)) as con:
        con.execute("create schema marts; create schema staging")
        con.execute(f"create table marts.fct as select range as n from range({rows})")
        if with_view:
            con.execute("create view staging.v as select * from marts.fct")


def served_state(paths: WarehousePaths) -> tuple[str, str]:
    target = os.readlink(paths.current)
    return target, hashlib.sha256(paths.current.resolve().read_bytes()).hexdigest()


@pytest.fixture()
def paths(tmp_path) -> WarehousePaths:
    return WarehousePaths(tmp_path / "warehouse")


def test_publish_switches_the_pointer_to_a_tables_only_file(paths):
    make_build(paths, 3)
    published = publish.publish(paths, "b1", {"build_id": "b1", "warning_count": 0})
    assert os.readlink(paths.current) == "builds/b1/warehouse.duckdb"
    assert published.path == paths.builds_dir / "b1" / "warehouse.duckdb"
    assert not paths.build_db.exists()
    # opens read-only under the served name, every table queryable, no views left
    assert publish.verify_served_file(paths.current) == 2  # marts.fct + marts.build_info
    with duckdb.connect(str(paths.current), read_only=True) as con:
        assert con.execute("select build_id from marts.build_info").fetchone() == ("b1",)
        assert con.execute("select count(*) from duckdb_schemas() where schema_name = 'staging'"
                           ).fetchone() == (0,)  # fmt: skip


@pytest.mark.parametrize("stage", ["publish", "publish_switch"])
def test_failed_publish_leaves_served_state_byte_identical(paths, monkeypatch, stage):
    make_build(paths, 3)
    publish.publish(paths, "b1", {"build_id": "b1"})
    before = served_state(paths)
    make_build(paths, 5)
    monkeypatch.setenv("KZM_INJECT_FAULT", stage)
    with pytest.raises(InjectedFault):
        publish.publish(paths, "b2", {"build_id": "b2"})
    assert served_state(paths) == before
    assert publish.current_build(paths).build_id == "b1"


def test_rollback_and_prune(paths):
    for i in range(1, 5):
        make_build(paths, i)
        publish.publish(paths, f"b{i}", {"build_id": f"b{i}"})
    assert publish.rollback(paths) == "b3"
    assert publish.current_build(paths).build_id == "b3"
    with duckdb.connect(str(paths.current), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct").fetchone() == (3,)
    removed = publish.prune(paths, keep=1)
    remaining = sorted(p.name for p in paths.builds_dir.iterdir())
    # the current (b3) and the previous one served (b4) are never pruned
    assert remaining == ["b3", "b4"]
    assert sorted(removed) == ["b1", "b2"]


def test_rollback_without_history_fails_clearly(paths):
    make_build(paths, 1)
    publish.publish(paths, "b1", {"build_id": "b1"})
    with pytest.raises(RuntimeError, match="no previous good build"):
        publish.rollback(paths)


def test_a_torn_log_line_from_a_killed_process_is_ignored(paths):
    make_build(paths, 1)
    publish.publish(paths, "b1", {"build_id": "b1"})
    with open(paths.publish_log, "a") as fh:
        fh.write('{"event": "pub')
    assert publish.published_history(paths) == ["b1"]


def test_one_refresh_at_a_time(paths):
    with (
        RefreshLock(paths.lock),
        pytest.raises(RefreshLocked, match="another refresh is running \\(pid"),
        RefreshLock(paths.lock),
    ):
        pass
    with RefreshLock(paths.lock):  # released on exit
        pass


# Sidecars, checksums and the publish log's kill windows -----------------------------------------


def test_publish_writes_record_parquet_and_read_only_files_before_the_switch(paths):
    from core.build_record import file_sha256, parquet_path, read_record, record_path

    make_build(paths, 4)
    publish.publish(paths, "b1", {"build_id": "b1", "input_manifest_hash": "abc"})
    build_dir = paths.builds_dir / "b1"
    record = read_record(build_dir)
    assert record.build_id == "b1" and record.published_at
    assert record.sha256 == file_sha256(build_dir / "warehouse.duckdb")
    assert record.row_counts == {"marts.fct": 4, "marts.build_info": 1}
    assert record.extra["input_manifest_hash"] == "abc"
    with duckdb.connect() as con:
        rows = con.execute(
            "select count(*) from read_parquet(?)", [str(parquet_path(build_dir, "marts", "fct"))]
        ).fetchone()
    assert rows == (4,)
    for path in (build_dir / "warehouse.duckdb", record_path(build_dir),
                 parquet_path(build_dir, "marts", "fct")):  # fmt: skip
        assert path.stat().st_mode & 0o777 == 0o444, path


def tamper(paths: WarehousePaths, build_id: str) -> None:
    """What a careless read-write client does: write into a published build."""
    db = paths.builds_dir / build_id / "warehouse.duckdb"
    db.chmod(0o644)
    with duckdb.connect(str(db)) as con:
        con.execute("create table marts.careless as select 1 as x; checkpoint")


def test_status_and_rollback_detect_an_altered_build(paths, capsys):
    for i in (1, 2):
        make_build(paths, i)
        publish.publish(paths, f"b{i}", {"build_id": f"b{i}"})
    assert publish.status(paths) == 0
    assert "matches its recorded SHA-256" in capsys.readouterr().out
    tamper(paths, "b2")
    assert publish.status(paths) == 1
    assert "b2 was ALTERED" in capsys.readouterr().out
    tamper(paths, "b1")
    with pytest.raises(publish.RollbackRefused, match="refusing to serve b1 again: .*ALTERED"):
        publish.rollback(paths)
    assert publish.current_build(paths).build_id == "b2"


def test_a_write_left_in_the_wal_counts_as_altered(paths, capsys):
    """A client killed while it held the served build read-write leaves its write in the WAL:
    the file's bytes still match the record, but the next reader replays the write."""
    for i in (1, 2):
        make_build(paths, i)
        publish.publish(paths, f"b{i}", {"build_id": f"b{i}"})
    old = paths.builds_dir / "b1" / "warehouse.duckdb"
    client = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "c.execute('create table marts.careless as select 1'); print('ok', flush=True); "
         "time.sleep(60)", str(old)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert client.stdout.readline().strip() == "ok"
        client.kill()  # no checkpoint: the write stays in the WAL
        client.wait(timeout=30)
        assert old.with_name(old.name + ".wal").stat().st_size > 0
        with pytest.raises(publish.RollbackRefused, match="ALTERED.*not yet in the file"):
            publish.rollback(paths)
        assert publish.current_build(paths).build_id == "b2"
    finally:
        client.kill()


def test_rollback_takes_the_refresh_lock(paths):
    for i in (1, 2):
        make_build(paths, i)
        publish.publish(paths, f"b{i}", {"build_id": f"b{i}"})
    with RefreshLock(paths.lock), pytest.raises(RefreshLocked):
        publish.rollback(paths)
    assert publish.current_build(paths).build_id == "b2"


@pytest.mark.parametrize(
    ("stage", "served_after"),
    [("publish_sidecars", "b1"), ("publish_switch", "b1"), ("publish_log", "b2")],
)
def test_every_publish_kill_window_keeps_the_history(paths, monkeypatch, stage, served_after):
    """A failure (as a kill would) before the sidecars are complete, between the intent line and
    the switch, and between the switch and its confirmation: the history always holds what was
    served, so rollback and prune still know the served build."""
    make_build(paths, 1)
    publish.publish(paths, "b1", {"build_id": "b1"})
    make_build(paths, 2)
    monkeypatch.setenv("KZM_INJECT_FAULT", stage)
    with pytest.raises(InjectedFault):
        publish.publish(paths, "b2", {"build_id": "b2"})
    monkeypatch.delenv("KZM_INJECT_FAULT")
    assert publish.current_build(paths).build_id == served_after
    history = publish.published_history(paths)
    assert history == (["b1", "b2"] if served_after == "b2" else ["b1"])
    # the next publish confirms a served-but-unconfirmed switch, then logs its own
    make_build(paths, 3)
    publish.publish(paths, "b3", {"build_id": "b3"})
    assert publish.published_history(paths)[-1] == "b3"
    assert publish.rollback(paths) == served_after
    publish.prune(paths, keep=1)
    assert (paths.builds_dir / served_after).is_dir()


def test_export_dictionary_carries_the_persisted_comments_and_grain(paths, tmp_path):
    """What dbt's persist_docs writes (table and column comments) reaches the data dictionary."""
    import csv

    from pipeline.export import export

    make_build(paths, 2)
    with duckdb.connect(str(paths.build_db)) as con:
        con.execute("comment on table marts.fct is 'Grain: one row per (n). Numbers to count.'")
        con.execute("comment on column marts.fct.n is 'The number, from 0.'")
    publish.publish(paths, "b1", {"build_id": "b1", "input_manifest_hash": "h1"})
    manifest = export(paths, tmp_path / "out")
    assert manifest["row_counts"] == {"build_info": 1, "fct": 2}
    assert manifest["input_manifest_hash"] == "h1"
    with open(tmp_path / "out" / "data_dictionary.csv", encoding="utf-8") as fh:
        rows = {(r["table"], r["column"]): r for r in csv.DictReader(fh)}
    assert rows[("fct", "n")]["description"] == "The number, from 0."
    assert rows[("fct", "n")]["type"] == "BIGINT"
    assert rows[("fct", "n")]["grain"] == "one row per (n)."
    assert rows[("fct", "")]["description"].startswith("Grain: one row per (n).")
