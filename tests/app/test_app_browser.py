"""The app in a real browser: headless Debian chromium driven by Playwright (no browser download).

Starts `streamlit run streamlit_app/app.py` on a free localhost port over a fixture warehouse,
opens every page, checks its main element and charts render and that no Streamlit error box
(`[data-testid="stException"]`) shows, and saves screenshots in test-artifacts/screenshots/.
Skipped only where /usr/bin/chromium is absent outside CI; in CI (env CI set) it must run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core.paths import REPO_ROOT
from tests.app.warehouse_fixture import publish_fixture

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
PAGES = {  # url path ("" = the default page) -> title
    "": "Overview",
    "figures": "Paper figures",
    "region": "Region profile",
    "flows": "Flows",
    "drivers": "Drivers",
    "quality": "Data quality & coverage",
}
MIN_CHARTS = {"": 1, "figures": 4, "region": 2, "flows": 3, "drivers": 6, "quality": 1}

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing in CI; the browser tests must run there")
    pytestmark = [
        pytest.mark.browser,
        pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium)"),
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    def __init__(self, warehouse: Path, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(
            os.environ,
            KZM_WAREHOUSE_DIR=str(warehouse),
            PYTHONPATH=str(REPO_ROOT),
            STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
        )
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "streamlit_app/app.py",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],  # fmt: skip
            cwd=REPO_ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("streamlit did not become healthy in 60 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser_warehouse")
    publish_fixture(root, "fixture-browser-0001")
    return root


@pytest.fixture(scope="module")
def server(warehouse, tmp_path_factory):
    srv = _Server(warehouse, tmp_path_factory.mktemp("logs") / "streamlit.log")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _wait_until_idle(page, timeout_ms: int = 120_000) -> None:
    """Wait for the script run to finish: the main block is there and no run is in progress."""
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stHeading"]', timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidgetRunningIcon"], '
                               '[data-testid="stStatusWidgetRunningManIcon"]').count()  # fmt: skip
        stale = page.locator('[data-stale="true"]').count()
        if running == 0 and stale == 0:
            break
        page.wait_for_timeout(250)
    page.wait_for_timeout(1200)  # let Plotly finish drawing


def _screenshot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main element, so grow the viewport to the
    content's height first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "() => Math.max(document.body.scrollHeight, ...Array.from(document.querySelectorAll("
        '\'[data-testid="stMain"], [data-testid="stMainBlockContainer"]\'))'
        ".map(e => e.scrollHeight))"
    )
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(12000, max(800, int(height) + 40))})
    _wait_until_idle(page)
    page.wait_for_timeout(2500)  # Plotly and the data grids redraw at the new size
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _open(browser, url: str, width: int = 1440, height: int = 1000):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="domcontentloaded")
    _wait_until_idle(page)
    return context, page, errors


@pytest.mark.parametrize("path", list(PAGES), ids=[p or "overview" for p in PAGES])
def test_every_page_renders(server, browser, path):
    context, page, errors = _open(browser, f"{server.url}/{path}")
    try:
        _screenshot(page, path or "overview")
        assert page.locator('[role="dialog"]').count() == 0, page.inner_text('[role="dialog"]')
        assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")
        main = page.locator('[data-testid="stMain"]')
        assert main.is_visible()
        assert PAGES[path] in main.locator("h1").first.inner_text()
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg')"
            f".length >= {MIN_CHARTS[path]}",
            timeout=60_000,
        )
        assert page.locator('[data-testid="stSidebarNav"]').is_visible()
        assert "fixture-browser-0001" in page.inner_text('[data-testid="stSidebar"]')
        assert not [e for e in errors if "plotly" in e.lower()], errors
    finally:
        context.close()


def test_overview_map_draws_every_region(server, browser):
    context, page, _ = _open(browser, server.url)
    try:
        # one filled polygon trace per kz20 region (the default frame)
        selector = '[data-testid="stPlotlyChart"] .scatterlayer .trace path.js-fill'
        page.wait_for_function(
            f"() => document.querySelectorAll('{selector}').length >= 20", timeout=60_000
        )
        assert "CC BY 4.0" in page.inner_text('[data-testid="stMain"]')
    finally:
        context.close()


def test_paper_figures_in_browser(server, browser, warehouse):
    """The claims come first; Figure 1 opens on the paper view, says each year's scope in its
    legend and draws exactly the flagged paper-view values faded (checked in the drawn SVG)."""
    import duckdb

    con = duckdb.connect(str(warehouse / "current.duckdb"), read_only=True)
    try:
        n_flagged = con.execute(
            "select count(*) from marts.fct_migration_paper_view where net_migration is not null "
            "and quality_flag not in ('ok', 'population_source_disagreement')"
        ).fetchone()[0]
    finally:
        con.close()
    assert n_flagged > 0
    context, page, _ = _open(browser, f"{server.url}/figures")
    try:
        main = page.locator('[data-testid="stMain"]')
        headings = main.locator("h2").all_inner_texts()
        assert headings[0].startswith("The paper's statements")
        assert headings[1].startswith("Figure 1")
        figure1 = page.locator('[data-testid="stPlotlyChart"]').first
        figure1.locator(".legend").wait_for(timeout=60_000)
        legend = figure1.locator(".legend").text_content()
        assert "· interregional" in legend and "· internal" in legend
        assert "faded: value with a quality flag" in legend
        faded = figure1.locator(".barlayer .point path").evaluate_all(
            "paths => paths.filter(p => Math.abs(parseFloat(getComputedStyle(p).opacity)"
            " - 0.35) < 1e-6).length"
        )
        assert faded == n_flagged
        assert "Paper view: for each year" in main.inner_text()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        figure1.screenshot(path=str(SCREENSHOTS / "figures_fig1_paper_view.png"))
        page.locator('[data-testid="stPlotlyChart"]').nth(3).screenshot(
            path=str(SCREENSHOTS / "figures_fig3_coverage.png")
        )
    finally:
        context.close()


def test_language_switch_in_browser(server, browser):
    context, page, _ = _open(browser, server.url)
    try:
        page.locator('[data-testid="stSidebar"] label').filter(has_text="Қазақша").click()
        page.wait_for_timeout(500)
        _wait_until_idle(page)
        assert "Шолу" in page.locator('[data-testid="stMain"] h1').first.inner_text()
        assert "Көші-қон тартымдылығы коэффициенті" in page.inner_text('[data-testid="stMain"]')
        _screenshot(page, "overview_kk")
        assert page.locator('[data-testid="stException"]').count() == 0
        # the choice survives a page switch; region names are Kazakh there too
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Ағындар").click()
        page.wait_for_timeout(500)
        _wait_until_idle(page)
        assert "Ағындар" in page.locator('[data-testid="stMain"] h1').first.inner_text()
        assert "облысы" in page.inner_text('[data-testid="stMain"]')
        assert page.locator('[data-testid="stException"]').count() == 0
        _screenshot(page, "flows_kk")
    finally:
        context.close()


def test_no_build_message_in_browser(browser, tmp_path_factory):
    empty = tmp_path_factory.mktemp("empty_warehouse")
    srv = _Server(empty, empty / "streamlit.log")
    try:
        context, page, _ = _open(browser, srv.url)
        try:
            text = page.inner_text('[data-testid="stMain"]')
            assert "make refresh" in text
            assert page.locator('[data-testid="stException"]').count() == 0
            _screenshot(page, "no_build")
        finally:
            context.close()
    finally:
        srv.stop()


def test_locked_old_build_notice_in_browser(browser, tmp_path_factory):
    """A build without Parquet copies, held read-write by a real second process: the page shows
    who holds it and how to release it, and no Streamlit exception."""
    root = tmp_path_factory.mktemp("locked_warehouse")
    served = publish_fixture(root, "fixture-locked-0001", parquet=False)
    hold = (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
        "time.sleep(120)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(served)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        srv = _Server(root, root / "streamlit.log")
        try:
            context, page, _ = _open(browser, srv.url)
            try:
                text = page.inner_text('[data-testid="stMain"]')
                assert "locked by another program" in text
                assert f"Process {holder.pid}" in text and "read-only" in text
                assert page.locator('[data-testid="stException"]').count() == 0
                _screenshot(page, "locked_old_build")
            finally:
                context.close()
        finally:
            srv.stop()
    finally:
        holder.kill()
        holder.wait(timeout=30)
