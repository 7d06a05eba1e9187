"""The benchmark report's verdicts, on the runs of a real report (bench/results/)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from bench.report import markdown

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results"


def targets(doc: dict, runs: list[dict]) -> dict[str, str]:
    started = datetime.fromisoformat(doc["started"])
    text = markdown(runs, doc["machine"], started, doc["sizes"])
    table = text.split("## Targets")[1].split("\n\n")[1]
    rows = [line.split("|")[1:3] for line in table.splitlines()[2:]]
    return {name.strip(): verdict.strip() for name, verdict in rows}


def test_the_floor_target_applies_at_10e8_rows_only():
    doc = json.loads((RESULTS / "2026-11-27T0335Z.json").read_text(encoding="utf-8"))
    verdicts = targets(doc, doc["runs"])
    assert verdicts["synthetic_1e6"] == "no target below 10^8 rows (51.4×)"
    assert verdicts["synthetic_1e7"] == "no target below 10^8 rows (10.0×)"
    assert verdicts["synthetic_1e8"] == "MISSED (3.2×)"
    faster = [dict(r, x_floor=2.9) if r["name"] == "synthetic_1e8" else r for r in doc["runs"]]
    assert targets(doc, faster)["synthetic_1e8"] == "met (2.9×)"
