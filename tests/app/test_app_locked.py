"""The app while a careless client holds the served build read-write (issue 15, safe reads).

A real second process opens the served `.duckdb` file read-write and keeps it, as a plain
`duckdb` shell or DBeaver does. With the build's Parquet copies the app does not need that file
and renders every page; a build published without them (older builds) cannot be read, and the
app names the process holding the lock and says how to release it, without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from core.paths import REPO_ROOT
from streamlit_app import data, i18n, reader
from tests.app.conftest import PAGES, app_test, assert_clean, texts
from tests.app.warehouse_fixture import publish_fixture

HOLD = (
    "import duckdb, sys, time\n"
    "c = duckdb.connect(sys.argv[1])\n"
    "print('ok', flush=True)\n"
    "time.sleep(60)\n"
)


@pytest.fixture
def holder(own_warehouse):
    """A second process that holds the served build read-write until the test ends."""
    served = os.path.realpath(own_warehouse / "current.duckdb")
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, served],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        line = proc.stdout.readline()
        assert line.strip() == "ok", proc.stderr.read()
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=30)


def _republish_without_parquet(root, tables):
    publish_fixture(root, "fixture-0001", tables=tables, parquet=False)


def test_the_lock_is_real(holder, own_warehouse):
    """Without Parquet copies, a read-only connect fails: the holder really holds the file."""
    build = data.current_build(own_warehouse)
    assert build.parquet is not None
    with pytest.raises(data.BuildLocked) as exc:
        reader._connect_file(build)
    assert exc.value.pid == holder.pid
    assert exc.value.process == reader.process_name(holder.pid)


def test_every_page_renders_from_parquet_while_the_file_is_held(holder, own_warehouse):
    at = app_test().run()
    assert_clean(at)
    assert "fixture-0001" in texts(at)
    assert at.get("plotly_chart"), "the overview drew no chart"
    for page in PAGES.values():
        at.switch_page(page).run()
        assert_clean(at)
        assert at.title, page
        assert at.get("plotly_chart") or at.dataframe, f"{page} shows no data"


@pytest.fixture
def locked_old_build(own_warehouse, fixture_tables):
    """The served build published without Parquet copies, then held read-write."""
    _republish_without_parquet(own_warehouse, fixture_tables)
    served = os.path.realpath(own_warehouse / "current.duckdb")
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, served],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert proc.stdout.readline().strip() == "ok", proc.stderr.read()
        yield proc, served
    finally:
        proc.kill()
        proc.wait(timeout=30)


def test_an_old_build_held_read_write_names_the_process(locked_old_build):
    proc, served = locked_old_build
    name = reader.process_name(proc.pid)
    assert name
    title = i18n.t("build_locked_title", "en")
    for page in PAGES.values():
        at = app_test().run()
        if page != PAGES["overview"]:
            at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        notices = [str(e.value) for e in at.error]
        assert len(notices) == 1, notices
        notice = notices[0]
        assert title in notice
        assert str(proc.pid) in notice and f"`{name}`" in notice and served in notice
        assert "read-only" in notice and "Traceback" not in notice
        assert not at.get("plotly_chart")


def test_the_app_reads_again_once_the_client_lets_go(locked_old_build):
    proc, _ = locked_old_build
    at = app_test().run()
    assert at.error
    proc.kill()
    proc.wait(timeout=30)
    at.run()
    assert_clean(at)
    assert at.get("plotly_chart")
