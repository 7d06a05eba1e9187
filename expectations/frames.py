"""The DuckDB side of the gates: suites and settings from disk, and the frames that Great
Expectations validates. Nothing here imports Great Expectations.

Every suite (one JSON file per guarded table in `suites/`) is a GX expectation suite whose
expectations carry in `meta` an `id`, a `severity` (`error` blocks publishing, `warn` publishes
and is reported) and the `frame` they validate:

- `schema`: one row per column of the table with its DuckDB type (`column_name`, `data_type`,
  `type_family`, `column_type` = `name:family`), from the catalog;
- `rows` (the default): the table's rows, or, above the large-table threshold, one row of
  aggregates computed in DuckDB (see `aggregate_frame`);
- any name declared under the suite's `meta.frames`: the result of a SQL query over the table
  (always aggregated in DuckDB, so small whatever the table's size), e.g. sums per year.

`meta.derived_columns` adds SQL expressions as extra columns of the `rows` frame (identities,
frame-qualified region codes); they are computed in DuckDB in both approaches.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
SUITES_DIR = PACKAGE_DIR / "suites"
CONFIG_PATH = PACKAGE_DIR / "config.yml"

SEVERITIES = ("error", "warn")
ROW_COUNT = "expect_table_row_count_to_be_between"
# Row-level expectation types the gates use, each with its aggregate form (see `unexpected_where`).
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


class GateConfigError(ValueError):
    """A suite file or the settings are malformed (a code defect, not a data defect)."""


# --------------------------------------------------------------------------- suites and settings


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
    def frames(self) -> dict[str, dict[str, Any]]:
        return dict(self.meta.get("frames", {}))

    def expectations_for(self, frame: str) -> list[dict[str, Any]]:
        return [e for e in self.expectations if e["meta"].get("frame", "rows") == frame]


@dataclass
class Settings:
    large_table_row_threshold: int = 200_000
    default_band: float | None = 0.5
    table_bands: dict[str, float | None] = field(default_factory=dict)
    sample_size: int = 3
    severity_overrides: dict[str, str] = field(default_factory=dict)
    duckdb_memory_limit: str | None = "2GB"

    def band(self, table: str) -> float | None:
        return self.table_bands.get(table, self.default_band)


def load_settings(path: Path = CONFIG_PATH) -> Settings:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    band = raw.get("row_count_band") or {}
    settings = Settings(
        large_table_row_threshold=int(raw.get("large_table_row_threshold", 200_000)),
        default_band=band.get("default", 0.5),
        table_bands=dict(band.get("tables") or {}),
        sample_size=int(raw.get("sample_size", 3)),
        severity_overrides=dict(raw.get("severity_overrides") or {}),
        duckdb_memory_limit=raw.get("duckdb_memory_limit", "2GB"),
    )
    bad = {k: v for k, v in settings.severity_overrides.items() if v not in SEVERITIES}
    if bad:
        raise GateConfigError(f"{path}: severity_overrides must be error|warn: {bad}")
    return settings


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
        frames = {"rows", "schema", *(meta.get("frames") or {})}
        seen: set[str] = set()
        for i, exp in enumerate(doc.get("expectations") or []):
            where = f"{path.name} expectation #{i}"
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
            frame = exp_meta.setdefault("frame", "rows")
            if frame not in frames:
                raise GateConfigError(f"{where} ({exp_id}): unknown frame {frame!r}")
            if frame == "rows" and exp["type"] not in ROW_TYPES:
                raise GateConfigError(
                    f"{where} ({exp_id}): {exp['type']} has no aggregate form; use one of "
                    f"{sorted(ROW_TYPES)} or a declared frame"
                )
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


# ------------------------------------------------------------------------------------ DuckDB


@contextmanager
def read_only(
    path: Path, memory_limit: str | None = None, spill_dir: Path | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection (many readers may share the file; no writer).

    Large aggregates spill to `spill_dir` (never next to the build file, whose folder is
    published) once DuckDB uses `memory_limit`. While a connection to the file is open in this
    process, another one with the same settings joins its database instance (DuckDB's instance
    cache): `memory_limit`, threads and `spill_dir` are then shared by both, not per connection
    (the gates' concurrent reads rely on it, see `gates._run_suites`).
    """
    config: dict[str, Any] = {}
    if memory_limit:
        config["memory_limit"] = memory_limit
    if spill_dir is not None:
        config["temp_directory"] = str(spill_dir)
    try:
        con = duckdb.connect(str(path), read_only=True, config=config)
    except duckdb.ConnectionException:
        # this process already holds the file open with other settings: share that instance
        con = duckdb.connect(str(path), read_only=True)
    con.execute("set enable_progress_bar = false")
    try:
        yield con
    finally:
        con.close()


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise GateConfigError(f"non-finite bound {value!r}")
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def relation_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    schema, name = table.split(".", 1)
    return con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = ? and table_name = ? order by column_index",
        [schema, name],
    ).fetchall()


