"""`python -m expectations.gates` in a fresh process: exit codes, report, no hang, and GX
stays out of processes that only import the package."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from core.paths import REPO_ROOT


def run(*args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    env.pop("GX_ANALYTICS_ENABLED", None)  # the package must switch analytics off itself
    return subprocess.run(
        [sys.executable, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


def test_cli_exit_codes_and_report(faulty_build, make_served, tmp_path):
    db = faulty_build("delete from raw.load_manifest")
    served = make_served(db)
    report = tmp_path / "out" / "gates.json"
    proc = run("-m", "expectations.gates", "--db", str(db), "--report", str(report),
               "--served-build", str(served), "--suite", "raw.load_manifest")  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAILED" in proc.stdout and "raw.load_manifest" in proc.stdout
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["passed"] is False and doc["error_count"] >= 1


def test_cli_missing_file_exits_1(tmp_path):
    proc = run("-m", "expectations.gates", "--db", str(tmp_path / "x.duckdb"),
               "--report", str(tmp_path / "r.json"))  # fmt: skip
    assert proc.returncode == 1 and "does not exist" in proc.stderr


def test_importing_the_package_does_not_import_gx():
    code = (
        "import sys, expectations, expectations.gates, expectations.batches, "
        "expectations.rule_owners, expectations.settings; "
        "print('great_expectations' in sys.modules)"
    )
    proc = run("-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


def test_streamlit_app_never_imports_the_gates():
    """GX costs ~2 s and ~200 MB: the app process must not import it, directly or via us."""
    offenders = []
    for path in Path(REPO_ROOT, "streamlit_app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] in ("great_expectations", "expectations")
            ]
    assert offenders == []
