"""Fast correctness checks of the benchmark's pieces: the seeded generator, and the DuckDB bulk
path for origin-destination files (ingest/parsers/od_bulk/), which must land exactly what the Python
row-by-row path lands and fail the same way."""

from __future__ import annotations

import csv
import dataclasses
import shutil
import threading
from pathlib import Path

import duckdb
import pytest

from bench import generator
from bench.tasks import SYNTHETIC_REGISTRY, floor_sql
from ingest import raw_store
from ingest.loader import land_originals
from ingest.regions import region_codes
from ingest.registry import load_registry

OD = "Diar299__kz-migration/Internal_migration.csv"


def od_entries(parser: str, counts_checked: bool = True):
    entry = next(e for e in load_registry() if e.id == "diar_od_flows")
    if not counts_checked:  # parse every published number, also those no count may hold
        entry = dataclasses.replace(
            entry, checks=entry.checks.model_copy(update={"count_measures": {}})
        )
    return [dataclasses.replace(entry, parser=parser)]


@pytest.fixture()
def od_dir(tmp_path, public_copies) -> Path:
    target = tmp_path / "raw" / OD
    target.parent.mkdir(parents=True)
    shutil.copy(public_copies / OD, target)
    target.chmod(0o644)
    return tmp_path / "raw"


def landed(con) -> list[tuple]:
    return con.execute(
        "select * exclude (load_id, loaded_at) from raw.od_flows order by observation_id"
    ).fetchall()


def both_paths(raw_dir: Path, counts_checked: bool = True):
    python, bulk = raw_store.connect(":memory:"), raw_store.connect(":memory:")
    results = (
        land_originals(python, od_entries("od_flows_csv", counts_checked), raw_dir),
        land_originals(bulk, od_entries("od_flows_csv_bulk", counts_checked), raw_dir),
    )
    return python, bulk, results


def test_bulk_path_lands_the_real_od_file_exactly_as_the_python_path(od_dir):
    python, bulk, (r_python, r_bulk) = both_paths(od_dir)
    assert [r.status for r in r_python] == [r.status for r in r_bulk] == ["loaded"]
    assert r_python[0].rows == r_bulk[0].rows == 3040
    rows = landed(bulk)
    assert len(rows) == 3040 and rows == landed(python)  # values and lineage, cell for cell
    manifest = "select source_file, file_sha256, source_id, file_bytes, status, rows_landed "
    manifest += "from raw.load_manifest"
    assert bulk.execute(manifest).fetchall() == python.execute(manifest).fetchall()


def test_bulk_path_parses_numbers_and_symbols_like_the_python_path(od_dir):
    path = od_dir / OD
    lines = path.read_text(encoding="utf-8").splitlines()
    odd = ["1 234", '"36\u00a0729"', "-", "…", "x", "", " 17 ", "\u22125", '"2,5"', "3.0"]
    for i, text in enumerate(odd, start=1):  # replace N of the first data rows
        head, _ = lines[i].rsplit(",", 1) if not lines[i].endswith('"') else (lines[i], "")
        lines[i] = f"{head},{text}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # a negative and a fractional count fail at ingest (test below): parsing is compared here
    python, bulk, (r_python, r_bulk) = both_paths(od_dir, counts_checked=False)
    assert r_python[0].status == r_bulk[0].status == "loaded", (r_python, r_bulk)
    assert landed(bulk) == landed(python)
    flags = bulk.execute("select count(*) from raw.od_flows where value_flag is not null")
    assert flags.fetchone()[0] == 4


