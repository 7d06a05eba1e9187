"""Idempotency, duplicates, corrections, drift and bad values, on copies of the real files
(`raw_dir`: tests/ingest/conftest.py)."""

from __future__ import annotations

import shutil

from ingest import raw_store, sample
from ingest.loader import land_originals
from ingest.registry import load_registry

OD = "Diar299__kz-migration/Internal_migration.csv"
KANAT = "kanatislambekov__internal-migration-flow-kz"
CAMOMILE = "Camomile2552__data-challenge-predictive-model/migration.xlsx"


def counts(con) -> tuple[int, int, int]:
    return tuple(
        con.execute(f"select count(*) from raw.{t}").fetchone()[0]
        for t in ("observations", "od_flows", "load_manifest")
    )


def by_file(results):
    return {r.source_file: r for r in results}


def test_second_load_of_unchanged_inputs_adds_nothing(raw_dir):
    con = raw_store.connect(":memory:")
    first = land_originals(con, load_registry(origin="public_copy"), raw_dir)
    before = counts(con)
    snapshot = con.execute("select * from raw.observations order by observation_id").fetchall()
    second = land_originals(con, load_registry(origin="public_copy"), raw_dir)
    assert {r.status for r in first} == {"loaded"}
    assert {r.status for r in second} == {"unchanged"}
    assert counts(con) == before
    assert con.execute("select * from raw.observations order by observation_id").fetchall() == (
        snapshot
    )


def test_identical_file_under_another_name_is_not_loaded_twice(raw_dir):
    con = raw_store.connect(":memory:")
    land_originals(con, load_registry(origin="public_copy"), raw_dir)
    before = counts(con)
    folder = raw_dir / KANAT
    # a browser's name for a second download of the same file
    shutil.copy(folder / "internal_migration_2023.csv", folder / "internal_migration_2023 (1).csv")
    results = by_file(land_originals(con, load_registry(origin="public_copy"), raw_dir))
    dup = results[f"{KANAT}/internal_migration_2023 (1).csv"]
    assert dup.status == "duplicate" and "internal_migration_2023.csv" in dup.message
    assert counts(con)[:2] == before[:2]
    assert counts(con)[2] == before[2] + 1  # recorded once in the manifest
    land_originals(con, load_registry(origin="public_copy"), raw_dir)
    assert counts(con)[2] == before[2] + 1  # and not again


def test_corrected_file_replaces_exactly_its_rows(raw_dir):
    con = raw_store.connect(":memory:")
    land_originals(con, load_registry(origin="public_copy"), raw_dir)
    other_rows = con.execute(
        "select * exclude (load_id, loaded_at) from raw.observations "
        "where source_file <> ? order by observation_id",
        [f"{KANAT}/internal_migration_2022.csv"],
    ).fetchall()
    path = raw_dir / KANAT / "internal_migration_2022.csv"
    path.write_text(path.read_text().replace("Abay,Total,15905,22308,-6403",
                                             "Abay,Total,15906,22308,-6402"))  # fmt: skip
    results = by_file(land_originals(con, load_registry(origin="public_copy"), raw_dir))
    assert results[f"{KANAT}/internal_migration_2022.csv"].status == "loaded"
    assert sum(r.status == "loaded" for r in results.values()) == 1
    assert con.execute(
        "select value from raw.observations where source_file = ? and region_code = '100000000' "
        "and measure = 'arrivals'",
        [f"{KANAT}/internal_migration_2022.csv"],
    ).fetchall() == [(15906.0,)]
    assert (
        con.execute(
            "select count(*) from raw.observations where source_file = ?",
            [f"{KANAT}/internal_migration_2022.csv"],
        ).fetchone()[0]
        == 60
    )
    assert (
        con.execute(
            "select * exclude (load_id, loaded_at) from raw.observations "
            "where source_file <> ? order by observation_id",
            [f"{KANAT}/internal_migration_2022.csv"],
        ).fetchall()
        == other_rows
    )
    statuses = con.execute(
        "select status from raw.load_manifest where source_file = ? order by loaded_at, status",
        [f"{KANAT}/internal_migration_2022.csv"],
    ).fetchall()
    assert sorted(s for (s,) in statuses) == ["loaded", "superseded"]


def test_renamed_column_fails_that_file_only(raw_dir):
    con = raw_store.connect(":memory:")
    path = raw_dir / OD
    path.write_text(path.read_text().replace("region_immigr", "region_immigration", 1))
    results = by_file(land_originals(con, load_registry(origin="public_copy"), raw_dir))
    failed = results[OD]
    assert failed.status == "failed"
    assert "header drift" in failed.message and "region_immigr" in failed.message
    assert "Internal_migration.csv" in failed.message and "row 1" in failed.message
    assert sum(r.status == "loaded" for r in results.values()) == 18
    assert con.execute("select count(*) from raw.od_flows").fetchone()[0] == 0


def test_failed_correction_keeps_previous_rows(raw_dir):
    con = raw_store.connect(":memory:")
    land_originals(con, load_registry(origin="public_copy"), raw_dir)
    path = raw_dir / OD
    path.write_text(path.read_text().replace("2025,Almaty,Almaty_city,36729",
                                             "2025,Almaty,Almaty_city,36 7?9"))  # fmt: skip
    results = by_file(land_originals(con, load_registry(origin="public_copy"), raw_dir))
    assert results[OD].status == "failed"
    assert "unknown value '36 7?9'" in results[OD].message
    assert "row 2" in results[OD].message and "column 'N'" in results[OD].message
    assert con.execute("select count(*) from raw.od_flows").fetchone()[0] == 3040


