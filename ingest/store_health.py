"""Is the raw store readable? And its recovery: land every file again into a new store.

DuckDB verifies a block's checksum only when it reads the block, so a raw store damaged on disk
(a bad sector, a careless copy) can go unnoticed while a refresh only reads its manifest. After
every load the ingester records the store's size and modification time beside it
(`raw_store.duckdb.verified`); when a load starts and the file no longer matches that record
(something else wrote it), every block of every raw table is read once. A checksum error, or any
failure to open the file, becomes RawStoreUnreadable naming the file and the cure:
`make rebuild-raw RAW_DIR=<originals>` (`python -m ingest rebuild`), which lands every file again
into a new store and swaps it in only when every file landed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


class IngestStageError(RuntimeError):
    """The ingest stage cannot run at all; the refresh prints it as 'refresh FAILED at ingest'."""

    stage = "ingest"


class RawStoreUnreadable(IngestStageError):
    pass


def verified_record(raw_db: Path) -> Path:
    return raw_db.with_name(raw_db.name + ".verified")


def _stamp(raw_db: Path) -> dict[str, int]:
    stat = raw_db.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def record_verified(raw_db: Path) -> None:
    """The store as this load left it (called once its connection is closed)."""
    record = verified_record(raw_db)
    tmp = record.with_name(record.name + ".tmp")
    tmp.write_text(json.dumps(_stamp(raw_db)))
    os.replace(tmp, record)


def unreadable(raw_db: Path, exc: BaseException, rebuild_hint: str) -> RawStoreUnreadable:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return RawStoreUnreadable(
        f"the raw store {raw_db} cannot be read ({detail}): it is damaged. Rebuild it from the "
        f"original files: {rebuild_hint} (the served warehouse is not affected)"
    )


def needs_full_read(raw_db: Path) -> bool:
    if not raw_db.exists():
        return False
    try:
        return json.loads(verified_record(raw_db).read_text()) != _stamp(raw_db)
    except (OSError, ValueError):
        return True


def read_every_block(con) -> None:
    """Read every column of every raw table once (DuckDB checks each block's checksum)."""
    for (table,) in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'raw' order by 1"
    ).fetchall():
        con.execute(f'select sum(hash(t)) from raw."{table}" as t').fetchone()


def is_damage(exc: BaseException) -> bool:
    """A DuckDB error that means the file is damaged (not a lock, not a full disk)."""
    text = str(exc).lower()
    return any(
        word in text
        for word in ("checksum", "corrupt", "not a valid duckdb", "invalid block", "serializ")
    )
