"""The sidecar of a published build: what a refresh, the gates, `status`, `rollback` and the app
need to know about a build without opening its DuckDB file.

A published build folder `warehouse/builds/<build_id>/` holds:
- `warehouse.duckdb`: the build (read-only file mode once published);
- `build_record.json`: this record (its SHA-256, row counts of every served table);
- `parquet/<schema>/<table>.parquet`: every table of the served schemas `marts` and `reference`,
  immutable, for readers that must not depend on the DuckDB file's lock (the app).

Why a sidecar: DuckDB lets one read-write process or many read-only ones hold a file. A client
that opens the served build read-write (a plain `duckdb` shell, DBeaver) would otherwise lock the
refresh out of it; with the record, a refresh never opens the served build.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

RECORD_FILE_NAME = "build_record.json"
PARQUET_DIR_NAME = "parquet"
RECORD_VERSION = 1


@dataclass(frozen=True)
class BuildRecord:
    build_id: str
    sha256: str  # of warehouse.duckdb as published
    row_counts: dict[str, int] = field(default_factory=dict)  # "schema.table" -> rows
    published_at: str | None = None
    extra: dict = field(default_factory=dict)  # anything else a writer adds (kept on rewrite)

    def to_json(self) -> str:
        body = {
            "version": RECORD_VERSION,
            "build_id": self.build_id,
            "sha256": self.sha256,
            "published_at": self.published_at,
            "row_counts": dict(sorted(self.row_counts.items())),
            **self.extra,
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def record_path(build_dir: Path) -> Path:
    return build_dir / RECORD_FILE_NAME


def parquet_dir(build_dir: Path) -> Path:
    return build_dir / PARQUET_DIR_NAME


def parquet_path(build_dir: Path, schema: str, table: str) -> Path:
    return parquet_dir(build_dir) / schema / f"{table}.parquet"


def write_record(build_dir: Path, record: BuildRecord) -> Path:
    """Write atomically (temp file + os.replace): a kill leaves the old record or the new one."""
    path = record_path(build_dir)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(record.to_json(), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_record(build_dir: Path) -> BuildRecord | None:
    """The build's record, or None when the build has none (published before records existed)
    or it cannot be parsed: callers treat both as "unknown", never as a match."""
    path = record_path(build_dir)
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    known = {"version", "build_id", "sha256", "published_at", "row_counts"}
    return BuildRecord(
        build_id=str(body.get("build_id", build_dir.name)),
        sha256=str(body.get("sha256", "")),
        row_counts={str(k): int(v) for k, v in (body.get("row_counts") or {}).items()},
        published_at=body.get("published_at"),
        extra={k: v for k, v in body.items() if k not in known},
    )


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()
