"""The declarative source registry (ingest/source_registry.yml), validated before anything loads.

Each entry says which file(s), which parser, and what the published labels mean: the measure
and unit of each indicator, the flow scope (interregional | internal | total) where the measure is
a migration flow, the period type and how the file names regions, whether the refresh needs it
(`required`) and the earliest year its periods may have. Adding an extract of a known layout is a
registry entry, not code.

The file is read into pydantic models with unknown keys forbidden: a missing key, an unknown key
or an invalid value (`region_naming: histrical`) raises RegistryError naming the file, the entry
and the field, before any file is landed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ingest.parsers import PARSER_VERSIONS, PARSERS

REGISTRY_YML = Path(__file__).resolve().parent / "source_registry.yml"
CHECKS_YML = Path(__file__).resolve().parent / "ingest_checks.yml"
FLOW_SCOPES = ("interregional", "internal", "total")
RAW_TABLES = ("observations", "od_flows")
ORIGINS = ("public_copy", "download")


class RegistryError(ValueError):
    pass


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MeasureModel(_Strict):
    as_written: str
    measure: str
    unit: str
    flow_scope: Literal["interregional", "internal", "total"] | None = None


class CountMeasure(_Strict):
    signed: bool = False  # a balance (net migration) may be negative
    fractional: bool = False  # an average or estimate may hold a fraction


class ChecksModel(_Strict):
    """The checks at ingest that need no model (ingest/checks.py), from ingest/ingest_checks.yml."""

    first_period_year: int = Field(ge=1800, le=2100)
    count_max: int = Field(gt=0)
    count_measures: dict[str, CountMeasure]


class SourceModel(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str
    file: str | list[str]
    repository: str
    commit: str | None = None
    published_path: str | None = None
    parser: str
    required: bool
    first_period_year: int | None = Field(default=None, ge=1800, le=2100)
    table: Literal["observations", "od_flows"] = "observations"
    region_naming: Literal["historical", "current"]
    period_type: Literal["year", "quarter", "month", "cumulative"]
    origin: Literal["public_copy", "download"] = "public_copy"
    land_unmapped_measures: bool = False
    options: dict[str, Any] = Field(default_factory=dict)
    measures: list[MeasureModel]

    @field_validator("parser")
    @classmethod
    def _known_parser(cls, value: str) -> str:
        if value not in PARSERS:
            raise ValueError(f"unknown parser {value!r}; known: {sorted(PARSERS)}")
        return value

    @field_validator("options", mode="before")
    @classmethod
    def _options(cls, value: Any) -> Any:
        return {} if value is None else value


class RegistryModel(_Strict):
    sources: list[SourceModel]


@dataclass(frozen=True)
class MeasureMapping:
    measure: str
    unit: str
    flow_scope: str | None = None


@dataclass(frozen=True)
class SourceEntry:
    id: str
    files: tuple[str, ...]  # paths or glob patterns relative to the raw directory
    parser: str
    table: str
    region_naming: str
    period_type: str
    repository: str
    commit: str | None
    published_path: str | None
    description: str
    measures: dict[str, MeasureMapping]  # measure as written -> mapping
    land_unmapped_measures: bool
    origin: str = "public_copy"  # public_copy (../shared/data/public-copies) | download
    options: dict[str, Any] = field(default_factory=dict)
    required: bool = True
    first_period_year: int = 1991  # the entry's, or that of ingest/ingest_checks.yml
    checks: ChecksModel | None = None  # the checks at ingest (ingest/ingest_checks.yml)
    # SHA-256 of the entry as validated, the checks and the parser's version: a landing records
    # it, and a file landed under another fingerprint is landed again (ingest/loader.py)
    fingerprint: str = ""

    def mapping_for(self, measure_as_written: str) -> MeasureMapping | None:
        key = measure_as_written.strip()
        if key in self.measures:
            return self.measures[key]
        return self.measures.get("*")


def _describe(error: dict, doc: dict) -> str:
    """'source 'diar_od_flows', field region_naming: ...' for one pydantic error."""
    loc = list(error["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):  # a registry entry
        items = doc.get("sources") or []
        item = items[loc[1]] if loc[1] < len(items) else {}
        ident = item.get("id") if isinstance(item, dict) else None
        where = f"source {ident!r}" if ident else f"source #{loc[1] + 1}"
        loc = loc[2:]
    field_name = ".".join(str(part) for part in loc) or "(the entry)"
    kind = {"extra_forbidden": "unknown key", "missing": "missing key"}.get(error["type"])
    message = kind or error["msg"]
    if kind is None and "input" in error and not isinstance(error["input"], dict | list):
        message += f" (found {error['input']!r})"
    return f"{where + ', ' if where else ''}field {field_name}: {message}"


def _validated(model: type[BaseModel], doc: Any, path: Path) -> Any:
    if not isinstance(doc, dict):
        raise RegistryError(f"{path}: expected a mapping, found {type(doc).__name__}")
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        lines = [_describe(e, doc) for e in exc.errors()]
        raise RegistryError(
            f"{path}: {len(lines)} invalid entr{'y' if len(lines) == 1 else 'ies'} "
            "(fix the file; nothing was loaded):\n  " + "\n  ".join(lines)
        ) from None


def _read_yaml(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            # libyaml's C loader: ~10x faster than the pure-Python one on the 400-line registry,
            # which every refresh (also a no-change one) parses.
            return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise RegistryError(f"{path}: not valid YAML: {exc}") from None


def load_checks(path: Path = CHECKS_YML) -> ChecksModel:
    return _validated(ChecksModel, _read_yaml(path), path)


def validate_registry(doc: Any, path: Path) -> RegistryModel:
    model = _validated(RegistryModel, doc, path)
    ids = [s.id for s in model.sources]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise RegistryError(f"{path}: duplicate source ids {repeated}")
    return model


def fingerprint(source: SourceModel, checks: ChecksModel) -> str:
    payload = {
        "entry": source.model_dump(mode="json", exclude={"description", "required"}),
        "checks": checks.model_dump(mode="json"),
        "parser_version": PARSER_VERSIONS.get(source.parser, 1),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def load_registry(
    path: Path = REGISTRY_YML, origin: str | None = None, checks_path: Path = CHECKS_YML
) -> list[SourceEntry]:
    """All registry entries, or only those of one origin (public_copy or download)."""
    model = validate_registry(_read_yaml(path), path)
    checks = load_checks(checks_path)
    entries = [
        SourceEntry(
            id=s.id,
            files=tuple(s.file if isinstance(s.file, list) else [s.file]),
            parser=s.parser,
            table=s.table,
            region_naming=s.region_naming,
            period_type=s.period_type,
            repository=s.repository,
            commit=s.commit,
            published_path=s.published_path,
            description=s.description,
            measures={
                m.as_written.strip(): MeasureMapping(m.measure, m.unit, m.flow_scope)
                for m in s.measures
            },
            land_unmapped_measures=s.land_unmapped_measures,
            origin=s.origin,
            options=dict(s.options),
            required=s.required,
            first_period_year=s.first_period_year or checks.first_period_year,
            checks=checks,
            fingerprint=fingerprint(s, checks),
        )
        for s in model.sources
    ]
    return [e for e in entries if origin is None or e.origin == origin]
