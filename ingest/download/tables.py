"""The configured list of tables (ingest/download_tables.yml) and the URLs they are fetched from."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SettingsModel(_Strict):
    connect_timeout_seconds: float = Field(default=10.0, gt=0)
    read_timeout_seconds: float = Field(default=120.0, gt=0)
    max_attempts: int = Field(default=4, ge=1)
    backoff_seconds: float = Field(default=2.0, ge=0)
    delay_seconds: float = Field(default=2.0, ge=0)


class TableModel(_Strict):
    source: Literal["bns", "taldau"]
    id: str | int
    measure: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    file: str = Field(min_length=1)
    title: str = ""
    flow_scope: Literal["interregional", "internal", "total"] | None = None

    @field_validator("file")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if Path(value).name != value or value.startswith("."):
            raise ValueError(f"must be a plain file name, not {value!r}")
        return value


class TablesModel(_Strict):
    settings: SettingsModel = Field(default_factory=SettingsModel)
    tables: list[TableModel]


def _describe(error: dict, doc: dict) -> str:
    loc = list(error["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "tables" and isinstance(loc[1], int):
        items = doc.get("tables") or []
        item = items[loc[1]] if loc[1] < len(items) else {}
        if isinstance(item, dict):
            where = f"table {item.get('source')} {item.get('id')}, "
        loc = loc[2:]
    elif loc and loc[0] == "settings":
        where, loc = "settings, ", loc[1:]
    kind = {"extra_forbidden": "unknown key", "missing": "missing key"}.get(error["type"])
    message = kind or error["msg"]
    if kind is None and "input" in error and not isinstance(error["input"], dict | list):
        message += f" (found {error['input']!r})"
    return f"{where}field {'.'.join(map(str, loc)) or '(the entry)'}: {message}"


def load_tables(path: Path = TABLES_YML) -> tuple[list[TableSpec], ClientSettings]:
    """The tables and client settings, validated (unknown keys forbidden): an invalid file
    raises TablesConfigError naming the file, the table and the field, before any download."""
    with open(path, encoding="utf-8") as fh:
        doc: Any = yaml.safe_load(fh) or {}
    if not isinstance(doc, dict):
        raise TablesConfigError(f"{path.name}: expected a mapping with `settings` and `tables`")
    try:
        model = TablesModel.model_validate(doc)
    except ValidationError as exc:
        lines = [_describe(e, doc) for e in exc.errors()]
        raise TablesConfigError(f"{path.name}: " + "; ".join(lines)) from None
    settings = ClientSettings(**model.settings.model_dump())
    specs = [
        TableSpec(
            source=item.source,
            id=str(item.id),
            measure=item.measure,
            unit=item.unit,
            file=item.file,
            title=item.title,
            flow_scope=item.flow_scope,
        )  # fmt: skip
        for item in model.tables
    ]
    keys = [(s.source, s.id) for s in specs]
    files = [s.file for s in specs]
    if len(set(keys)) != len(keys) or len(set(files)) != len(files):
        raise TablesConfigError(f"{path.name}: duplicate table ids or file names")
    return specs, settings
