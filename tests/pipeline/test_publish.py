"""Publish, rollback and prune on small stand-in build files (fast; the end-to-end refresh
tests exercise the same code on real builds)."""

from __future__ import annotations

import hashlib
import os

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