def test_a_file_restored_after_a_failed_load_is_recorded_as_seen(raw_dir, monkeypatch):
    """A correction fails, then the file is put back as it was landed: the ingest finds the
    landed version again and records when (last_seen_at), after the failure, so the gate's
    no_failed_file stops counting the failure; the landed rows were never touched."""
    from datetime import datetime, timedelta

    from ingest import loader

    clock = iter(datetime(2026, 1, 1) + timedelta(hours=h) for h in range(3))  # one per load

    def next_load():
        now = next(clock)
        return f"load-{now:%H}", now

    monkeypatch.setattr(loader, "new_load_id", next_load)
    con = raw_store.connect(":memory:")
    land_originals(con, load_registry(origin="public_copy"), raw_dir)
    path = raw_dir / OD
    original = path.read_bytes()
    path.write_bytes(original.replace(b"2025,Almaty,Almaty_city,36729",
                                      b"2025,Almaty,Almaty_city,36 7?9"))  # fmt: skip
    assert (
        by_file(land_originals(con, load_registry(origin="public_copy"), raw_dir))[OD].status
        == "failed"
    )
    path.write_bytes(original)
    assert (
        by_file(land_originals(con, load_registry(origin="public_copy"), raw_dir))[OD].status
        == "unchanged"
    )
    rows = con.execute(
        "select status, loaded_at, last_seen_at from raw.load_manifest where source_file = ? "
        "order by loaded_at",
        [OD],
    ).fetchall()
    (landed, landed_at, seen_at), (failed, failed_at, _) = rows
    assert (landed, failed) == ("loaded", "failed")
    assert landed_at < failed_at < seen_at
    assert con.execute("select count(*) from raw.od_flows").fetchone()[0] == 3040


def test_unknown_symbol_names_file_sheet_row_and_column(raw_dir, tmp_path):
    import openpyxl

    path = raw_dir / CAMOMILE
    book = openpyxl.load_workbook(path)
    book["Sheet1"]["C4"] = "н/д"
    book.save(path)
    con = raw_store.connect(":memory:")
    result = by_file(land_originals(con, load_registry(origin="public_copy"), raw_dir))[CAMOMILE]
    assert result.status == "failed"
    for part in (
        "unknown value 'н/д'",
        "migration.xlsx",
        "sheet 'Sheet1'",
        "row 4",
        "column 'C: 2020'",
    ):
        assert part in result.message


def test_missing_sheet_and_non_year_header_are_drift(raw_dir):
    import openpyxl

    path = raw_dir / CAMOMILE
    book = openpyxl.load_workbook(path)
    book["Sheet1"]["D1"] = "2021 (est.)"
    book.save(path)
    grp = raw_dir / "open-data-kazakhstan__city-gdp-per-capita/6. ВРП на душу населения.xlsx"
    book = openpyxl.load_workbook(grp)
    book["в долларах США"].title = "USD"
    book.save(grp)
    con = raw_store.connect(":memory:")
    results = by_file(land_originals(con, load_registry(origin="public_copy"), raw_dir))
    assert "period header expected, found '2021 (est.)'" in results[CAMOMILE].message
    grp_result = results[grp.relative_to(raw_dir).as_posix()]
    assert grp_result.status == "failed"
    assert "sheet 'в долларах США' missing" in grp_result.message


def test_unknown_region_fails_loudly(raw_dir):
    path = raw_dir / KANAT / "internal_migration_2023.csv"
    path.write_text(path.read_text().replace("Abay,Total", "Abaj,Total"))
    con = raw_store.connect(":memory:")
    result = by_file(land_originals(con, load_registry(origin="public_copy"), raw_dir))[
        f"{KANAT}/internal_migration_2023.csv"
    ]
    assert result.status == "failed"
    assert "unknown region name 'Abaj'" in result.message and "row 2" in result.message


def test_snapshot_and_originals_give_identical_raw_content(public_copies, sample_raw_store):
    """`make refresh` (embedded sample) and `make refresh RAW_DIR=...` land the same rows."""
    originals = raw_store.connect(":memory:")
    land_originals(originals, load_registry(origin="public_copy"), public_copies)
    originals.execute(f"attach '{sample_raw_store}' as snap (read_only)")
    for table in ("observations", "od_flows"):
        for left, right in (("raw", "snap.raw"), ("snap.raw", "raw")):
            diff = originals.execute(
                f"select count(*) from (select * exclude (load_id, loaded_at) from {left}.{table} "
                f"except all select * exclude (load_id, loaded_at) from {right}.{table})"
            ).fetchone()[0]
            assert diff == 0, (table, left, right)


def test_snapshot_is_current_with_the_registry_and_parsers(public_copies, tmp_path):
    """data/sample/ must be regenerated (`make sample`) whenever a parser or the registry
    changes what lands; this fails until it is."""
    out = tmp_path / "sample"
    assert sample.write_snapshot(public_copies, out) == 0
    import duckdb

    for name in ("observations", "od_flows", "files"):
        fresh = duckdb.sql(f"select * from '{out / name}.parquet'").fetchall()
        committed = duckdb.sql(f"select * from '{sample.SAMPLE_DIR / name}.parquet'").fetchall()
        assert fresh == committed, f"data/sample/{name}.parquet is stale: run `make sample`"