def type_family(data_type: str) -> str:
    """DuckDB type -> string | integer | number | boolean | date | timestamp (`x[]` for lists),
    so that a suite pins the kind of a column, not e.g. the precision of a DECIMAL."""
    t = data_type.upper()
    if t.endswith("[]"):
        return type_family(data_type[:-2]) + "[]"
    if t.startswith("VARCHAR") or t in ("TEXT", "STRING"):
        return "string"
    if t.removeprefix("U") in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"):
        return "integer"
    if t in ("DOUBLE", "FLOAT", "REAL") or t.startswith("DECIMAL"):
        return "number"
    if t == "BOOLEAN":
        return "boolean"
    if t == "DATE":
        return "date"
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    return t.lower()


def schema_frame(columns: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "column_name": [c for c, _ in columns],
            "data_type": [t for _, t in columns],
            "type_family": [type_family(t) for _, t in columns],
            "column_type": [f"{c}:{type_family(t)}" for c, t in columns],
        }
    )


def count_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    schema, name = table.split(".", 1)
    return int(con.execute(f"select count(*) from {ident(schema)}.{ident(name)}").fetchone()[0])


def previous_row_counts(previous_db: Path | None, tables: list[str]) -> dict[str, int | None]:
    """Row counts in the previous good build; None where unknown (no build, table absent)."""
    counts: dict[str, int | None] = dict.fromkeys(tables)
    if previous_db is None or not Path(previous_db).exists():
        return counts
    with read_only(Path(previous_db)) as con:
        for table in tables:
            try:
                if relation_columns(con, table):
                    counts[table] = count_rows(con, table)
            except duckdb.Error:
                counts[table] = None
    return counts


