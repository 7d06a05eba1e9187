"""Damage a raw store the way a bad disk or a careless copy does: 64 KB overwritten inside a
block that holds landed rows. Random bytes at a fixed offset may fall into free blocks, which no
reader ever reads (and which are harmless); this picks a block raw.observations uses, so the
damage is always one a reader meets."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

HEADER_BYTES = 3 * 4096  # DuckDB's main header and two database headers precede block 0


def damage_used_block(raw_db: Path) -> int:
    """Overwrite 64 KB in the middle one of raw.observations' blocks; returns the file offset."""
    with duckdb.connect(str(raw_db), read_only=True) as con:
        block_size = con.execute("select block_size from pragma_database_size()").fetchone()[0]
        blocks = [b for (b,) in con.execute(
            "select distinct block_id from pragma_storage_info('raw.observations') "
            "where persistent and block_id >= 0 order by 1"
        ).fetchall()]  # fmt: skip
    assert blocks, "raw.observations holds no persistent block"
    offset = HEADER_BYTES + blocks[len(blocks) // 2] * block_size + 4096
    with open(raw_db, "r+b") as fh:
        fh.seek(offset)
        fh.write(os.urandom(65536))
    return offset
