"""raw.load_manifest: one row per (file path, file SHA-256) the ingesters have seen, with its
status and the registry fingerprint it was landed under, and the one-transaction replacement of
a landed file's rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingest.raw_store.od_cells import delete_od_file, insert_od_cells
from ingest.raw_store.schema import OD_COLUMNS, TABLE_COLUMNS, literal

if TYPE_CHECKING:  # only annotations: a no-change refresh never imports pandas (~1 s)
    import pandas as pd


# The two look-ups of every file, also in a no-change refresh, use SQL literals, not `?`
# parameters: DuckDB's Python client imports pandas (~1 s) the first time a query binds a
# Python value, and nothing else in a no-change refresh needs pandas.
def manifest_status(con, source_file: str, sha: str) -> tuple[str | None, str | None]:
    """(status, entry fingerprint) of this version of the file, or (None, None)."""
    row = con.execute(
        "select status, entry_fingerprint from raw.load_manifest "
        f"where source_file = {literal(source_file)} and file_sha256 = {literal(sha)}"
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def may_be_unchanged(con, source_file: str, size: int) -> bool:
    """False when the file's content certainly differs from its landed version's (none landed,
    or another size): the loader may then land it before its SHA-256 is known."""
    row = con.execute(
        "select count(*) from raw.load_manifest "
        f"where source_file = {literal(source_file)} and status in ('loaded', 'duplicate') "
        f"and (file_bytes is null or file_bytes = {int(size)})"
    ).fetchone()
    return row[0] > 0


def loaded_elsewhere(con, source_file: str, sha: str) -> str | None:
    row = con.execute(
        f"select source_file from raw.load_manifest where file_sha256 = {literal(sha)} "
        f"and status = 'loaded' and source_file <> {literal(source_file)} "
        "order by source_file limit 1"
    ).fetchone()
    return row[0] if row else None


def mark_seen(con, source_file: str, sha: str, seen_at) -> None:
    """Record that an ingest found this landed version of the file on disk again (SQL literals:
    a no-change refresh passes here for every file and must not import pandas to bind values)."""
    seen = seen_at.replace(tzinfo=None).isoformat(sep=" ")
    con.execute(
        f"update raw.load_manifest set last_seen_at = timestamp {literal(seen)} "
        f"where source_file = {literal(source_file)} and file_sha256 = {literal(sha)}"
    )


def upsert_manifest(con, **row) -> None:
    con.execute(
        "delete from raw.load_manifest where source_file = ? and file_sha256 = ?",
        [row["source_file"], row["file_sha256"]],
    )
    cols = list(row)
    con.execute(
        f"insert into raw.load_manifest ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
        [row[c] for c in cols],
    )


def replace_file_rows(con, table: str, source_file: str, frame: pd.DataFrame) -> None:
    """Replace exactly the rows of `source_file` in `table` by `frame` (caller holds the txn)."""
    con.execute("delete from raw.observations where source_file = ?", [source_file])
    delete_od_file(con, source_file)  # a file that moved between tables leaves nothing behind
    if len(frame):
        # text columns as strings: DuckDB guesses an object column's type from a sample, and a
        # sample of NULLs would make it an integer column
        texts = {c: "string" for c in frame.columns if frame[c].dtype == object}
        con.register("landing_frame", frame.astype(texts))
        if table == "od_flows":
            wide = [c for c in OD_COLUMNS if c != "observation_id"]
            missing = [c for c in ("sex", "age_group") if c not in frame.columns]
            cols = [c if c not in missing else f"null::varchar as {c}" for c in wide]
            insert_od_cells(con, f"select {', '.join(cols)} from landing_frame")
        else:
            cols = TABLE_COLUMNS[table]
            con.execute(
                f"insert into raw.{table} ({', '.join(cols)}) "
                f"select {', '.join(cols)} from landing_frame"
            )
        con.unregister("landing_frame")
    con.execute(
        "update raw.load_manifest set status = 'superseded' "
        "where source_file = ? and status = 'loaded'",
        [source_file],
    )
