"""`make sql`: the DuckDB CLI on the served build, read-only; piped input works.

When another program holds the served file read-write (DuckDB then refuses even read-only
connections), the CLI opens an in-memory database whose `marts.*` and `reference.*` are views
over the build's immutable Parquet copies (core/build_record.py), and says so on stderr.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb

from core.build_record import parquet_dir
from core.paths import warehouse_paths
from pipeline import publish as publisher


def parquet_views_sql(build_dir: Path) -> str:
    statements = []
    for schema_dir in sorted(p for p in parquet_dir(build_dir).iterdir() if p.is_dir()):
        statements.append(f'create schema if not exists "{schema_dir.name}";')
        for file in sorted(schema_dir.glob("*.parquet")):
            path = str(file).replace("'", "''")
            statements.append(
                f'create view "{schema_dir.name}"."{file.stem}" as from read_parquet(\'{path}\');'
            )
    return " ".join(statements)


def main() -> int:
    paths = warehouse_paths()
    build = publisher.current_build(paths)
    if build is None:
        print("no published build yet: run 'make refresh' first", file=sys.stderr)
        return 1
    cli = str(Path(sys.executable).with_name("duckdb"))
    try:
        duckdb.connect(str(paths.current), read_only=True).close()
    except duckdb.Error as exc:
        if not parquet_dir(build.path.parent).is_dir():
            print(f"make sql: cannot open {paths.current}: {exc}", file=sys.stderr)
            return 1
        print(f"make sql: {paths.current} is held read-write by another program "
              f"({' '.join(str(exc).split())[:300]}); querying the build's Parquet copies of "
              "marts and reference instead (raw and intermediate are not available)",
              file=sys.stderr)  # fmt: skip
        os.execv(cli, [cli, "-cmd", parquet_views_sql(build.path.parent)])
    os.execv(cli, [cli, "-readonly", str(paths.current)])
    return 0  # not reached


if __name__ == "__main__":
    raise SystemExit(main())
