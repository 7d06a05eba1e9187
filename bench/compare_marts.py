"""Are the served marts of two builds the same, row for row? (issue 16: a refactor of the dbt
project must leave every mart identical.)

    python -m bench.compare_marts --base-rev e5dfe3a [--raw-dir DIR] [--work /tmp/marts-compare]

builds the warehouse twice with `make refresh` (the base revision exported with `git archive`
into <work>/base-src, and this checkout), each in its own KZM_WAREHOUSE_DIR under <work>, then
compares every table of schema marts except marts.build_info (the build's own id and time) in
both directions with `except all`, so row order does not matter and duplicate rows count.
`--base-warehouse` / `--branch-warehouse` reuse warehouse folders that are already built.
Exit status 0 when every table is identical, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parent.parent
SKIPPED_TABLES = {"build_info"}


def build_warehouse(source_dir: Path, warehouse_dir: Path, raw_dir: str | None) -> None:
    """`make refresh FORCE=1` in source_dir, writing the warehouse to warehouse_dir."""
    env = {**os.environ, "KZM_WAREHOUSE_DIR": str(warehouse_dir)}
    command = ["make", "--no-print-directory", "refresh", "FORCE=1"]
    if raw_dir:
        command.append(f"RAW_DIR={raw_dir}")
    subprocess.run(command, cwd=source_dir, env=env, check=True)


def export_revision(revision: str, target: Path) -> None:
    """The files of `revision` in target (git archive), with this checkout's virtualenv linked."""
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", revision], cwd=REPO_ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    venv_link = target / ".venv"
    if not venv_link.exists():
        venv_link.symlink_to((REPO_ROOT / ".venv").resolve())


def mart_tables(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, list[str]]:
    """Table name -> column names in order, for schema marts of an attached catalog."""
    rows = con.execute(
        "select table_name, column_name from duckdb_columns() "
        "where database_name = ? and schema_name = 'marts' order by table_name, column_index",
        [catalog],
    ).fetchall()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


def compare(base_db: Path, branch_db: Path) -> list[str]:
    """One line per mart table; lines starting with 'DIFFERENT' or 'MISSING' are failures."""
    con = duckdb.connect()
    con.execute(f"attach '{base_db}' as base_build (read_only)")
    con.execute(f"attach '{branch_db}' as branch_build (read_only)")
    base_tables = mart_tables(con, "base_build")
    branch_tables = mart_tables(con, "branch_build")
    lines = []
    for table in sorted(set(base_tables) | set(branch_tables)):
        if table in SKIPPED_TABLES:
            continue
        if table not in base_tables or table not in branch_tables:
            side = "base" if table not in base_tables else "branch"
            lines.append(f"MISSING   marts.{table}: not in the {side} build")
            continue
        if base_tables[table] != branch_tables[table]:
            columns = f"{base_tables[table]} != {branch_tables[table]}"
            lines.append(f"DIFFERENT marts.{table}: columns {columns}")
            continue
        base_rel, branch_rel = f"base_build.marts.{table}", f"branch_build.marts.{table}"
        base_rows = con.execute(f"select count(*) from {base_rel}").fetchone()[0]
        branch_rows = con.execute(f"select count(*) from {branch_rel}").fetchone()[0]
        only_base = con.execute(
            f"select count(*) from (select * from {base_rel} except all select * from {branch_rel})"
        ).fetchone()[0]
        only_branch = con.execute(
            f"select count(*) from (select * from {branch_rel} except all select * from {base_rel})"
        ).fetchone()[0]
        same = only_base == only_branch == 0 and base_rows == branch_rows
        verdict = "identical" if same else "DIFFERENT"
        lines.append(
            f"{verdict:<9} marts.{table}: {base_rows} rows in base, {branch_rows} in branch, "
            f"{only_base} only in base, {only_branch} only in branch"
        )
    con.close()
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--base-rev", default="e5dfe3a", help="git revision to compare against")
    add("--raw-dir", default=None, help="RAW_DIR for both builds (default: embedded sample)")
    add("--work", type=Path, default=Path("/tmp/marts-compare"), help="scratch folder")
    add("--base-warehouse", type=Path, help="an already built base warehouse folder")
    add("--branch-warehouse", type=Path, help="an already built branch warehouse folder")
    args = parser.parse_args(argv)

    base_warehouse = args.base_warehouse
    if base_warehouse is None:
        base_source = args.work / "base-src"
        export_revision(args.base_rev, base_source)
        base_warehouse = args.work / "base-warehouse"
        build_warehouse(base_source, base_warehouse, args.raw_dir)
    branch_warehouse = args.branch_warehouse
    if branch_warehouse is None:
        branch_warehouse = args.work / "branch-warehouse"
        build_warehouse(REPO_ROOT, branch_warehouse, args.raw_dir)

    lines = compare(base_warehouse / "current.duckdb", branch_warehouse / "current.duckdb")
    print("\n".join(lines))
    failures = [line for line in lines if not line.startswith("identical")]
    print(f"{len(lines)} mart tables compared, {len(failures)} with differences")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