@pytest.mark.parametrize(
    ("old", "new", "parts"),
    [
        ("region_immigr", "region_immigration", ["header drift", "region_immigr", "row 1"]),
        ("2025,Almaty,Almaty_city,36729", "2025,Almaty,Almaty_city,36 7?9",
         ["unknown value '36 7?9'", "row 2", "column 'N'"]),
        ("2025,Turkestan,Shymkent_city", "2025,Turkestan,Shymkent_cty",
         ["unknown region name 'Shymkent_cty'", "row 3"]),
        ("2025,Almaty_city,Almaty,", "20x5,Almaty_city,Almaty,",
         ["year header expected", "row 4", "column 'Year'"]),
        ("2025,Almaty,Almaty_city,36729", "2025,Almaty,Almaty_city,\u22125",
         ["-5 is negative", "row 2", "column 'N'"]),
        ("2025,Almaty_city,Almaty,", "2099,Almaty_city,Almaty,",
         ["period year 2099 is after the year of the load", "row 4", "column 'Year'"]),
    ],
)  # fmt: skip
def test_bulk_path_fails_the_file_like_the_python_path(od_dir, old, new, parts):
    path = od_dir / OD
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    python, bulk, (r_python, r_bulk) = both_paths(od_dir)
    assert r_python[0].status == r_bulk[0].status == "failed"
    for part in [*parts, "Internal_migration.csv"]:
        assert part in r_python[0].message, r_python[0].message
        assert part in r_bulk[0].message, r_bulk[0].message
    assert bulk.execute("select count(*) from raw.od_flows").fetchone()[0] == 0


