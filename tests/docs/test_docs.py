"""The README and docs/ are a tested contract: every SQL example runs against a served build of
the embedded sample, and the README's mart table names exactly the marts dbt builds."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from core.paths import REPO_ROOT
from pipeline.publish import finalize_build_file

DOCUMENTS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.DOTALL)
# Written by the publish step, not by dbt (pipeline/publish.py finalize_build_file).
PUBLISH_ONLY_MARTS = {"build_info"}


def sql_examples() -> list[tuple[str, str]]:
    """(document:statement number, statement) for every statement of every ```sql block."""
    examples = []
    for doc in DOCUMENTS:
        for block in SQL_BLOCK.findall(doc.read_text(encoding="utf-8")):
            # comments may hold a ';' of their own: drop them before splitting the statements
            for statement in (s.strip() for s in _without_comments(block).split(";")):
                if statement:
                    label = f"{doc.relative_to(REPO_ROOT)}:{len(examples) + 1}"
                    examples.append((label, statement))
    return examples


def _without_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--")).strip()


@pytest.fixture(scope="module")
def served_db(sample_build, tmp_path_factory) -> Path:
    """A copy of the sample build made servable exactly as publish does it (dbt's views dropped,
    marts.build_info written)."""
    db = tmp_path_factory.mktemp("served") / "warehouse.duckdb"
    shutil.copy(sample_build.build_db, db)
    finalize_build_file(db, {"build_id": "docs-test", "warning_count": 0})
    return db


def test_the_docs_hold_sql_examples():
    names = {label.split(":")[0] for label, _ in sql_examples()}
    assert "README.md" in names, "the README lost its SQL examples"


@pytest.mark.parametrize(("label", "statement"), sql_examples(), ids=[e[0] for e in sql_examples()])
def test_sql_example_runs_on_the_served_build(served_db, label, statement):
    with duckdb.connect(str(served_db), read_only=True) as con:
        rows = con.execute(statement).fetchall()
    assert rows, f"{label}: the example returns no row on the sample build:\n{statement}"


def readme_mart_table() -> set[str]:
    """Mart names in the first column of the table under '## The marts'."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The marts", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_0-9]+)` \|", section, flags=re.MULTILINE))


def test_readme_mart_table_names_the_marts_of_the_manifest(sample_build):
    manifest_path = sample_build.dbt_target / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    marts = {
        node["alias"] or node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }
    assert marts, "dbt's manifest lists no mart"
    assert readme_mart_table() == marts | PUBLISH_ONLY_MARTS
