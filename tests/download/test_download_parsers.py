"""The two ingesters of downloaded files: bns_export (CSV table export, with breakdown columns)
and taldau_json (GetIndexData answer)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest import raw_store
from ingest.errors import LayoutDriftError
from ingest.loader import land_originals
from ingest.parsers.bns_export import bns_export
from ingest.parsers.taldau_json import taldau_json
from ingest.regions import RegionResolver
from ingest.registry import load_registry
from tests.download.fakes import (
    HEADER,
    bns_export_rows,
    bns_region_names,
    taldau_answer,
    tsv_quoted,
)

NAM = "Сальдо миграции по всем потокам(Человек)"


def write(tmp_path: Path, name: str, body: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


def test_real_quoting_every_field_quoted_tab_separated_bom(tmp_path, bns_6567):
    assert bns_6567.startswith(b'\xef\xbb\xbf"NAM"\t"DAT"\t"PERIOD"\t"')
    cells = list(bns_export(write(tmp_path, "a.csv", bns_6567), {"breakdowns": "totals"}))
    first = cells[0]
    assert (first.measure_as_written, first.region_as_written, first.period, first.raw_value) == (
        NAM, "РЕСПУБЛИКА КАЗАХСТАН", "2023", "9 293",
    )  # fmt: skip
    assert first.row_number == 2 and first.column_name == "VAL"
    levels = {c.region_as_written: c.territory_level for c in cells}
    assert levels["АККОЛЬСКИЙ РАЙОН"] == levels["КОСШЫ Г.А."] == "district"
    assert levels["Г.АСТАНА"] is None and levels["ОБЛАСТЬ АБАЙ"] is None


def test_breakdown_rows_never_collapse_into_one_measure(tmp_path, bns_6567):
    cells = list(bns_export(write(tmp_path, "a.csv", bns_6567), {}))  # default: label
    keys = [(c.measure_as_written, c.region_as_written, c.period) for c in cells]
    assert len(keys) == len(set(keys))
    labels = {c.measure_as_written for c in cells}
    assert labels == {
        f"{NAM} | СПТМ (по каталогу): Всего; СП: Всего",
        f"{NAM} | СПТМ (по каталогу): Всего; СП: Мужчины",
    }


def test_totals_mode_keeps_only_total_rows(tmp_path, bns_6567):
    every = list(bns_export(write(tmp_path, "a.csv", bns_6567), {}))
    totals = list(bns_export(write(tmp_path, "a.csv", bns_6567), {"breakdowns": "totals"}))
    assert len(every) - len(totals) == 2 * 20  # the `СП: Мужчины` row of each region and year
    assert all(c.raw_value != "x" for c in totals if c.territory_level != "district")


def test_export_without_breakdowns_keeps_nam_as_the_indicator(tmp_path, public_copies):
    rows = [r[:5] + r[-1:] for r in bns_export_rows(public_copies, "6567") if r[7] != "Мужчины"]
    assert rows[0] == ["NAM", "DAT", "PERIOD", "КАТО(по каталогу)", "LКАТО(по каталогу)", "VAL"]
    cells = list(bns_export(write(tmp_path, "a.csv", tsv_quoted(rows)), {}))
    assert {c.measure_as_written for c in cells} == {NAM}


def test_a_breakdown_without_a_total_fails_in_totals_mode(tmp_path):
    rows = [HEADER, [NAM, "2023 год", "202312", "Г.АСТАНА", "0", "Всего", "0", "Мужчины", "0", "1"]]
    path = write(tmp_path, "a.csv", tsv_quoted(rows))
    with pytest.raises(LayoutDriftError, match="'СП' holds no total"):
        list(bns_export(path, {"breakdowns": "totals"}))


def test_single_indicator(tmp_path):
    rows = [HEADER[:5] + ["VAL"], [NAM, "2023 год", "202312", "Г.АСТАНА", "0", "1"],
            ["Другой показатель", "2023 год", "202312", "Г.АСТАНА", "0", "2"]]  # fmt: skip
    path = write(tmp_path, "a.csv", tsv_quoted(rows))
    assert len(list(bns_export(path, {}))) == 2
    with pytest.raises(LayoutDriftError, match="one indicator"):
        list(bns_export(path, {"single_indicator": True}))


def test_dat_must_agree_with_period(tmp_path):
    """A quarterly table registered as annual would fold four quarters into one year."""
    rows = [HEADER[:5] + ["VAL"], [NAM, "1 квартал 2023 г.", "202303", "Г.АСТАНА", "0", "1"]]
    path = write(tmp_path, "a.csv", tsv_quoted(rows))
    with pytest.raises(LayoutDriftError, match="period_type"):
        list(bns_export(path, {"period_type": "year"}))
    (cell,) = bns_export(path, {"period_type": "quarter"})
    assert cell.period == "2023-Q1"


def test_kazakh_header(tmp_path):
    header = ["NAM", "DAT", "PERIOD", "ӘАОЖ(каталог бойынша)", "LӘАОЖ(каталог бойынша)", "VAL"]
    rows = [header, [NAM, "2023 год", "202312", "АСТАНА ҚАЛАСЫ", "0", "51 539"]]
    (cell,) = bns_export(write(tmp_path, "a.csv", tsv_quoted(rows)), {})
    assert (cell.region_as_written, cell.raw_value) == ("АСТАНА ҚАЛАСЫ", "51 539")


def test_taldau_json_cells(tmp_path, taldau_704447):
    cells = list(taldau_json(write(tmp_path, "t.json", taldau_704447),
                             {"measure_as_written": "Taldau 704447"}))  # fmt: skip
    first = cells[0]
    assert (first.region_as_written, first.period_as_written, first.period, first.raw_value) == (
        "КЫЗЫЛОРДИНСКАЯ ОБЛАСТЬ", "2000 год", "2000", "4678",
    )  # fmt: skip
    assert first.column_name == "[0].periods[0].value" and first.measure_as_written == (
        "Taldau 704447"
    )


@pytest.mark.parametrize(
    "period, reason",
    [
        ({"name": "2004 год", "date": "30.06.2004", "value": "1"}, "31.12.YYYY"),
        ({"name": "2005 год", "date": "31.12.2004", "value": "1"}, "does not say the year"),
        ({"name": "I квартал 2004 года", "date": "31.12.2004", "value": "1"}, "does not say"),
    ],
)
def test_taldau_period_checks(tmp_path, period, reason):
    doc = [{"terms": [741880], "termNames": ["РЕСПУБЛИКА КАЗАХСТАН"], "periods": [period]}]
    path = write(tmp_path, "t.json", json.dumps(doc, ensure_ascii=False).encode())
    with pytest.raises(LayoutDriftError, match=reason):
        list(taldau_json(path, {"measure_as_written": "Taldau 704447"}))


def test_taldau_confidential_x_lands_as_null_with_a_flag(tmp_path, public_copies):
    doc = taldau_answer(public_copies)
    doc[0]["periods"][0]["value"] = "x"  # a confidential cell, as Taldau marks it
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    write(raw_dir, "taldau_704447_per_capita_income.json", json.dumps(doc).encode())
    entries = [e for e in load_registry() if e.id == "download_taldau_704447"]
    con = raw_store.connect(":memory:")
    (result,) = land_originals(con, entries, raw_dir)
    assert result.status == "loaded", result
    row = con.execute(
        "select region_code, period, value, value_text, value_flag from raw.observations "
        "where row_number = 1"
    ).fetchall()
    assert row == [("430000000", "2000", None, "x", "symbol_confidential")]


@pytest.mark.parametrize("naming", ["current", "historical"])
def test_upper_case_russian_names_of_bns_exports_resolve(naming):
    resolver = RegionResolver()
    names = {**bns_region_names(), "000000000": "РЕСПУБЛИКА КАЗАХСТАН"}
    for code, name in names.items():
        assert resolver.resolve(name, year=2024, naming=naming, source_id="x") == code, name
    older = {"Г.НУР-СУЛТАН": "710000000", "ЮЖНО-КАЗАХСТАНСКАЯ ОБЛАСТЬ": "510000000"}
    for name, code in older.items():
        assert resolver.resolve(name, year=2017, naming=naming, source_id="x") == code, name
