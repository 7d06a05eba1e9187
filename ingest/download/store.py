"""Where downloads go: atomic writes, the JSON-lines manifest, one stored copy per distinct body,
and the `latest` link.

Layout (default): data/raw/<YYYY-MM-DD>/<file> + data/raw/<YYYY-MM-DD>/download_manifest.jsonl,
and data/raw/latest -> <YYYY-MM-DD>. The "last stored download" of a table is looked up in the
manifests of the download directory and of its sibling directories named like dates.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

MANIFEST = "download_manifest.jsonl"
DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
KEPT = ("stored", "unchanged")  # outcomes after which the table's file holds that body


@dataclass
class ManifestRow:
    time: str
    source: str
    table_id: str
    measure: str
    file: str
    url: str
    http_status: int | None
    attempts: int
    sha256: str | None
    bytes: int | None
    outcome: str  # stored | unchanged | failed
    message: str = ""
    same_as: str | None = None  # unchanged: the stored file that holds this body


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def sha256_bytes(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def append_manifest(out_dir: Path, row: ManifestRow) -> None:
    """One JSON line per attempt at a table, appended (never rewritten)."""
    with open(out_dir / MANIFEST, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def read_manifest(directory: Path) -> list[dict]:
    rows = []
    try:
        with open(directory / MANIFEST, encoding="utf-8") as fh:
            for line in fh:
                with contextlib.suppress(json.JSONDecodeError):
                    rows.append(json.loads(line))
    except OSError:
        return []
    return rows


def last_stored(out_dir: Path, source: str, table_id: str) -> tuple[Path, str] | None:
    """The newest kept download of a table in out_dir or its sibling directories, as
    (path, sha256), if its file is still there with that content."""
    candidates: list[tuple[str, Path, str]] = []
    siblings = [out_dir]
    with contextlib.suppress(OSError):
        siblings += [
            d for d in out_dir.parent.iterdir()
            if DATE_DIR.match(d.name) and d.is_dir() and not d.is_symlink() and d != out_dir
        ]  # fmt: skip
    for directory in siblings:
        for row in read_manifest(directory):
            if (row.get("source"), str(row.get("table_id"))) != (source, table_id):
                continue
            if row.get("outcome") in KEPT and row.get("sha256") and row.get("file"):
                candidates.append((row.get("time", ""), directory / row["file"], row["sha256"]))
    for _, path, sha in sorted(candidates, key=lambda c: c[0], reverse=True):
        if path.is_file() and sha256_file(path) == sha:
            return path, sha
    return None


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")


def write_atomic(target: Path, body: bytes) -> None:
    """Write to a temporary file in the same directory, fsync, then os.replace: a reader sees the
    old file or the new one, never half of one."""
    temp = _temp_name(target)
    try:
        with open(temp, "wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def link_atomic(target: Path, existing: Path) -> str:
    """Make `target` the same file as `existing` without a second copy: a hard link, or a
    relative symbolic link where hard links are impossible (another file system)."""
    temp = _temp_name(target)
    try:
        try:
            os.link(existing, temp)
            how = "hard link"
        except OSError:
            os.symlink(os.path.relpath(existing, target.parent), temp)
            how = "symbolic link"
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return how


def point_latest(root: Path, out_dir: Path) -> Path:
    """root/latest -> out_dir (relative), replaced atomically."""
    link = root / "latest"
    temp = root / f".latest.{secrets.token_hex(4)}"
    os.symlink(os.path.relpath(out_dir, root), temp)
    os.replace(temp, link)
    return link
