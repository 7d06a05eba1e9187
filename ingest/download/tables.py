"""The configured list of tables (ingest/download_tables.yml) and the URLs they are fetched from."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

TABLES_YML = Path(__file__).resolve().parent.parent / "download_tables.yml"
SOURCES = ("bns", "taldau")
DEFAULT_BASE_URLS = {"bns": "https://stat.gov.kz", "taldau": "https://taldau.stat.gov.kz"}
BASE_URL_ENV = {"bns": "BNS_BASE_URL", "taldau": "TALDAU_BASE_URL"}
URL_PATHS = {
    "bns": "/api/iblock/element/{id}/csv/file/ru/",
    "taldau": "/ru/Api/GetIndexData/{id}?period=7&dics=67",
}


class TablesConfigError(ValueError):
    pass


@dataclass(frozen=True)
class TableSpec:
    source: str  # bns | taldau
    id: str
    measure: str
    unit: str
    file: str  # name it is stored as in the download directory
    title: str = ""
    flow_scope: str | None = None

    @property
    def label(self) -> str:
        """How messages name the table: `bns 6567 (net_migration)`."""
        return f"{self.source} {self.id} ({self.measure})"

    def url(self, base_urls: dict[str, str]) -> str:
        return base_urls[self.source].rstrip("/") + URL_PATHS[self.source].format(id=self.id)


@dataclass(frozen=True)
class ClientSettings:
    connect_timeout_seconds: float = 10.0
    read_timeout_seconds: float = 120.0
    max_attempts: int = 4
    backoff_seconds: float = 2.0
    delay_seconds: float = 2.0


def base_urls(environ: dict[str, str] | None = None) -> dict[str, str]:
    """Base URLs from BNS_BASE_URL / TALDAU_BASE_URL, defaulting to the real hosts."""
    env = os.environ if environ is None else environ
    return {s: (env.get(BASE_URL_ENV[s]) or DEFAULT_BASE_URLS[s]).rstrip("/") for s in SOURCES}


def load_tables(path: Path = TABLES_YML) -> tuple[list[TableSpec], ClientSettings]:
    with open(path, encoding="utf-8") as fh:
        doc: dict[str, Any] = yaml.safe_load(fh) or {}
    settings_doc = doc.get("settings") or {}
    unknown = set(settings_doc) - set(ClientSettings.__dataclass_fields__)
    if unknown:
        raise TablesConfigError(f"{path.name}: unknown settings {sorted(unknown)}")
    settings = ClientSettings(**settings_doc)
    if settings.max_attempts < 1:
        raise TablesConfigError(f"{path.name}: max_attempts must be at least 1")
    specs: list[TableSpec] = []
    for item in doc.get("tables") or []:
        where = f"{path.name}: table {item.get('source')} {item.get('id')}"
        if item.get("source") not in SOURCES:
            raise TablesConfigError(f"{where}: source must be one of {SOURCES}")
        missing = [k for k in ("id", "measure", "unit", "file") if not item.get(k)]
        if missing:
            raise TablesConfigError(f"{where}: missing {missing}")
        if Path(item["file"]).name != item["file"] or item["file"].startswith("."):
            raise TablesConfigError(
                f"{where}: file must be a plain file name, not {item['file']!r}"
            )
        specs.append(
            TableSpec(
                source=item["source"],
                id=str(item["id"]),
                measure=item["measure"],
                unit=item["unit"],
                file=item["file"],
                title=item.get("title", ""),
                flow_scope=item.get("flow_scope"),
            )  # fmt: skip
        )
    keys = [(s.source, s.id) for s in specs]
    files = [s.file for s in specs]
    if len(set(keys)) != len(keys) or len(set(files)) != len(files):
        raise TablesConfigError(f"{path.name}: duplicate table ids or file names")
    return specs, settings
