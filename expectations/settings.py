"""The settings of the quality gates (`expectations/config.yml`), validated before anything runs.

A pydantic model with unknown keys forbidden: a misspelt key (`sample_sise`) or an invalid value
(`duckdb_memory_limit: lots`, `severity_overrides: {...: fatal}`) raises `GateConfigError` naming
the file, the entry and the field, instead of being ignored or failing half-way through a run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

PACKAGE_DIR = Path(__file__).resolve().parent
SUITES_DIR = PACKAGE_DIR / "suites"
CONFIG_PATH = PACKAGE_DIR / "config.yml"

SEVERITIES = ("error", "warn")
Severity = Literal["error", "warn"]
# a fraction of the served build's row count; None: no band for that table
Band = Annotated[float, Field(ge=0)] | None
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)


class GateConfigError(ValueError):
    """A suite file or the settings are malformed (a code defect, not a data defect)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class RowCountBand(_Strict):
    default: Band = 0.5
    tables: dict[str, Band] = Field(default_factory=dict)

    @field_validator("tables")
    @classmethod
    def _schema_qualified(cls, tables: dict[str, Band]) -> dict[str, Band]:
        bad = [t for t in tables if t.count(".") != 1]
        if bad:
            raise ValueError(f"table names must be schema.table: {bad}")
        return tables


class Settings(_Strict):
    """Everything in config.yml; the defaults are the values the file ships with."""

    large_table_row_threshold: int = 200_000
    row_count_band: RowCountBand = Field(default_factory=RowCountBand)
    sample_size: Annotated[int, Field(ge=0)] = 3
    # "<suite name>/<expectation id>": error | warn
    severity_overrides: dict[str, Severity] = Field(default_factory=dict)
    duckdb_memory_limit: str | None = "2GB"

    @field_validator("severity_overrides")
    @classmethod
    def _suite_slash_id(cls, overrides: dict[str, Severity]) -> dict[str, Severity]:
        bad = [k for k in overrides if "/" not in k]
        if bad:
            raise ValueError(f"keys must be '<suite name>/<expectation id>': {bad}")
        return overrides

    @field_validator("duckdb_memory_limit")
    @classmethod
    def _memory(cls, value: str | None) -> str | None:
        if value is not None and not _MEMORY.match(value.strip()):
            raise ValueError(f"{value!r} is not a DuckDB memory size such as 2GB or 512MB")
        return value

    @property
    def default_band(self) -> float | None:
        return self.row_count_band.default

    @property
    def table_bands(self) -> dict[str, float | None]:
        return dict(self.row_count_band.tables)

    def band(self, table: str) -> float | None:
        return self.row_count_band.tables.get(table, self.row_count_band.default)


def _describe(error: dict) -> str:
    """`row_count_band.tables.raw.x: Input should be ...` -> the entry and field named."""
    location = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"{location}: unknown key (allowed: {_allowed(error['loc'])})"
    return f"{location}: {error['msg']} (got {error.get('input')!r})"


def _allowed(loc: tuple) -> str:
    model: type[BaseModel] = Settings
    for part in loc[:-1]:
        field = model.model_fields.get(str(part))
        annotation = getattr(field, "annotation", None)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        model = annotation
    return ", ".join(model.model_fields)


def load_settings(path: Path = CONFIG_PATH) -> Settings:
    """The validated settings of `path`; GateConfigError naming file, entry and field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GateConfigError(f"{path}: cannot read the gates' settings: {exc}") from exc
    except yaml.YAMLError as exc:
        raise GateConfigError(f"{path}: not valid YAML: {exc}") from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise GateConfigError(f"{path}: expected a mapping of settings, got {type(raw).__name__}")
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors())
        raise GateConfigError(f"{path}: {problems}") from exc
