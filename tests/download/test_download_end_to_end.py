"""Download from the fake server into a temporary directory, then land it with the ingesters
(`make refresh RAW_DIR=...` runs the same `ingest.cli.land`) and check the raw rows against the
real figures the server's answers were built from."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil

import duckdb
import pytest

from ingest.cli import land
from ingest.download.cli import main
from tests.download.fakes import DISTRICTS, KAZDATA, TALDAU_CSV, FakeServer, ok_csv, ok_json

FAST = ["--delay", "0", "--backoff", "0", "--read-timeout", "0.5", "--no-progress"]


@pytest.fixture(scope="module")
def landed(tmp_path_factory, bns_6567, bns_6584, taldau_704447):
    """One download and one landing for the module (the fake server lives as long)."""
    server = FakeServer()
    server.thread.start()
    server.bns("6567", ok_csv(bns_6567))
    server.bns("6584", ok_csv(bns_6584))
    server.taldau("704447", ok_json(taldau_704447))
    tmp = tmp_path_factory.mktemp("e2e")
    raw_dir = tmp / "raw" / "2026-11-26"
    raw_db = tmp / "raw_store.duckdb"
    only = ["--only", "6567", "--only", "6584", "--only", "704447"]
    with pytest.MonkeyPatch.context() as env:
        env.setenv("BNS_BASE_URL", server.base_url)
        env.setenv("TALDAU_BASE_URL", server.base_url)
        env.setenv("NO_PROXY", "127.0.0.1,localhost")
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
            env.delenv(name, raising=False)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["--out", str(raw_dir), *only, *FAST]) == 0
            assert land(raw_dir, raw_db) == 0
    server.httpd.shutdown()
    server.httpd.server_close()
    con = duckdb.connect(str(raw_db), read_only=True)
    yield con, out.getvalue(), raw_dir, raw_db
    con.close()


def rows(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()


def test_the_three_downloads_land(landed):
    con, report, *_ = landed
    for source_id in ("download_bns_6567", "download_bns_6584", "download_taldau_704447"):
        assert f"loaded     {source_id}" in report
    statuses = rows(con, "select status, count(*) from raw.load_manifest group by 1")
    assert statuses == [("loaded", 3)]


def test_migration_balance_values_regions_periods(landed, public_copies):
    con, *_ = landed
    doc = json.loads((public_copies / KAZDATA / "migration_balance.json").read_text())
    got = {
        (code, period): value
        for code, period, value in rows(
            con, "select region_code, period, value from raw.observations "
            "where source_id = 'download_bns_6567' and territory_level = 'region'",
        )
    }  # fmt: skip
    expected = {(k, p): v for p, by_kato in doc["values"].items() for k, v in by_kato.items()}
    assert got == expected  # every region, both years, every figure
    astana = rows(
        con,
        "select region_as_written, value_text, measure, unit, flow_scope, "
        "period_as_written, period_type from raw.observations where source_id = "
        "'download_bns_6567' and region_code = '710000000' and period = '2023'",
    )
    assert astana == [("Г.АСТАНА", "51 539", "net_migration", "persons", "total", "2023 год",
                       "year")]  # fmt: skip
    national = rows(con, "select period, value, territory_level from raw.observations where "
                         "source_id = 'download_bns_6567' and region_code = '000000000' "
                         "order by period")  # fmt: skip
    assert national == [
        ("2023", sum(doc["values"]["2023"].values()), "country"),
        ("2024", sum(doc["values"]["2024"].values()), "country"),
    ]
    for name in ("ОБЛАСТЬ АБАЙ", "АКМОЛИНСКАЯ ОБЛАСТЬ", "ОБЛАСТЬ ҰЛЫТАУ", "ОБЛАСТЬ ЖЕТІСУ"):
        assert rows(con, "select count(*) from raw.observations where region_as_written = ? "
                         "and source_id = 'download_bns_6567'", name) == [(2,)]  # fmt: skip


def test_districts_are_kept_in_raw_and_breakdowns_are_not_landed(landed):
    con, *_ = landed
    districts = rows(con, "select region_as_written, region_code, territory_level, value, "
                          "value_text, value_flag from raw.observations where source_id = "
                          "'download_bns_6567' and period = '2024' and territory_level = "
                          "'district' order by region_as_written")  # fmt: skip
    assert districts == [
        ("АККОЛЬСКИЙ РАЙОН", None, "district", None, "x", "symbol_confidential"),
        ("КОСШЫ Г.А.", None, "district", None, "-", "symbol_dash"),
    ]
    assert len(DISTRICTS) == 2
    # per year: the Republic, 20 regions, 2 districts; the `СП: Мужчины` rows stay in the file
    assert rows(
        con,
        "select period, count(*) from raw.observations where source_id = "
        "'download_bns_6567' group by 1 order by 1",
    ) == [("2023", 23), ("2024", 23)]
    assert rows(con, "select distinct measure_as_written from raw.observations where "
                     "source_id = 'download_bns_6567'") == [
        ("Сальдо миграции по всем потокам(Человек)",)
    ]  # fmt: skip


def test_population_from_the_bns_export(landed, public_copies):
    con, *_ = landed
    doc = json.loads((public_copies / KAZDATA / "population.json").read_text())
    got = dict(
        ((code, period), value)
        for code, period, value in rows(
            con, "select region_code, period, value from raw.observations where source_id = "
            "'download_bns_6584' and territory_level = 'region'",
        )
    )  # fmt: skip
    assert got == {(k, p): v for p, by in doc["values"].items() for k, v in by.items()}
    assert rows(con, "select min(period), max(period), count(distinct period) from "
                     "raw.observations where source_id = 'download_bns_6584'") == [
        ("2000", "2025", 26)
    ]  # fmt: skip


def test_taldau_per_capita_income(landed, public_copies):
    con, *_ = landed
    with open(public_copies / TALDAU_CSV, encoding="utf-8") as fh:
        published = list(csv.DictReader(fh))
    got = {
        (region, period): (text, value)
        for region, period, text, value in rows(
            con, "select region_as_written, period, value_text, value from raw.observations "
            "where source_id = 'download_taldau_704447'",
        )
    }  # fmt: skip
    assert got == {(r["region"], r["date"][:4]): (r["value"], float(r["value"])) for r in published}
    kyzylorda = rows(
        con,
        "select region_code, value, measure, unit, period_as_written from "
        "raw.observations where source_id = 'download_taldau_704447' and "
        "region_as_written = 'КЫЗЫЛОРДИНСКАЯ ОБЛАСТЬ' and period = '2006'",
    )
    assert kyzylorda == [("430000000", 14602.0, "per_capita_income", "tenge_per_month",
                          "2006 год")]  # fmt: skip
    # South Kazakhstan until 2017, Turkestan region and Shymkent from 2018
    codes = dict(rows(con, "select region_as_written, list(distinct region_code)[1] from "
                           "raw.observations where source_id = 'download_taldau_704447' "
                           "group by 1"))  # fmt: skip
    assert codes["ЮЖНО-КАЗАХСТАНСКАЯ ОБЛАСТЬ"] == "510000000"
    assert codes["ТУРКЕСТАНСКАЯ ОБЛАСТЬ"] == "610000000"
    assert codes["Г.ШЫМКЕНТ"] == "790000000" and codes["РЕСПУБЛИКА КАЗАХСТАН"] == "000000000"


def test_landing_the_same_download_again_changes_nothing(landed, tmp_path, capsys):
    con, _, raw_dir, raw_db = landed
    before = rows(con, "select count(*) from raw.observations")
    copy = tmp_path / "raw_store.duckdb"
    shutil.copy(raw_db, copy)
    assert land(raw_dir, copy) == 0
    assert "3 unchanged" in capsys.readouterr().out
    with duckdb.connect(str(copy), read_only=True) as again:
        assert again.execute("select count(*) from raw.observations").fetchall() == before
