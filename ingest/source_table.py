"""raw.source_registry: the registry as of the last load, one row per source, rewritten (in one
transaction) by every landing (ingest/loader.py land_originals, ingest/sample.py land_snapshot)
for the entries it was given. dbt exposes it as marts.dim_source, so the app shows the sources'
descriptions and lineage from the build it serves, never from a file of the checkout.

`load_warning` holds why a source's rows are not from this load: a required source whose file
was missing, published anyway because the analyst named it in ALLOW_MISSING."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the loaders call this module: no import of them here
    from ingest.loader import LoadResult
    from ingest.registry import SourceEntry

COLUMNS = (
    "source_id", "description", "repository", "commit", "published_path", "parser",
    "target_table", "required", "first_period_year", "entry_fingerprint", "load_warning",
)  # fmt: skip


def load_warnings(results: list[LoadResult], allow_missing: frozenset[str]) -> dict[str, str]:
    """{source_id: warning} for the required sources missing and allowed missing."""
    return {
        r.source_id: f"{r.source_file}: {r.message}"
        for r in results
        if r.status == "missing" and r.source_id in allow_missing and not r.blocks_refresh
        and r.message.startswith("required")
    }  # fmt: skip


def _sql(value) -> str:
    """A SQL literal. The rows are written as literals, not `?` parameters: binding a Python value
    imports pandas (~1 s), which a no-change refresh otherwise never needs."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def write_source_registry(con, entries: list[SourceEntry], warnings: dict[str, str]) -> None:
    """Rewrite raw.source_registry for `entries`, in one transaction; nothing is written when
    the table already holds exactly these rows (a no-change refresh)."""
    rows = sorted(
        (
            e.id, e.description, e.repository, e.commit, e.published_path, e.parser, e.table,
            e.required, e.first_period_year, e.fingerprint, warnings.get(e.id),
        )
        for e in entries
    )  # fmt: skip
    current = con.execute(
        f"select {', '.join(COLUMNS)} from raw.source_registry order by source_id"
    ).fetchall()
    if current == rows:
        return
    con.execute("begin")
    try:
        con.execute("delete from raw.source_registry")
        if rows:
            values = ",\n".join("(" + ", ".join(map(_sql, row)) + ")" for row in rows)
            con.execute(f"insert into raw.source_registry ({', '.join(COLUMNS)}) values {values}")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
