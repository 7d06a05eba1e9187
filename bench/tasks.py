"""Benchmark tasks, each run in its own process by bench/runner.py (so its memory is measured
alone): `python -m bench.tasks land-synthetic|floor|app-page ...`."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import duckdb

from bench.generator import COLUMNS

SYNTHETIC_REGISTRY = Path(__file__).resolve().parent / "synthetic_registry.yml"


def csv_scan(path: Path) -> str:
    types = {c: "varchar" for c in COLUMNS} | {"N": "bigint"}
    columns = "{" + ", ".join(f"'{c}': '{t}'" for c, t in types.items()) + "}"
    return f"read_csv('{path}', header = true, auto_detect = false, columns = {columns})"


def floor_sql(path: Path) -> str:
    """The floor: one bare query from the CSV to regional interregional balances (district ->
    region by KATO prefix, moves inside a region dropped, arrivals/departures/net per region and
    year)."""
    return f"""
        with pairs as (
            select "Year" as year, left(region_emmigr, 2) as o, left(region_immigr, 2) as d,
                   sum("N") as n
            from {csv_scan(path)}
            group by all
            having o <> d
        )
        select year, region, sum(arrivals) as arrivals, sum(departures) as departures,
               sum(arrivals) - sum(departures) as net
        from (select year, d as region, n as arrivals, 0 as departures from pairs
              union all
              select year, o, 0, n from pairs)
        group by all
        order by all
    """


def land_synthetic(warehouse: Path, raw_dir: Path, file: str) -> int:
    """Land the synthetic file into <warehouse>/raw_store.duckdb through the bulk path."""
    from ingest import raw_store
    from ingest.cli import report
    from ingest.loader import land_originals
    from ingest.registry import load_registry

    entries = [dataclasses.replace(e, files=(file,)) for e in load_registry(SYNTHETIC_REGISTRY)]
    warehouse.mkdir(parents=True, exist_ok=True)
    print("==> ingest_synthetic", flush=True)
    start = time.perf_counter()
    with raw_store.connect(str(warehouse / "raw_store.duckdb")) as con:
        code = report(land_originals(con, entries, raw_dir))
    print(f"    ingest_synthetic: {time.perf_counter() - start:.1f} s", flush=True)
    return code


def floor(path: Path, threads: int | None, memory_limit: str | None) -> int:
    print("==> floor", flush=True)
    start = time.perf_counter()
    with duckdb.connect() as con:
        con.execute("set enable_progress_bar = false")
        if threads:
            con.execute(f"set threads = {threads}")
        if memory_limit:
            con.execute(f"set memory_limit = '{memory_limit}'")
        rows = con.execute(floor_sql(path)).fetchall()
    print(f"    floor: {time.perf_counter() - start:.1f} s", flush=True)
    print(f"floor: {len(rows)} region-year balances", flush=True)
    return 0 if rows else 1


def import_app_modules() -> list[str]:
    """Import the app's library modules (streamlit_app/*.py and charts/, not the page scripts
    Streamlit executes) and what they import: the cost a long-running server pays once."""
    import importlib
    import pkgutil

    import streamlit_app
    import streamlit_app.charts

    names = []
    for package in (streamlit_app, streamlit_app.charts):
        names += [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
    names = [n for n in names if n != "streamlit_app.app" and not n.endswith(".charts")]
    for name in names:
        importlib.import_module(name)
    return names


def app_page(page: str | None, timeout: float) -> int:
    """First render of one page in a fresh process (AppTest); exit 1 on an exception. The
    Python imports (Streamlit, then the app's modules) are timed as their own stages, so
    `render` is the page's first run: reading the build, computing and drawing."""
    print("==> import_streamlit", flush=True)
    start = time.perf_counter()
    from streamlit.testing.v1 import AppTest

    print(f"    import_streamlit: {time.perf_counter() - start:.1f} s", flush=True)
    print("==> import_app", flush=True)
    start = time.perf_counter()
    import_app_modules()
    print(f"    import_app: {time.perf_counter() - start:.1f} s", flush=True)
    print("==> render", flush=True)
    start = time.perf_counter()
    app = Path(__file__).resolve().parent.parent / "streamlit_app" / "app.py"
    at = AppTest.from_file(str(app), default_timeout=timeout)
    if page:
        at.switch_page(page)
    at.run()
    print(f"    render: {time.perf_counter() - start:.2f} s", flush=True)
    if at.exception:
        for exc in at.exception:
            print(f"app exception: {exc.message}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tasks")
    sub = parser.add_subparsers(dest="task", required=True)
    land = sub.add_parser("land-synthetic")
    land.add_argument("--warehouse", type=Path, required=True)
    land.add_argument("--raw-dir", type=Path, required=True)
    land.add_argument("--file", required=True)
    fl = sub.add_parser("floor")
    fl.add_argument("--csv", type=Path, required=True)
    fl.add_argument("--threads", type=int)
    fl.add_argument("--memory-limit")
    page = sub.add_parser("app-page")
    page.add_argument("--page")
    page.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args(argv)
    if args.task == "land-synthetic":
        return land_synthetic(args.warehouse, args.raw_dir, args.file)
    if args.task == "floor":
        return floor(args.csv, args.threads, args.memory_limit)
    return app_page(args.page, args.timeout)


if __name__ == "__main__":
    raise SystemExit(main())
