"""The make targets around the served build, run as a user runs them: `make sql` with piped
input, `make export`, `make clean` and `make distclean`, on a warehouse built by a real refresh."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess

import duckdb
import pytest

from core.paths import REPO_ROOT, WarehousePaths
from tests.pipeline.test_refresh_e2e import run_refresh

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> WarehousePaths:
    paths = WarehousePaths(tmp_path_factory.mktemp("make") / "warehouse")
    result = run_refresh(paths, fast=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return paths


def make(paths: WarehousePaths, *args: str, stdin: str | None = None, cwd=REPO_ROOT):
    env = dict(os.environ, KZM_WAREHOUSE_DIR=str(paths.root))
    return subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, env=env,
                          input=stdin, capture_output=True, text=True, timeout=300)  # fmt: skip


def test_make_sql_reads_piped_sql_read_only_and_exits(warehouse):
    result = make(warehouse, "sql", stdin="select 40 + 2 as answer;\n")
    assert result.returncode == 0, result.stderr
    assert "42" in result.stdout and "answer" in result.stdout
    build_id = warehouse.current.resolve().parent.name
    result = make(warehouse, "sql", stdin="select build_id from marts.build_info;\n")
    assert build_id in result.stdout
    result = make(warehouse, "sql", stdin="create table marts.careless as select 1;\n")
    assert "read-only" in (result.stdout + result.stderr).lower()
    with duckdb.connect(str(warehouse.current), read_only=True) as con:
        assert not con.execute(
            "select * from duckdb_tables() where table_name = 'careless'"
        ).fetchall()


def test_make_export_writes_every_mart_with_counts_equal_to_the_marts(warehouse, tmp_path):
    out = tmp_path / "export"
    result = make(warehouse, "export", f"OUT={out}")
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    with duckdb.connect(str(warehouse.current), read_only=True) as con:
        marts = {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0]
                 for (t,) in con.execute("select table_name from duckdb_tables() "
                                         "where schema_name = 'marts'").fetchall()}  # fmt: skip
        input_hash = con.execute("select input_manifest_hash from marts.build_info").fetchone()[0]
    assert manifest["row_counts"] == marts
    assert manifest["build_id"] == warehouse.current.resolve().parent.name
    assert manifest["input_manifest_hash"] == input_hash
    with duckdb.connect() as con:
        for table, rows in marts.items():
            for path in (out / "parquet" / f"{table}.parquet", out / "csv" / f"{table}.csv"):
                reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
                assert con.execute(f"select count(*) from {reader}(?)", [str(path)]).fetchone() == (
                    rows,
                ), path
        codec = con.execute(
            "select distinct compression from parquet_metadata(?)",
            [str(out / "parquet" / "fct_migration_balance.parquet")],
        ).fetchall()
    assert codec == [("ZSTD",)]
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    assert "data_dictionary.csv" in manifest["files"]
    (out / "csv" / "dim_region.csv").read_text(encoding="utf-8")  # UTF-8 (Cyrillic names)
    with open(out / "data_dictionary.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    columns = [r for r in rows if r["table"] == "fct_migration_balance" and r["column"]]
    assert {"region_code", "year", "net_migration"} <= {r["column"] for r in columns}
    assert all(r["type"] for r in columns)


def test_make_export_of_an_unknown_build_names_the_published_ones(warehouse, tmp_path):
    result = make(warehouse, "export", f"OUT={tmp_path / 'x'}", "BUILD=nope")
    assert result.returncode != 0
    assert "no published build 'nope'" in result.stderr
    assert warehouse.current.resolve().parent.name in result.stderr


def test_make_clean_keeps_the_raw_store_and_builds_and_distclean_removes_all(warehouse, tmp_path):
    root = tmp_path / "repo"  # a copy of the Makefile's view: clean must not touch the checkout
    root.mkdir()
    shutil.copy(REPO_ROOT / "Makefile", root / "Makefile")
    for name in ("requirements.lock", "pyproject.toml"):
        shutil.copy(REPO_ROOT / name, root / name)
    copy = WarehousePaths(root / "warehouse")
    shutil.copytree(warehouse.root, copy.root, symlinks=True)
    (root / "dbt_project" / "target").mkdir(parents=True)
    copy.build_dir.mkdir(exist_ok=True)
    result = make(copy, "clean", cwd=root)
    assert result.returncode == 0, result.stderr
    assert copy.raw_store.is_file() and copy.current.resolve().is_file()
    assert not copy.build_dir.exists() and not copy.reports_dir.exists()
    assert not (root / "dbt_project" / "target").exists()
    result = make(copy, "distclean", "VENV=.venv-none", cwd=root)
    assert result.returncode == 0, result.stderr
    assert not copy.root.exists()
    assert f"distclean: removed {copy.root}" in result.stdout


def test_make_docs_serves_the_served_builds_page_without_rebuilding(warehouse):
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    page = warehouse.current.resolve().parent / "docs.html"
    before = {p: p.stat().st_mtime_ns for p in warehouse.root.rglob("*") if p.is_file()}
    env = dict(os.environ, KZM_WAREHOUSE_DIR=str(warehouse.root))
    server = subprocess.Popen(
        ["make", "--no-print-directory", "docs", f"DOCS_PORT={port}"], cwd=REPO_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/docs.html", timeout=2) as r:
                    body = r.read()
                break
            except OSError:
                time.sleep(0.1)
        assert body == page.read_bytes()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        out, _ = server.communicate(timeout=30)
    assert str(page) in out
    after = {p: p.stat().st_mtime_ns for p in warehouse.root.rglob("*") if p.is_file()}
    assert after == before  # nothing was rebuilt or rewritten


def test_make_sql_falls_back_to_the_parquet_copies_while_a_client_holds_the_file(
    warehouse, tmp_path
):
    import sys
    import time

    from tests.pipeline.test_refresh_e2e import copy_warehouse
    from tests.pipeline.test_served_build import CARELESS_CLIENT

    copy = copy_warehouse(warehouse, tmp_path / "warehouse")
    with duckdb.connect(str(copy.current), read_only=True) as con:
        rows = con.execute("select count(*) from marts.fct_migration_balance").fetchone()[0]
    ready = tmp_path / "ready"
    client = subprocess.Popen([sys.executable, "-c", CARELESS_CLIENT,
                               str(copy.current.resolve()), str(ready)])  # fmt: skip
    try:
        for _ in range(300):
            if ready.exists() or client.poll() is not None:
                break
            time.sleep(0.1)
        assert ready.exists()
        result = make(copy, "sql", stdin="select count(*) as n from marts.fct_migration_balance;\n")
    finally:
        client.kill()
        client.wait()
    assert result.returncode == 0, result.stderr
    assert "held read-write by another program" in result.stderr
    assert f"{rows:,}".replace(",", "") in result.stdout.replace(",", "")
