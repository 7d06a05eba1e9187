"""The outcome of a quality-gate run: `GateReport` (what the refresh prints and decides on), the
one-line message of each failed check, and the JSON report written beside the build.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from expectations.suite_files import ROW_COUNT, Suite


@dataclass
class GateReport:
    """Outcome of one gate run. `passed` is False when any error-severity check failed."""

    passed: bool
    errors: list[str]
    warnings: list[str]
    report_path: Path
    suites: list[dict[str, Any]] = field(default_factory=list)
    duration_s: float = 0.0  # wall time, GX import included on a process's first run
    cpu_s: float = 0.0  # CPU time of this process (all threads) for the same span
    notes: list[str] = field(default_factory=list)  # e.g. why the row-count bands were skipped

    @property
    def warning_count(self) -> int:
        """Number of failed warn-level checks (one line each in `warnings`)."""
        return len(self.warnings)

    def summary(self) -> str:
        evaluated = sum(1 for s in self.suites for r in s["results"] if r["status"] != "skipped")
        approaches = {
            a: sum(s["approach"] == a for s in self.suites)
            for a in ("rows", "aggregates", "schema")
        }
        head = (
            f"gates: {'PASSED' if self.passed else 'FAILED'}: {len(self.suites)} suites, "
            f"{evaluated} expectations ({approaches['rows']} suites on rows in pandas, "
            f"{approaches['aggregates']} on DuckDB aggregates, {approaches['schema']} schema only) "
            f"in {self.duration_s:.1f}s "
            f"({self.cpu_s:.1f}s CPU); "
            f"{len(self.errors)} error(s), {self.warning_count} warning(s); "
            f"report {self.report_path}"
        )
        lines = [head]
        lines += [f"  NOTE  {m}" for m in self.notes]
        lines += [f"  ERROR {m}" for m in self.errors]
        lines += [f"  WARN  {m}" for m in self.warnings]
        return "\n".join(lines)


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with contextlib.suppress(ValueError, AttributeError):
            value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def message(suite: Suite, rec: dict[str, Any]) -> str:
    where = f"{suite.name}: {rec['type']}"
    if rec["column"]:
        where += f" on column {rec['column']}"
    where += f" [{rec['id']}" + (", DuckDB aggregates]" if rec["approach"] == "aggregates" else "]")
    if not rec["type"].startswith("expect_"):  # the runner's own structural checks
        return f"{suite.name} [{rec['id']}]: {rec['detail']}"
    if rec["status"] == "error":
        return f"{where}: could not be evaluated: {rec['detail']}"
    if rec["type"] == ROW_COUNT or (rec["batch"] == "schema" and rec["unexpected_count"] is None):
        kw = rec["kwargs"]
        if rec["type"] == ROW_COUNT:
            bounds = f"expected between {kw.get('min_value', '-')} and {kw.get('max_value', '-')}"
            return f"{where}: {rec['observed_value']} rows, {bounds}"
        return f"{where}: observed {rec['observed_value']}"
    if rec["type"] == "expect_column_distinct_values_to_contain_set":
        return f"{where}: {rec['unexpected_count']} value(s) missing, e.g. {rec['sample_values']}"
    unit = "rows" if rec["batch"] in ("rows", "aggregates", "schema") else "groups"
    msg = f"{where}: {rec['unexpected_count']} of {rec['element_count']} {unit} unexpected"
    if rec.get("sample_values"):
        msg += f"; e.g. {', '.join(map(str, rec['sample_values']))}"
    if rec.get("sample_keys"):
        msg += f"; at [{'; '.join(rec['sample_keys'])}]"
    if rec.get("breakdown"):
        msg += "; by " + ", ".join(f"{k}: {n}" for k, n in rec["breakdown"].items())
    return msg


def write_json(path: Path, document: dict[str, Any]) -> None:
    """Atomically (temp file + os.replace): a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(jsonable(document), indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
