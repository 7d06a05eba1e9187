"""One owner per rule: the rules dbt declares and the rules the quality-gate suites declare, as
comparable (table, columns, check) triples, so that a test can fail when both declare one.

dbt owns the rules on model columns: contracts (column set, data types, NOT NULL, primary keys,
check constraints), `not_null`, `unique`, `accepted_values`, `relationships`, other generic tests
and the singular tests in `dbt_project/tests/` (identities such as net = arrivals - departures).
The gates own what dbt does not declare: the raw layer, row-count bands against the served build
and whatever else no dbt file states. Nothing here imports dbt or Great Expectations: the dbt
side is read from its YAML and SQL files, the gates' side from the suite files.

Equivalent check kinds (`check` of a `Rule`), dbt -> quality gates:

- column_present: a column of an enforced contract -> schema_no_missing/unexpected_column;
- data_type: `data_type` of an enforced contract -> schema_column_types;
- not_null: a `not_null` constraint or test, a primary key column -> ..._to_not_be_null;
- unique: `unique`, `primary_key` (column or model level) -> ..._values_to_be_unique,
  expect_compound_columns_to_be_unique;
- accepted_values: `accepted_values` -> expect_column_values_to_be_in_set with a list;
- relationship: `relationships` (to dim_region) -> in_set `$PARAMETER known_region_codes*`;
- range: a `check` constraint on one column -> expect_column_values_to_be_between;
- identity: a singular test, another generic test, a `check` over several columns -> pair
  equality, any check of a derived column, any check of a suite's own SQL batch.

Identities are compared by their columns: a gate identity whose table columns all appear in a dbt
singular test (or generic test) of the same table is the same rule. That is deliberately broad:
a gate identity that only shares columns with a dbt test by chance has to say why it is
different, by being moved or reworded, which is the review the rule asks for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from expectations.suite_files import Suite

_IDENTIFIER = re.compile(r"\b[a-z_][a-z0-9_]*\b")
_REF = re.compile(r"""\bref\(\s*['"]([A-Za-z0-9_]+)['"]\s*\)""")
_SOURCE = re.compile(r"""\bsource\(\s*['"]([A-Za-z0-9_]+)['"]\s*,\s*['"]([A-Za-z0-9_]+)['"]\s*\)""")
_ALIAS = re.compile(r"""config\([^)]*\balias\s*=\s*['"]([A-Za-z0-9_]+)['"]""")
_REGION_PARAMETERS = ("known_region_codes", "known_region_codes_with_national")


@dataclass(frozen=True)
class Rule:
    table: str  # schema.table as built
    columns: tuple[str, ...]  # sorted
    check: str  # see the module's table
    origin: str  # where it is declared: a file and the test or expectation

    @property
    def key(self) -> tuple[str, tuple[str, ...], str]:
        return (self.table, self.columns, self.check)


def _rule(table: str, columns: Iterable[str], check: str, origin: str) -> Rule:
    return Rule(table, tuple(sorted(set(columns))), check, origin)


# ---------------------------------------------------------------------------------------- dbt


@dataclass
class _Model:
    name: str
    table: str
    spec: dict[str, Any]
    path: Path
    contract: bool

    @property
    def columns(self) -> list[str]:
        return [c["name"] for c in self.spec.get("columns") or []]


def _folder_settings(project: dict[str, Any]) -> dict[tuple[str, ...], dict[str, Any]]:
    """`models:` of dbt_project.yml flattened: folder path -> its `+` settings."""
    out: dict[tuple[str, ...], dict[str, Any]] = {}

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> None:
        out[path] = {k[1:]: v for k, v in node.items() if k.startswith("+")}
        for k, v in node.items():
            if not k.startswith("+") and isinstance(v, dict):
                walk(v, (*path, k))

    for models in (project.get("models") or {}).values():
        walk(models, ())
    return out


def _inherited(settings: dict[tuple[str, ...], dict[str, Any]], folder: tuple[str, ...]) -> dict:
    merged: dict[str, Any] = {}
    for depth in range(len(folder) + 1):
        merged.update(settings.get(folder[:depth], {}))
    return merged


def _models(dbt_dir: Path) -> dict[str, _Model]:
    project = yaml.safe_load((dbt_dir / "dbt_project.yml").read_text(encoding="utf-8"))
    folders = _folder_settings(project)
    models_dir = dbt_dir / "models"
    out: dict[str, _Model] = {}
    for path in sorted(models_dir.rglob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for spec in doc.get("models") or []:
            folder = path.parent.relative_to(models_dir).parts
            config = {**_inherited(folders, folder), **(spec.get("config") or {})}
            sql = next(models_dir.rglob(f"{spec['name']}.sql"), None)
            alias = config.get("alias")
            if sql is not None and (found := _ALIAS.search(sql.read_text(encoding="utf-8"))):
                alias = found.group(1)
            contract = config.get("contract") or {}
            out[spec["name"]] = _Model(
                name=spec["name"],
                table=f"{config.get('schema', 'main')}.{alias or spec['name']}",
                spec=spec,
                path=path,
                contract=bool(contract.get("enforced")),
            )
        for source in doc.get("sources") or []:
            for table in source.get("tables") or []:
                name = f"{source['name']}.{table['name']}"
                schema = source.get("schema", source["name"])
                out[name] = _Model(name, f"{schema}.{table['name']}", table, path, False)
    return out


def _test_name_and_args(test: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(test, str):
        return test, {}
    name, body = next(iter(test.items()))
    body = dict(body or {})
    args = {**body, **(body.pop("arguments", None) or {})}
    return name, args


def _test_rules(model: _Model, column: str | None, test: Any, origin: str) -> list[Rule]:
    name, args = _test_name_and_args(test)
    name = name.split(".")[-1]  # dbt_utils.unique_combination_of_columns -> the test's name
    cols = [column] if column else []
    if name == "not_null":
        return [_rule(model.table, cols, "not_null", origin)]
    if name == "unique":
        return [_rule(model.table, cols, "unique", origin)]
    if name == "unique_combination_of_columns":
        return [_rule(model.table, args.get("combination_of_columns", []), "unique", origin)]
    if name == "accepted_values":
        return [_rule(model.table, cols, "accepted_values", origin)]
    if name == "relationships":
        return [_rule(model.table, cols, "relationship", origin)]
    # any other generic test: an identity over its column and the columns its arguments name
    named = [v for v in args.values() if isinstance(v, str) and v in model.columns]
    return [_rule(model.table, [*cols, *named], "identity", origin)]


def _constraint_rules(model: _Model, column: str | None, constraint: dict, origin: str) -> list:
    kind = constraint.get("type")
    cols = list(constraint.get("columns") or ([column] if column else []))
    if kind == "not_null":
        return [_rule(model.table, cols, "not_null", origin)]
    if kind in ("primary_key", "unique"):
        rules = [_rule(model.table, cols, "unique", origin)]
        if kind == "primary_key":
            rules += [_rule(model.table, [c], "not_null", origin) for c in cols]
        return rules
    if kind == "check":
        named = [
            c for c in _IDENTIFIER.findall(constraint.get("expression", "")) if c in model.columns
        ]
        check = "range" if len(set(named)) == 1 else "identity"
        return [_rule(model.table, named, check, origin)]
    return []


def dbt_rules(dbt_dir: Path) -> list[Rule]:
    """Every rule dbt declares on a model or source column (YAML files and singular tests)."""
    models = _models(dbt_dir)
    rules: list[Rule] = []
    for model in models.values():
        where = f"{model.path.name} {model.name}"
        for constraint in model.spec.get("constraints") or []:
            rules += _constraint_rules(model, None, constraint, f"{where} constraint")
        for test in model.spec.get("data_tests") or model.spec.get("tests") or []:
            rules += _test_rules(model, None, test, f"{where} data test")
        for col in model.spec.get("columns") or []:
            at = f"{where}.{col['name']}"
            if model.contract:
                rules.append(_rule(model.table, [col["name"]], "column_present", f"{at} contract"))
                if col.get("data_type"):
                    rules.append(_rule(model.table, [col["name"]], "data_type", f"{at} contract"))
            for constraint in col.get("constraints") or []:
                rules += _constraint_rules(model, col["name"], constraint, f"{at} constraint")
            for test in col.get("data_tests") or col.get("tests") or []:
                rules += _test_rules(model, col["name"], test, f"{at} data test")
    for path in sorted((dbt_dir / "tests").rglob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        words = set(_IDENTIFIER.findall(sql.lower()))
        refs = [models[n] for n in _REF.findall(sql) if n in models]
        refs += [models[f"{s}.{t}"] for s, t in _SOURCE.findall(sql) if f"{s}.{t}" in models]
        for model in {m.name: m for m in refs}.values():
            cols = [c for c in model.columns if c in words]
            rules.append(_rule(model.table, cols, "identity", f"dbt_project/tests/{path.name}"))
    return rules


def dbt_columns(dbt_dir: Path) -> dict[str, list[str]]:
    """table -> its documented columns (to tell a table column from a derived name)."""
    return {m.table: m.columns for m in _models(dbt_dir).values()}


# ------------------------------------------------------------------------------ quality gates


def _base_columns(suite: Suite, column: str, known: set[str]) -> list[str]:
    """A derived column's table columns (its SQL's identifiers); a table column itself."""
    expr = suite.derived.get(column)
    if expr is None:
        return [column]
    return [c for c in dict.fromkeys(_IDENTIFIER.findall(expr.lower())) if c in known]


def _expectation_rules(suite: Suite, exp: dict[str, Any], known: set[str]) -> list[Rule]:
    t, kw, meta = exp["type"], exp["kwargs"], exp["meta"]
    origin = f"{suite.path.name} {meta['id']}"
    batch = meta.get("batch", "rows")
    if batch == "schema":
        values = kw.get("value_set") if isinstance(kw.get("value_set"), list) else []
        if kw.get("column") == "column_name":
            return [_rule(suite.table, [v], "column_present", origin) for v in values]
        if kw.get("column") == "column_type":
            return [_rule(suite.table, [v.split(":")[0]], "data_type", origin) for v in values]
        return []
    if batch != "rows":  # a suite's own SQL batch: an identity over the columns it selects
        # (the select list holds what is checked; the where clause only scopes the rows)
        select_list = re.split(r"\bfrom\b", suite.batches[batch]["sql"].lower(), maxsplit=1)[0]
        cols = [c for c in dict.fromkeys(_IDENTIFIER.findall(select_list)) if c in known]
        return [_rule(suite.table, cols, "identity", origin)]
    columns = [kw[k] for k in ("column", "column_A", "column_B") if k in kw]
    columns += list(kw.get("column_list", []))
    derived = any(c in suite.derived for c in columns)
    base = [b for c in columns for b in _base_columns(suite, c, known)]
    if t == "expect_table_row_count_to_be_between":
        return [_rule(suite.table, [], "row_count", origin)]
    if derived or t == "expect_column_pair_values_to_be_equal":
        return [_rule(suite.table, base, "identity", origin)]
    value_set = kw.get("value_set")
    check = {
        "expect_column_values_to_not_be_null": "not_null",
        "expect_column_values_to_be_unique": "unique",
        "expect_compound_columns_to_be_unique": "unique",
        "expect_column_values_to_be_between": "range",
        "expect_column_values_to_match_regex": "format",
        "expect_column_values_to_not_be_in_set": "excluded_values",
        "expect_column_values_to_be_null": "null",
    }.get(t)
    if t == "expect_column_values_to_be_in_set":
        parameter = value_set.get("$PARAMETER") if isinstance(value_set, dict) else None
        check = "relationship" if parameter in _REGION_PARAMETERS else "accepted_values"
    return [_rule(suite.table, base, check or t, origin)]


def gate_rules(suites: list[Suite], table_columns: dict[str, list[str]]) -> list[Rule]:
    """Every rule the suites declare. `table_columns` (dbt's documented columns) tells which
    identifiers of a derived column or SQL batch are the table's own columns."""
    rules: list[Rule] = []
    for suite in suites:
        known = set(table_columns.get(suite.table, []))
        for exp in suite.expectations:
            rules += _expectation_rules(suite, exp, known)
    return rules


# ---------------------------------------------------------------------------- the comparison


def _same(dbt: Rule, gate: Rule) -> bool:
    if dbt.table != gate.table:
        return False
    if dbt.check == gate.check == "identity":
        return bool(gate.columns) and set(gate.columns) <= set(dbt.columns)
    return dbt.columns == gate.columns and dbt.check == gate.check


def rules_in_both(dbt: list[Rule], gates: list[Rule]) -> list[tuple[Rule, Rule]]:
    """(dbt rule, gate rule) for every rule declared in both places."""
    return [(d, g) for g in gates for d in dbt if _same(d, g)]
