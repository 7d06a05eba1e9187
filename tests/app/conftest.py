"""Fixtures for the app tests: a published fixture warehouse (KZM_WAREHOUSE_DIR points at it),
Streamlit caches cleared around every test, and AppTest helpers."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
import streamlit as st

from tests.app.warehouse_fixture import build_tables, publish_fixture

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app" / "app.py")
PAGES = {
    "overview": "views/overview.py",
    "figures": "views/figures.py",
    "region": "views/region.py",
    "flows": "views/flows.py",
    "drivers": "views/drivers.py",
    "quality": "views/quality.py",
}


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def fixture_tables():
    return build_tables(build_id="fixture-0001")


@pytest.fixture(scope="session")
def published_fixture(tmp_path_factory, fixture_tables) -> Path:
    """One published fixture build, shared read-only by the tests that do not publish."""
    root = tmp_path_factory.mktemp("warehouse")
    publish_fixture(root, "fixture-0001", tables=fixture_tables)
    return root


MARTS_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "marts"


@pytest.fixture(scope="session")
def published_sample(request, tmp_path_factory) -> Path:
    """The real marts built by dbt from the embedded sample (tests/conftest.py `sample_build`),
    served as current.duckdb. Skipped while the marts models do not exist yet."""
    if not list(MARTS_DIR.rglob("*.sql")):
        pytest.skip("the marts are not built yet (dbt_project/models/marts has no models)")
    sample_build = request.getfixturevalue("sample_build")
    root = tmp_path_factory.mktemp("sample_warehouse")
    (root / "current.duckdb").symlink_to(sample_build.build_db)
    return root


@pytest.fixture(params=["fixture", "sample"])
def any_warehouse(request, monkeypatch) -> Path:
    """The contract-following fixture warehouse, then the real sample build: the same test runs
    on both."""
    name = "published_fixture" if request.param == "fixture" else "published_sample"
    root = request.getfixturevalue(name)
    monkeypatch.setenv("KZM_WAREHOUSE_DIR", str(root))
    return root


@pytest.fixture
def warehouse(published_fixture, monkeypatch) -> Path:
    monkeypatch.setenv("KZM_WAREHOUSE_DIR", str(published_fixture))
    return published_fixture


@pytest.fixture
def own_warehouse(tmp_path, monkeypatch, fixture_tables) -> Path:
    """A private warehouse dir (for tests that publish or break it)."""
    root = tmp_path / "warehouse"
    publish_fixture(root, "fixture-0001", tables=fixture_tables)
    monkeypatch.setenv("KZM_WAREHOUSE_DIR", str(root))
    yield root
    shutil.rmtree(root, ignore_errors=True)


def app_test():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=120)


def open_page(page: str, lang: str | None = None):
    """Run the app, optionally switch language, and open a page (by short name)."""
    at = app_test().run()
    if lang:
        at.radio(key="lang").set_value(lang).run()
    if page != "overview":
        at.switch_page(PAGES[page]).run()
    assert_clean(at)
    return at


def assert_clean(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def widget(at, kind: str, page: str, name: str, lang: str = "en"):
    return getattr(at, kind)(key=f"{page}:{name}:{lang}")


def _decode(obj):
    """Plotly writes numeric arrays as {"dtype", "bdata"} (base64); turn them into lists."""
    if isinstance(obj, dict):
        if set(obj) >= {"dtype", "bdata"}:
            import base64

            import numpy as np

            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
            if "shape" in obj:
                shape = [int(n) for n in str(obj["shape"]).split(",")]
                arr = arr.reshape(shape)
            return arr.tolist()
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj


def charts(at) -> dict[str, dict]:
    """Plotly figures on the page (numeric arrays decoded), keyed by the user key given to
    st.plotly_chart."""
    out = {}
    for node in at.get("plotly_chart"):
        parts = node.proto.id.split("-", 2)  # $$ID-<hash>-<user key>
        key = parts[2] if len(parts) == 3 else node.proto.id
        out[key] = _decode(json.loads(node.proto.spec))
    return out


def chart(at, key: str) -> dict:
    found = charts(at)
    assert key in found, f"no chart {key!r} on the page: {sorted(found)}"
    return found[key]


def rows_table(at, column: str):
    """The first table of the page with `column` and region_code: the rows behind a figure (the
    flagged-values lists have no region_code)."""
    for frame in at.dataframe:
        if {column, "region_code"} <= set(frame.value.columns):
            return frame.value
    raise AssertionError(f"no table with {column} and region_code on the page")


def year_traces(fig: dict) -> list[dict]:
    """The bar traces of Figures 1-2 that hold a year's values (not the 'no data' slots or the
    legend-only entry)."""
    return [t for t in fig["data"] if "year" in (t.get("meta") or {})]


def close(a, b, tol=1e-9) -> bool:
    """Equal within a relative `tol`, or both missing (None or NaN)."""
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or (isinstance(a, float) and math.isnan(a))) and (
            b is None or (isinstance(b, float) and math.isnan(b))
        )
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


def sql(root: Path, query: str, params=None):
    """Expected values straight from the published file (independent of the app's code)."""
    import duckdb

    con = duckdb.connect(str(root / "current.duckdb"), read_only=True)
    try:
        return con.execute(query, params or []).df()
    finally:
        con.close()


def texts(at) -> str:
    """All markdown, captions, titles, headers, infos and warnings of a run, as one string."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "success"):  # fmt: skip
        parts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("caption", "markdown", "warning", "info"):
        parts += [str(e.value) for e in getattr(at.sidebar, kind)]
    return "\n".join(parts)
