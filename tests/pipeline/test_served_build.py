"""The served build as a product others hold open: a refresh never opens it (a real second
process holding it read-write does not stop a forced refresh), its record detects changes in
place, leftovers of failed refreshes are removed, and a full disk is named, not hidden.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import duckdb
import pytest

from core.build_record import file_sha256, parquet_path, read_record
from core.paths import REPO_ROOT, WarehousePaths
from tests.pipeline.test_refresh_e2e import copy_warehouse, run_refresh, served_state

pytestmark = pytest.mark.slow

CARELESS_CLIENT = textwrap.dedent("""
    import os, sys, time, duckdb
    path, ready = sys.argv[1], sys.argv[2]
    os.chmod(path, 0o644)  # the build is published read-only: a careless client overrides it
    con = duckdb.connect(path)  # read-write, held, as a plain `duckdb` shell or DBeaver does
    con.execute("create table marts.careless as select 42 as answer")
    con.execute("checkpoint")
    open(ready, "w").close()
    time.sleep(600)
""")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> WarehousePaths:
    paths = WarehousePaths(tmp_path_factory.mktemp("served") / "warehouse")
    result = run_refresh(paths, fast=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # dbt's progress is streamed while it runs ("N of M OK ..."), the full log is still written
    progress = [line for line in result.stdout.splitlines() if re.search(r"\d+ of \d+ OK", line)]
    assert len(progress) > 20, result.stdout[-3000:]
    build_id = paths.current.resolve().parent.name
    log = (paths.reports_dir / build_id / "dbt_build.log").read_text()
    assert " START " in log and all(line.strip() in log for line in progress[:5])
    return paths


def test_a_failing_dbt_node_is_named_with_dbts_message_and_the_log(warehouse, tmp_path):
    copy = copy_warehouse(warehouse, tmp_path / "warehouse")
    with duckdb.connect(str(copy.raw_store)) as con:  # a raw column the staging view needs
        con.execute("alter table raw.observations rename column value to persons_value")
    result = run_refresh(copy, "--force", fast=True)
    assert result.returncode == 1
    assert "refresh FAILED at dbt build" in result.stderr
    # read from target/run_results.json: the node's id, its status and DuckDB's own message
    assert "model.kzmigration.stg_raw__observations (error)" in result.stderr
    assert "Binder Error" in result.stderr and '"value"' in result.stderr
    log = re.search(r"full log: (\S+/reports/\S+/dbt_build\.log)", result.stderr)
    assert log, result.stderr
    # dbt's node results stay beside the log, from this warehouse's own dbt target
    kept = Path(log.group(1)).with_name("dbt_build_results.json")
    statuses = {r["unique_id"]: r["status"] for r in json.loads(kept.read_text())["results"]}
    assert statuses["model.kzmigration.stg_raw__observations"] == "error"
    assert (copy.dbt_target / "run_results.json").read_bytes() == kept.read_bytes()


def test_each_build_carries_its_static_dbt_docs_page(warehouse):
    page = warehouse.current.resolve().parent / "docs.html"
    html = page.read_text(encoding="utf-8")
    assert "fct_migration_balance" in html and "<script" in html
    assert page.stat().st_mode & 0o777 == 0o444


def test_the_record_and_parquet_copies_describe_the_published_file(warehouse):
    build_dir = warehouse.current.resolve().parent
    record = read_record(build_dir)
    assert record.build_id == build_dir.name
    assert record.sha256 == file_sha256(build_dir / "warehouse.duckdb")
    assert (build_dir / "warehouse.duckdb").stat().st_mode & 0o777 == 0o444
    with duckdb.connect(str(warehouse.current), read_only=True) as con:
        marts = con.execute(
            "select table_name, estimated_size from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
        for table, _ in marts:
            rows = con.execute(f"select count(*) from marts.{table}").fetchone()[0]
            assert record.row_counts[f"marts.{table}"] == rows
            copy = parquet_path(build_dir, "marts", table)
            assert con.execute("select count(*) from read_parquet(?)", [str(copy)]).fetchone() == (
                rows,
            )
        cells = con.execute("select count(*) from raw.od_flow_cells").fetchone()[0]
    assert record.row_counts["raw.od_flow_cells"] == cells > 0
    assert len(marts) >= 8
    assert record.extra["input_manifest_hash"] and record.extra["code_hash"]


def test_a_forced_refresh_publishes_while_a_client_holds_the_served_build_read_write(
    warehouse, tmp_path
):
    copy = copy_warehouse(warehouse, tmp_path / "warehouse")
    old = copy.current.resolve()
    ready = tmp_path / "ready"
    client = subprocess.Popen([sys.executable, "-c", CARELESS_CLIENT, str(old), str(ready)])
    try:
        for _ in range(300):
            if ready.exists() or client.poll() is not None:
                break
            __import__("time").sleep(0.1)
        assert ready.exists(), "the client did not open the build"
        # the lock is real: another connection to the held file is refused
        with pytest.raises(duckdb.Error, match="lock"):
            duckdb.connect(str(old), read_only=True)
        result = run_refresh(copy, "--force", fast=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "ALTERED" in result.stderr  # the refresh warns the served build was written to
        assert copy.current.resolve() != old
        status = subprocess.run(
            [sys.executable, "-m", "pipeline.publish", "status"], cwd=REPO_ROOT,
            env=dict(os.environ, KZM_WAREHOUSE_DIR=str(copy.root), PYTHONPATH=str(REPO_ROOT)),
            capture_output=True, text=True,
        )  # fmt: skip
        assert status.returncode == 0 and "matches its recorded SHA-256" in status.stdout
        rollback = subprocess.run(
            [sys.executable, "-m", "pipeline.publish", "rollback"], cwd=REPO_ROOT,
            env=dict(os.environ, KZM_WAREHOUSE_DIR=str(copy.root), PYTHONPATH=str(REPO_ROOT)),
            capture_output=True, text=True,
        )  # fmt: skip
        assert rollback.returncode == 1
        assert f"refusing to serve {old.parent.name} again" in rollback.stderr
        assert "ALTERED" in rollback.stderr
    finally:
        client.kill()
        client.wait()


def test_a_failed_refresh_removes_its_build_folder_and_says_what_is_served(warehouse, tmp_path):
    copy = copy_warehouse(warehouse, tmp_path / "warehouse")
    before = served_state(copy)
    result = run_refresh(copy, "--force", fault="gates", fast=True)
    assert result.returncode == 1
    served_id = copy.current.resolve().parent.name
    assert f"the served warehouse is unchanged: build {served_id}" in result.stderr
    assert not copy.build_dir.exists()
    assert served_state(copy) == before


def test_a_failure_after_the_switch_says_the_new_build_is_served(warehouse, tmp_path):
    copy = copy_warehouse(warehouse, tmp_path / "warehouse")
    old_id = copy.current.resolve().parent.name
    result = run_refresh(copy, "--force", fault="publish_log", fast=True)
    assert result.returncode == 1
    new_id = copy.current.resolve().parent.name
    assert new_id != old_id
    assert f"build {new_id} IS now served" in result.stderr
    assert "unchanged" not in result.stderr


def test_a_no_op_refresh_cleans_leftovers(warehouse, tmp_path):
    copy = copy_warehouse(warehouse, tmp_path / "warehouse")
    copy.build_dir.mkdir(exist_ok=True)
    (copy.build_dir / "warehouse.duckdb.wal").write_bytes(b"x" * 1024)
    (copy.builds_dir / ".20990101T000000Z-dead.incoming").mkdir()
    result = run_refresh(copy)
    assert result.returncode == 0, result.stderr
    assert "nothing changed" in result.stdout
    assert not copy.build_dir.exists()
    assert not list(copy.builds_dir.glob(".*.incoming"))


@pytest.fixture()
def small_tmpfs(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    mount = tmp_path / f"tmpfs-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=120m", "tmpfs", str(mount)],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(path: Path, leave_free: int) -> Path:
    filler = path / "filler.bin"
    free = shutil.disk_usage(path).free
    with open(filler, "wb") as fh:
        fh.truncate(0)
        remaining = max(free - leave_free, 0)
        block = b"\0" * (1 << 20)
        while remaining > 0:
            fh.write(block[: min(len(block), remaining)])
            remaining -= len(block)
    return filler


def test_a_full_disk_is_named_before_anything_is_written_and_recovery_works(warehouse, small_tmpfs):
    copy = copy_warehouse(warehouse, small_tmpfs / "warehouse")
    before = served_state(copy)
    build_size = sum(p.stat().st_size for p in copy.current.resolve().parent.rglob("*"))
    filler = fill(small_tmpfs, leave_free=build_size // 2)
    result = run_refresh(copy, "--force", fast=True)
    assert result.returncode == 1
    assert "not enough free space for a build in" in result.stderr
    assert str(copy.root) in result.stderr and "needed" in result.stderr
    assert "the served warehouse is unchanged" in result.stderr
    assert served_state(copy) == before
    assert not copy.build_dir.exists()
    filler.unlink()
    result = run_refresh(copy, "--force", fast=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_out_of_space_error_names_the_stage_path_and_space(warehouse, small_tmpfs):
    from pipeline.housekeeping import out_of_space_message

    paths = WarehousePaths(small_tmpfs / "w")
    paths.root.mkdir()
    filler = fill(small_tmpfs, leave_free=2 << 20)
    target = paths.root / "warehouse.duckdb"
    with pytest.raises(duckdb.Error) as caught, duckdb.connect(str(target)) as con:
        con.execute("create table t as select range as n, md5(range::varchar) as h "
                    "from range(2000000)")  # fmt: skip
        con.execute("checkpoint")
    message = out_of_space_message(caught.value, "build", paths)
    assert message is not None, str(caught.value)
    assert message.startswith(f"out of disk space in stage build writing {target}"), message
    assert "MiB free" in message
    filler.unlink()
