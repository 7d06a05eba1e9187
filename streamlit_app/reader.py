"""How the app reads the served build, without ever depending on the DuckDB file's lock.

`warehouse/current.duckdb` is a symlink that the refresh switches atomically to an immutable
`builds/<build_id>/warehouse.duckdb`. The app resolves the link on every rerun (`current_build`)
and so follows a new publish on its next interaction.

A build published with Parquet copies (`builds/<id>/parquet/<schema>/<table>.parquet`, see
`core/build_record.py`) is read through an in-memory DuckDB whose views `marts.<table>` and
`reference.<table>` select from those files. The files are immutable and need no lock, so a
client that holds the build's .duckdb file read-write (a plain `duckdb` shell, DBeaver) does not
stop the app. One such in-memory database is kept per build (`Build.key`), a few builds at most.

A build without Parquet copies (published before they existed) is read the old way: one
short-lived read-only connection to its .duckdb file per query. If another process holds that
file read-write, DuckDB refuses the connection; `BuildLocked` then names the process (its PID and
name) so the app can say how to release it instead of showing a traceback.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from core.build_record import parquet_dir
from core.paths import warehouse_paths

SERVED_SCHEMAS = ("marts", "reference")
# no replacement scans: a missing table must not resolve to a Python variable of the same name
_CONFIG = {"python_enable_replacements": False}
_KEPT_BUILDS = 3  # in-memory databases kept: the served build and the ones just before it


class WarehouseError(RuntimeError):
    """The published build cannot answer a query (a table is missing, the file vanished)."""


class MissingTable(WarehouseError):
    def __init__(self, table: str, detail: str = "") -> None:
        super().__init__(f"the published build has no table marts.{table}" + detail)
        self.table = table


class BuildLocked(WarehouseError):
    """Another process holds the build's .duckdb file read-write (DuckDB allows one writer or
    many readers), so a read-only connection is refused."""

    def __init__(self, path: Path, pid: int | None, process: str, detail: str) -> None:
        super().__init__(detail)
        self.path = path
        self.pid = pid
        self.process = process


@dataclass(frozen=True)
class Build:
    """One published build file, resolved from the `current.duckdb` symlink."""

    path: Path
    mtime_ns: int
    size: int

    @property
    def build_dir(self) -> Path:
        return self.path.parent

    @property
    def build_id(self) -> str:
        return self.build_dir.name

    @property
    def parquet(self) -> Path | None:
        """The build's Parquet folder, or None for a build published without one."""
        folder = parquet_dir(self.build_dir)
        return folder if folder.is_dir() else None

    @property
    def key(self) -> str:
        """Cache key: the build id, and the file's stamp (a rebuilt file at the same path
        changes it)."""
        return f"{self.build_id}|{self.path}|{self.mtime_ns}|{self.size}"


def current_link(root: str | Path | None = None) -> Path:
    return warehouse_paths(root).current


def current_build(root: str | Path | None = None) -> Build | None:
    """The build `current.duckdb` points at right now, or None when nothing is published."""
    link = current_link(root)
    try:
        real = Path(os.path.realpath(link, strict=True))
        stat = real.stat()
    except (OSError, RuntimeError):
        return None
    if not real.is_file():
        return None
    return Build(real, stat.st_mtime_ns, stat.st_size)


def build_at(path: str | Path) -> Build:
    """The Build of a given .duckdb file (tests, tools)."""
    real = Path(os.path.realpath(path))
    stat = real.stat()
    return Build(real, stat.st_mtime_ns, stat.st_size)


# ---------------------------------------------------------------------------------------------
# Parquet: one in-memory database per build

_databases: OrderedDict[str, duckdb.DuckDBPyConnection] = OrderedDict()
_databases_lock = threading.Lock()


def _open_parquet(folder: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config=_CONFIG)
    for schema in SERVED_SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
        for file in sorted((folder / schema).glob("*.parquet")):
            literal = str(file).replace("'", "''")
            con.execute(
                f"create view {schema}.\"{file.stem}\" as select * from read_parquet('{literal}')"
            )
    return con


def _parquet_database(build: Build, folder: Path) -> duckdb.DuckDBPyConnection:
    with _databases_lock:
        con = _databases.get(build.key)
        if con is None:
            con = _open_parquet(folder)
            _databases[build.key] = con
            while len(_databases) > _KEPT_BUILDS:
                _databases.popitem(last=False)[1].close()
        else:
            _databases.move_to_end(build.key)
        # a cursor is a connection of its own to the same database: safe in another thread
        return con.cursor()


# ---------------------------------------------------------------------------------------------
# queries

_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<exe>.+?) \(PID (?P<pid>\d+)\)")


def process_name(pid: int) -> str | None:
    """The name of a running process (Linux /proc), or None where it cannot be read."""
    try:
        return Path(f"/proc/{pid}/comm").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _locked(path: Path, exc: duckdb.Error) -> BuildLocked | None:
    match = _LOCK_HOLDER.search(str(exc))
    if not match:
        return None
    pid = int(match.group("pid"))
    name = process_name(pid) or Path(match.group("exe")).name
    return BuildLocked(path, pid, name, str(exc))


def _connect_file(build: Build) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(build.path), read_only=True, config=_CONFIG)
    except duckdb.Error as exc:  # held read-write elsewhere, pruned, or not a database
        locked = _locked(build.path, exc)
        if locked is not None:
            raise locked from exc
        raise WarehouseError(f"cannot open {build.path}: {exc}") from exc


def query(build: Build, sql: str, params: list | dict | None = None) -> pd.DataFrame:
    """Run one query on the build: over its Parquet copies where it has them, else on a
    short-lived read-only connection to its .duckdb file, closed before returning."""
    folder = build.parquet
    con = _parquet_database(build, folder) if folder else _connect_file(build)
    try:
        return con.execute(sql, params or []).df()
    except duckdb.CatalogException as exc:
        match = re.search(r'(?:Table|View) with name "?(?:\w+\.)?(\w+)"? does not exist', str(exc))
        if match:
            raise MissingTable(match.group(1)) from exc
        raise WarehouseError(str(exc)) from exc
    except duckdb.IOException as exc:  # a Parquet file pruned under a running app
        raise WarehouseError(str(exc)) from exc
    finally:
        con.close()