def test_generator_is_seeded_and_deterministic(tmp_path):
    a = generator.generate(tmp_path / "a.csv", 3000, seed=7)
    b = generator.generate(tmp_path / "b.csv", 3000, seed=7)
    c = generator.generate(tmp_path / "c.csv", 3000, seed=8)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    with open(a, newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == generator.COLUMNS
    assert len(rows) == 3001
    first = dict(zip(generator.COLUMNS, rows[1], strict=True))
    assert first["Year"] == "2015" and first["month"] == "1" and first["sex"] == "male"
    assert all(int(r[-1]) >= 0 for r in rows[1:])


def test_every_district_resolves_to_a_region_of_the_current_frame():
    codes = generator.district_codes()
    regions = region_codes()
    assert len(codes) == len(set(codes)) == 224
    assert not set(codes) & regions  # a district is never mistaken for a region
    for district, region in generator.crosswalk():
        assert region in regions and district[:2] == region[:2]
    assert {r for _, r in generator.crosswalk()} == regions - {"510000000"}  # kz20


def test_synthetic_file_lands_through_the_bulk_path_and_matches_the_floor(tmp_path):
    raw_dir = tmp_path / "raw"
    rows = 224 * 223 + 500  # one full matrix (every pair, 2015) and part of the next (2016)
    generator.generate(raw_dir / "synthetic" / "od_small.csv", rows, seed=3)
    entries = [
        dataclasses.replace(e, files=("synthetic/od_small.csv",))
        for e in load_registry(SYNTHETIC_REGISTRY)
    ]
    con = raw_store.connect(":memory:")
    (result,) = land_originals(con, entries, raw_dir)
    assert result.status == "loaded" and result.rows == rows, result
    one = con.execute(
        "select origin_as_written, origin_code, destination_as_written, destination_code, "
        "measure_as_written, sex, age_group, measure, flow_scope, period, period_type, value_text "
        "from raw.od_flows where row_number = 2"
    ).fetchone()
    with open(raw_dir / "synthetic" / "od_small.csv", newline="") as fh:
        lines = list(csv.reader(fh))
    first = dict(zip(generator.COLUMNS, lines[1], strict=True))
    assert one == (
        first["region_emmigr"], first["region_emmigr"][:2] + "0000000",
        first["region_immigr"], first["region_immigr"][:2] + "0000000",
        "N", "male", "0-4", "migrants", "interregional", "2015-01", "month", first["N"],
    )  # fmt: skip
    # every cell's row number is its line in the file (the bulk path numbers rows by the order
    # DuckDB writes them in: this is the check that the order is the file's)
    cells = con.execute(
        "select row_number, year::varchar, period[6:]::integer::varchar, origin_as_written, "
        "destination_as_written, sex, age_group, value_text from raw.od_flows order by row_number"
    ).fetchall()
    assert [(r[0], *r[1:]) for r in cells] == [(i, *line) for i, line in enumerate(lines[1:], 2)]
    stats = con.execute(
        "select count(distinct observation_id), min(row_number), max(row_number), "
        "count(distinct origin_as_written), count(distinct origin_code) from raw.od_flows"
    ).fetchone()
    assert stats == (rows, 2, rows + 1, 224, 20)
    # the floor query and the landed rows agree on the regional balances
    landed_balances = con.execute("""
        with pairs as (
            select year, origin_code[1:2] as o, destination_code[1:2] as d, sum(value) as n
            from raw.od_flows group by all having o <> d)
        select year, region, sum(arrivals), sum(departures), sum(arrivals) - sum(departures)
        from (select year, d as region, n as arrivals, 0 as departures from pairs
              union all select year, o, 0, n from pairs)
        group by all order by all
    """).fetchall()  # fmt: skip
    floor = duckdb.sql(floor_sql(raw_dir / "synthetic" / "od_small.csv")).fetchall()
    assert [tuple(map(float, r[2:])) for r in floor] == [
        tuple(map(float, r[2:])) for r in landed_balances
    ]
    assert [(int(r[0]), r[1]) for r in floor] == [(r[0], r[1]) for r in landed_balances]


def test_a_bulk_landing_that_fails_after_its_scratch_table_keeps_the_previous_cells(
    od_dir, monkeypatch
):
    from ingest.parsers.od_bulk import BulkODLanding

    con = raw_store.connect(":memory:")
    land_originals(con, od_entries("od_flows_csv_bulk"), od_dir)
    before = landed(con)
    path = od_dir / OD  # a new version of the file, which fails while its cells are copied
    path.write_text(path.read_text(encoding="utf-8").replace("36729", "36730"), encoding="utf-8")

    def fail(self, *args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(BulkODLanding, "insert_rows", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        land_originals(con, od_entries("od_flows_csv_bulk"), od_dir)
    assert landed(con) == before
    leftovers = con.execute(
        "select count(*) from duckdb_tables() where table_name like 'bulk_landing%'"
    ).fetchone()[0]
    assert leftovers == 0


def test_a_new_bulk_file_lands_while_it_is_hashed_and_keeps_its_sha(od_dir, monkeypatch):
    """A file whose size differs from its landed version's is landed while its SHA-256 is
    computed: the landing records the right hash, supersedes the old version, and a
    byte-identical twin under another name is recorded as a duplicate, its landing dropped."""
    from ingest import loader

    hashed_in: list[str] = []
    sha256_of = loader.sha256_of

    def spy(path):
        hashed_in.append(threading.current_thread().name)
        return sha256_of(path)

    monkeypatch.setattr(loader, "sha256_of", spy)
    con = raw_store.connect(":memory:")
    path = od_dir / OD
    assert land_originals(con, od_entries("od_flows_csv_bulk"), od_dir)[0].status == "loaded"
    path.write_text(path.read_text(encoding="utf-8").replace("36729", "367290"), encoding="utf-8")
    twin = od_dir / "copy" / "od.csv"
    twin.parent.mkdir()
    shutil.copy(path, twin)
    entries = [dataclasses.replace(od_entries("od_flows_csv_bulk")[0], files=(OD, "copy/od.csv"))]
    results = {r.source_file: r.status for r in land_originals(con, entries, od_dir)}

    assert results == {OD: "loaded", "copy/od.csv": "duplicate"}
    assert all(name.startswith("sha256") for name in hashed_in)  # new content: in the background
    assert con.execute("select file_sha256, cells from raw.od_flow_files").fetchall() == [
        (loader.sha256_of(path), 3040)
    ]
    assert con.execute(
        f"select status from raw.load_manifest where source_file = '{OD}' order by loaded_at"
    ).fetchall() == [("superseded",), ("loaded",)]
    assert con.execute("select count(*) from raw.od_flows where value = 367290").fetchone()[0] > 0
    leftovers = con.execute(
        "select count(*) from duckdb_tables() where table_name like 'bulk_landing%'"
    ).fetchone()[0]
    assert leftovers == 0
    # unchanged and the same size: hashed first, on this thread, and nothing lands
    hashed_in.clear()
    assert {r.status for r in land_originals(con, entries, od_dir)} == {"unchanged"}
    assert hashed_in == [threading.current_thread().name] * 2


def synthetic_landing(raw_dir: Path, rows: int, seed: int = 5) -> tuple[Path, list]:
    path = generator.generate(raw_dir / "synthetic" / "od_small.csv", rows, seed=seed)
    entries = [
        dataclasses.replace(e, files=("synthetic/od_small.csv",))
        for e in load_registry(SYNTHETIC_REGISTRY)
    ]
    return path, entries


def plan_scans(monkeypatch) -> list[str]:
    """Record each exact plan (a grouped scan of the whole file) the bulk path runs."""
    from ingest.parsers.od_bulk import land

    calls: list[str] = []
    exact = land.plan_groups

    def spy(con, scan, cols):
        calls.append(scan)
        return exact(con, scan, cols)

    monkeypatch.setattr(land, "plan_groups", spy)
    return calls


def test_windows_that_miss_a_text_fall_back_to_the_exact_plan_and_land_the_same(
    tmp_path, monkeypatch
):
    from ingest.parsers.od_bulk import plan

    raw_dir = tmp_path / "raw"
    path, entries = synthetic_landing(raw_dir, 224 * 223 + 500)
    # one odd value text deep in the file, where no small window looks
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[30_000] = lines[30_000].rsplit(",", 1)[0] + ',"1 234"\n'
    path.write_text("".join(lines), encoding="utf-8")
    whole = raw_store.connect(":memory:")  # the file is under 8 MiB: windows read all of it
    calls = plan_scans(monkeypatch)
    (result,) = land_originals(whole, entries, raw_dir)
    assert result.status == "loaded" and calls == []
    monkeypatch.setattr(plan, "SAMPLE_WINDOWS", 4)
    monkeypatch.setattr(plan, "SAMPLE_WINDOW_BYTES", 2048)
    small = raw_store.connect(":memory:")
    (result,) = land_originals(small, entries, raw_dir)
    assert result.status == "loaded" and len(calls) == 1  # windows missed texts: exact plan
    assert landed(small) == landed(whole)
    odd = small.execute(
        "select row_number, value_text, value, value_flag from raw.od_flows "
        "where value_text = '1 234'"
    ).fetchall()
    assert odd == [(30_001, "1 234", 1234.0, None)]
    # dictionaries hold only texts that occur, never an unused candidate (no year 1990)
    years = small.execute("select distinct year from raw.od_flow_places order by 1").fetchall()
    assert years == [(2015,), (2016,)]


def test_a_bad_text_the_windows_did_not_see_fails_the_file_naming_its_row(tmp_path, monkeypatch):
    from ingest.parsers.od_bulk import plan

    raw_dir = tmp_path / "raw"
    path, entries = synthetic_landing(raw_dir, 224 * 223 + 500)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[40_000] = lines[40_000].replace(",male,", ",male,", 1).replace("2015,", "20x5,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(plan, "SAMPLE_WINDOWS", 4)
    monkeypatch.setattr(plan, "SAMPLE_WINDOW_BYTES", 2048)
    con = raw_store.connect(":memory:")
    (result,) = land_originals(con, entries, raw_dir)
    assert result.status == "failed"
    assert "od_small.csv" in result.message and "row 40001" in result.message, result.message
    assert con.execute("select count(*) from raw.od_flows").fetchone()[0] == 0
    leftovers = con.execute(
        "select count(*) from duckdb_tables() where table_name like 'bulk_landing%'"
    ).fetchone()[0]
    assert leftovers == 0
