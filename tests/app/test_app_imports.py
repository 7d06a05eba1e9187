"""The app never imports dbt or Great Expectations (docs/design-notes.md §3: GX costs ~2 s and
200 MB; dbt holds the build file read-write). Checked in a fresh interpreter that imports every
app module and runs every page with AppTest on the fixture warehouse."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from core.paths import REPO_ROOT
from tests.app.conftest import APP, PAGES

FORBIDDEN = ("dbt", "great_expectations", "duckdb_engine")


def test_app_imports_neither_dbt_nor_great_expectations(published_fixture):
    code = textwrap.dedent(
        f"""
        import json, os, sys
        os.environ["KZM_WAREHOUSE_DIR"] = {str(published_fixture)!r}
        import streamlit_app.data, streamlit_app.charts.common, streamlit_app.i18n
        import streamlit_app.charts.overview, streamlit_app.charts.figures
        import streamlit_app.charts.region, streamlit_app.charts.flows, streamlit_app.charts.quality
        import streamlit_app.ui, streamlit_app.geometry, streamlit_app.export
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file({APP!r}, default_timeout=120).run()
        errors = [e.value for e in at.exception]
        for page in {list(PAGES.values())!r}:
            at.switch_page(page).run()
            errors += [e.value for e in at.exception]
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in {FORBIDDEN!r})
        print(json.dumps({{"errors": errors, "loaded": loaded}}))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["loaded"] == [], f"the app imported {result['loaded']}"
