"""The suite files (`expectations/suites/*.json`): loaded and checked for what the runner relies
on. Nothing here imports Great Expectations.

Every suite (one JSON file per guarded table) is a GX expectation suite whose expectations carry
in `meta` an `id`, a `severity` (`error` blocks publishing, `warn` publishes and is reported) and
the `batch` (the data GX validates) they are about:

- `schema`: one row per column of the table with its DuckDB type (`column_name`, `data_type`,
  `type_family`, `column_type` = `name:family`), from the catalog;
- `rows` (the default): the table's rows, or, above the large-table threshold, one row of
  aggregates computed in DuckDB (see `aggregates.aggregate_batch`);
- any name declared under the suite's `meta.batches`: the result of a SQL query over the table
  (always aggregated in DuckDB, so small whatever the table's size), e.g. sums per year.

`meta.derived_columns` adds SQL expressions as extra columns of the `rows` batch (identities,
region-frame-qualified region codes); they are computed in DuckDB in both approaches.
`meta.key_labels` names what a message shows instead of an internal key (e.g. the source file
instead of `file_key=2`), see `batches.KeyLabels`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from expectations.settings import SEVERITIES, SUITES_DIR, GateConfigError, Settings

ROW_COUNT = "expect_table_row_count_to_be_between"
# Row-level expectation types the gates use, each with its aggregate form (see
# `aggregates.unexpected_where`).
ROW_TYPES = {
    ROW_COUNT,
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_null",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_in_set",
    "expect_column_values_to_be_between",
    "expect_column_values_to_match_regex",
    "expect_column_values_to_be_unique",
    "expect_compound_columns_to_be_unique",
    "expect_column_pair_values_to_be_equal",
}


@dataclass
class Suite:
    name: str
    table: str  # schema.table
    layer: str
    meta: dict[str, Any]
    expectations: list[dict[str, Any]]
    path: Path

    @property
    def schema(self) -> str:
        return self.table.split(".", 1)[0]

    @property
    def relation(self) -> str:
        return self.table.split(".", 1)[1]

    @property
    def key(self) -> list[str]:
        return list(self.meta.get("key", []))

    @property
    def derived(self) -> dict[str, str]:
        return dict(self.meta.get("derived_columns", {}))

    @property
    def batches(self) -> dict[str, dict[str, Any]]:
        """The suite's own SQL batches (name -> {sql, key, description})."""
        return dict(self.meta.get("batches", {}))

    @property
    def key_labels(self) -> dict[str, dict[str, str]]:
        return dict(self.meta.get("key_labels", {}))

    def expectations_for(self, batch: str) -> list[dict[str, Any]]:
        return [e for e in self.expectations if e["meta"].get("batch", "rows") == batch]


def column_of(expectation: dict[str, Any]) -> str | None:
    """The column an expectation is about, as a message should name it."""
    kwargs = expectation["kwargs"]
    if "column" in kwargs:
        return kwargs["column"]
    if "column_list" in kwargs:
        return ",".join(kwargs["column_list"])
    if "column_A" in kwargs:
        return f"{kwargs['column_A']},{kwargs['column_B']}"
    return None


def referenced_columns(expectations: list[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for exp in expectations:
        kw = exp["kwargs"]
        names = [kw.get("column"), kw.get("column_A"), kw.get("column_B")]
        for c in names + list(kw.get("column_list", [])):
            if c and c not in cols:
                cols.append(c)
    return cols


def resolve(value: Any, params: dict[str, Any]) -> Any:
    if isinstance(value, dict) and "$PARAMETER" in value:
        name = value["$PARAMETER"]
        if name not in params:
            raise GateConfigError(f"unknown suite parameter {name!r}")
        return params[name]
    return value


def _check_expectation(
    exp: dict[str, Any],
    where: str,
    name: str,
    batches: set[str],
    seen: set[str],
    settings: Settings,
) -> None:
    exp.setdefault("kwargs", {})
    exp_meta = exp.setdefault("meta", {})
    exp_id = exp_meta.get("id")
    if not exp_id or exp_id in seen:
        raise GateConfigError(f"{where}: meta.id missing or repeated ({exp_id!r})")
    seen.add(exp_id)
    override = settings.severity_overrides.get(f"{name}/{exp_id}")
    if override:
        exp_meta["severity"] = override
    if exp_meta.get("severity") not in SEVERITIES:
        raise GateConfigError(f"{where} ({exp_id}): meta.severity must be error|warn")
    batch = exp_meta.setdefault("batch", "rows")
    if batch not in batches:
        raise GateConfigError(f"{where} ({exp_id}): unknown batch {batch!r}")
    if batch == "rows" and exp["type"] not in ROW_TYPES:
        raise GateConfigError(
            f"{where} ({exp_id}): {exp['type']} has no aggregate form; use one of "
            f"{sorted(ROW_TYPES)} or a declared batch"
        )


def load_suites(suites_dir: Path = SUITES_DIR, settings: Settings | None = None) -> list[Suite]:
    """Every suite JSON, checked for what the runner relies on; severity overrides applied."""
    settings = settings or Settings()
    suites = []
    for path in sorted(suites_dir.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise GateConfigError(f"{path}: not valid JSON: {exc}") from exc
        meta = doc.get("meta") or {}
        name, table = doc.get("name"), meta.get("table")
        if not name or not table or "." not in table:
            raise GateConfigError(f"{path}: needs a name and meta.table as schema.table")
        batches = {"rows", "schema", *(meta.get("batches") or {})}
        seen: set[str] = set()
        for i, exp in enumerate(doc.get("expectations") or []):
            _check_expectation(exp, f"{path.name} expectation #{i}", name, batches, seen, settings)
        suites.append(
            Suite(
                name=name,
                table=table,
                layer=meta.get("layer", table.split(".")[0]),
                meta=meta,
                expectations=doc.get("expectations") or [],
                path=path,
            )
        )
    if not suites:
        raise GateConfigError(f"no suite found in {suites_dir}")
    return suites