def gate_parameters(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Suite parameters shared by all suites: the region codes known in this build.

    `known_region_codes`: codes of marts.dim_region (reference.regions before the marts exist);
    `known_region_codes_with_national`: the same plus 000000000 (Republic of Kazakhstan);
    `known_frame_region_codes`: `frame:code` for every unit of every frame of
    marts.region_frame_map whose code is in dim_region (a mart row's `region_frame:region_code`
    must be one of them).
    """
    if relation_columns(con, "marts.dim_region"):
        codes_sql = "select region_code::varchar from marts.dim_region"
    else:
        codes_sql = "select lpad(region_code::varchar, 9, '0') from reference.regions"
    try:
        codes = sorted({r[0] for r in con.execute(codes_sql).fetchall() if r[0] is not None})
    except duckdb.Error:
        codes = []
    frame_codes: list[str] = []
    has_marts = relation_columns(con, "marts.dim_region") and relation_columns(
        con, "marts.region_frame_map"
    )
    if has_marts:
        frame_codes = sorted(
            r[0]
            for r in con.execute(
                "select distinct m.region_frame || ':' || m.frame_region_code::varchar "
                "from marts.region_frame_map m join marts.dim_region d "
                "on d.region_code = m.frame_region_code"
            ).fetchall()
        )
    return {
        "known_region_codes": codes,
        "known_region_codes_with_national": sorted({*codes, "000000000"}),
        "known_frame_region_codes": frame_codes,
    }


def resolve(value: Any, params: dict[str, Any]) -> Any:
    if isinstance(value, dict) and "$PARAMETER" in value:
        name = value["$PARAMETER"]
        if name not in params:
            raise GateConfigError(f"unknown suite parameter {name!r}")
        return params[name]
    return value


def referenced_columns(expectations: list[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for exp in expectations:
        kw = exp["kwargs"]
        names = [kw.get("column"), kw.get("column_A"), kw.get("column_B")]
        for c in names + list(kw.get("column_list", [])):
            if c and c not in cols:
                cols.append(c)
    return cols


def _source(suite: Suite, present: set[str]) -> str:
    """`select <table columns>, <derived columns> from <table>` for the rows frame."""
    wanted = referenced_columns(suite.expectations_for("rows")) + suite.key
    derived = suite.derived
    select = [f"t.{ident(c)}" for c in dict.fromkeys(wanted) if c in present and c not in derived]
    select += [f"({expr}) as {ident(name)}" for name, expr in derived.items()]
    return (
        f"select {', '.join(select) or '1 as __row'} "
        f"from {ident(suite.schema)}.{ident(suite.relation)} as t"
    )


def rows_frame(con: duckdb.DuckDBPyConnection, suite: Suite, present: set[str]) -> pd.DataFrame:
    return con.execute(_source(suite, present)).df().reset_index(drop=True)


def custom_frame(con: duckdb.DuckDBPyConnection, suite: Suite, frame: str) -> pd.DataFrame:
    sql = suite.frames[frame]["sql"].format(table=f"{ident(suite.schema)}.{ident(suite.relation)}")
    return con.execute(sql).df().reset_index(drop=True)


# ------------------------------------------------------------------- the aggregates approach


def _safe(exp_id: str) -> str:
    return re.sub(r"\W", "_", exp_id)


def unexpected_where(exp: dict[str, Any], params: dict[str, Any]) -> str | None:
    """SQL predicate true for a row GX would count as unexpected (None: not a per-row check).

    Mirrors GX's pandas semantics: set, range and regex checks ignore missing values; pair
    equality ignores rows where either value is missing.
    """
    kw, t = exp["kwargs"], exp["type"]
    col = ident(kw["column"]) if "column" in kw else None
    if t == "expect_column_values_to_not_be_null":
        return f"{col} is null"
    if t == "expect_column_values_to_be_null":
        return f"{col} is not null"
    if t in ("expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set"):
        values = resolve(kw["value_set"], params)
        listed = ", ".join(sql_literal(v) for v in values) or "null"
        negate = "not " if t == "expect_column_values_to_be_in_set" else ""
        return f"{col} is not null and {negate}({col} in ({listed}))"
    if t == "expect_column_values_to_be_between":
        parts = []
        lo, hi = resolve(kw.get("min_value"), params), resolve(kw.get("max_value"), params)
        if lo is not None:
            parts.append(f"{col} {'<=' if kw.get('strict_min') else '<'} {sql_literal(lo)}")
        if hi is not None:
            parts.append(f"{col} {'>=' if kw.get('strict_max') else '>'} {sql_literal(hi)}")
        return f"{col} is not null and ({' or '.join(parts) or 'false'})"
    if t == "expect_column_values_to_match_regex":
        return f"{col} is not null and not regexp_matches({col}, {sql_literal(kw['regex'])})"
    if t == "expect_column_pair_values_to_be_equal":
        a, b = ident(kw["column_A"]), ident(kw["column_B"])
        return f"{a} is not null and {b} is not null and {a} <> {b}"
    return None


def _duplicate_columns(exp: dict[str, Any]) -> list[str] | None:
    if exp["type"] == "expect_column_values_to_be_unique":
        return [exp["kwargs"]["column"]]
    if exp["type"] == "expect_compound_columns_to_be_unique":
        return list(exp["kwargs"]["column_list"])
    return None


def _key_source(suite: Suite, columns: list[str]) -> str:
    """Only the key columns of the table (derived ones computed), rows with a key at all: GX
    ignores a row whose key columns are all missing (one column: a missing value)."""
    derived = suite.derived
    select = ", ".join(
        f"({derived[c]}) as {ident(c)}" if c in derived else f"t.{ident(c)}" for c in columns
    )
    any_value = " or ".join(f"{ident(c)} is not null" for c in columns)
    table = f"{ident(suite.schema)}.{ident(suite.relation)}"
    return f"(select * from (select {select} from {table} as t) where {any_value})"


def duplicate_count(con: duckdb.DuckDBPyConnection, suite: Suite, columns: list[str]) -> int:
    """Rows whose key occurs more than once (GX's unexpected count for a uniqueness check).

    Candidates first, cheaply: grouping by a 64-bit hash of the key finds every duplicate (equal
    keys hash equal); only if there are any is the exact count taken, so the shortcut can never
    fail the gate wrongly.
    """
    source, cols = _key_source(suite, columns), ", ".join(ident(c) for c in columns)
    candidates = con.execute(
        f"select coalesce(sum(n), 0) from (select count(*) as n from {source} "
        f"group by hash({cols}) having count(*) > 1)"
    ).fetchone()[0]
    if not candidates:
        return 0
    return int(
        con.execute(
            f"select coalesce(sum(n), 0) from (select count(*) as n from {source} "
            f"group by {cols} having count(*) > 1)"
        ).fetchone()[0]
    )


def duplicate_samples(
    con: duckdb.DuckDBPyConnection, suite: Suite, columns: list[str], limit: int
) -> list[str]:
    cols = ", ".join(ident(c) for c in columns)
    rows = con.execute(
        f"select {cols}, count(*) as n from {_key_source(suite, columns)} group by all "
        f"having count(*) > 1 order by n desc, {cols} limit {limit}"
    ).fetchall()
    return [format_key([*columns, "rows"], r) for r in rows]


@dataclass
class Aggregates:
    frame: pd.DataFrame  # one row: row_count, unexpected__<id>..., min__/max__<column>...
    expectations: list[dict[str, Any]]  # GX expectations over `frame`
    samples: dict[str, list[str]]  # expectation id -> example keys of unexpected rows


def aggregate_frame(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    present: set[str],
    params: dict[str, Any],
    sample_size: int = 3,
) -> Aggregates:
    """The rows-frame expectations of `suite` computed as aggregates in DuckDB.

    One scan returns one row: the row count, for every per-row expectation the number of rows
    GX would have found unexpected, and min/max of every range-checked column; each uniqueness
    check adds one grouped query (`duplicate_count`). Each expectation
    becomes `expect_column_values_to_be_between` on its aggregate (0..0 unexpected rows; the row
    count bands keep their bounds), with the same id, severity and a `translated_from` note.
    Only for failed checks a second, limited query fetches a few example keys.
    """
    source = f"({_source(suite, present)}) as t"
    selects = ["count(*) as row_count"]
    translated: list[dict[str, Any]] = []
    predicates: dict[str, str] = {}
    duplicates: dict[str, list[str]] = {}
    for exp in suite.expectations_for("rows"):
        meta = {**exp["meta"], "translated_from": {"type": exp["type"], "kwargs": exp["kwargs"]}}
        cols = referenced_columns([exp])
        if any(c not in present and c not in suite.derived for c in cols):
            translated.append(exp)  # GX reports the missing column on the aggregates frame
            continue
        if exp["type"] == ROW_COUNT:
            kw = {k: exp["kwargs"][k] for k in ("min_value", "max_value") if k in exp["kwargs"]}
            translated.append(
                {
                    "type": "expect_column_values_to_be_between",
                    "kwargs": {"column": "row_count", **kw},
                    "meta": meta,
                }
            )
            continue
        agg = f"unexpected__{_safe(exp['meta']['id'])}"
        where = unexpected_where(exp, params)
        dup_cols = _duplicate_columns(exp)
        if where is not None:
            selects.append(f"count(*) filter (where {where}) as {ident(agg)}")
            predicates[exp["meta"]["id"]] = where
        elif dup_cols is not None:
            duplicates[exp["meta"]["id"]] = dup_cols  # one grouped query each, below
        else:  # pragma: no cover - load_suites rejects such suites
            raise GateConfigError(f"{suite.name}: no aggregate form for {exp['type']}")
        if exp["type"] == "expect_column_values_to_be_between":
            c = exp["kwargs"]["column"]
            selects.append(f"min({ident(c)}) as {ident('min__' + c)}")
            selects.append(f"max({ident(c)}) as {ident('max__' + c)}")
        translated.append(
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": agg, "min_value": 0, "max_value": 0},
                "meta": meta,
            }
        )
    seen: set[str] = set()
    unique_selects = [s for s in selects if not (s in seen or seen.add(s))]
    # one scan of the table for every per-row check
    frame = con.execute(f"select {', '.join(unique_selects)} from {source}").df()
    for exp_id, cols in duplicates.items():
        frame[f"unexpected__{_safe(exp_id)}"] = duplicate_count(con, suite, cols)
    samples: dict[str, list[str]] = {}
    key = [c for c in suite.key if c in present]
    by_id = {e["meta"]["id"]: e for e in suite.expectations_for("rows")}
    for exp_id, where in predicates.items():
        if int(frame.at[0, f"unexpected__{_safe(exp_id)}"]) > 0:
            shown = list(dict.fromkeys(key + referenced_columns([by_id[exp_id]])))
            rows = con.execute(
                f"select {', '.join(ident(c) for c in shown)} from {source} "
                f"where {where} limit {sample_size}"
            ).fetchall()
            samples[exp_id] = [format_key(shown, r) for r in rows]
    for exp_id, cols in duplicates.items():
        if int(frame.at[0, f"unexpected__{_safe(exp_id)}"]) > 0:
            samples[exp_id] = duplicate_samples(con, suite, cols, sample_size)
    return Aggregates(frame=frame, expectations=translated, samples=samples)


def format_key(columns: list[str], values: Any) -> str:
    return ", ".join(f"{c}={_plain(v)}" for c, v in zip(columns, values, strict=False))


def _plain(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NULL"
    try:
        if pd.isna(value):
            return "NULL"
    except (TypeError, ValueError):
        pass
    return str(value)
