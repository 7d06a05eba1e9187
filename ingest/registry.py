"""The declarative source registry (ingest/source_registry.yml).

Each entry says which file(s), which parser, and what the published labels mean: the measure
and unit of each indicator, the flow scope (interregional | internal | total) where the measure is
a migration flow, the period type and how the file names regions. Adding an extract of a known
layout is a registry entry, not code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ingest.parsers import PARSERS

REGISTRY_YML = Path(__file__).resolve().parent / "source_registry.yml"
FLOW_SCOPES = ("interregional", "internal", "total")
RAW_TABLES = ("observations", "od_flows")


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

    def mapping_for(self, measure_as_written: str) -> MeasureMapping | None:
        key = measure_as_written.strip()
        if key in self.measures:
            return self.measures[key]
        return self.measures.get("*")


class RegistryError(ValueError):
    pass


ORIGINS = ("public_copy", "download")


def load_registry(path: Path = REGISTRY_YML, origin: str | None = None) -> list[SourceEntry]:
    """All registry entries, or only those of one origin (public_copy or download)."""
    with open(path, encoding="utf-8") as fh:
        # libyaml's C loader: ~10x faster than the pure-Python one on this 400-line file, which
        # every refresh (also a no-change one) parses.
        doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    entries: list[SourceEntry] = []
    for item in doc.get("sources", []):
        where = f"{path.name}: source {item.get('id')!r}"
        if item.get("parser") not in PARSERS:
            raise RegistryError(f"{where}: unknown parser {item.get('parser')!r}")
        table = item.get("table", "observations")
        if table not in RAW_TABLES:
            raise RegistryError(f"{where}: table must be one of {RAW_TABLES}")
        measures = {}
        for m in item.get("measures", []):
            scope = m.get("flow_scope")
            if scope is not None and scope not in FLOW_SCOPES:
                raise RegistryError(f"{where}: flow_scope {scope!r} not in {FLOW_SCOPES}")
            measures[str(m["as_written"]).strip()] = MeasureMapping(m["measure"], m["unit"], scope)
        files = item["file"] if isinstance(item["file"], list) else [item["file"]]
        if item.get("origin", "public_copy") not in ORIGINS:
            raise RegistryError(f"{where}: origin must be one of {ORIGINS}")
        entries.append(
            SourceEntry(
                id=item["id"],
                files=tuple(files),
                parser=item["parser"],
                table=table,
                region_naming=item.get("region_naming", "historical"),
                period_type=item.get("period_type", "year"),
                repository=item.get("repository", ""),
                commit=item.get("commit"),
                published_path=item.get("published_path"),
                description=item.get("description", ""),
                measures=measures,
                land_unmapped_measures=bool(item.get("land_unmapped_measures", False)),
                origin=item.get("origin", "public_copy"),
                options=item.get("options", {}) or {},
            )
        )
    ids = [e.id for e in entries]
    if len(ids) != len(set(ids)):
        raise RegistryError(f"{path.name}: duplicate source ids")
    return [e for e in entries if origin is None or e.origin == origin]
