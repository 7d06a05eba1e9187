"""Every parser on the real public copies: spot-check cells against the published figures."""

from __future__ import annotations

import duckdb
import pytest

from ingest import raw_store
from ingest.loader import land_originals
from ingest.registry import load_registry


@pytest.fixture(scope="module")
def landed(public_copies):
    con = raw_store.connect(":memory:")
    results = land_originals(con, load_registry(origin="public_copy"), public_copies)
    yield con, results
    con.close()


def one(con: duckdb.DuckDBPyConnection, sql: str, *params):
    rows = con.execute(sql, list(params)).fetchall()
    assert len(rows) == 1, (sql, params, rows)
    return rows[0]


def cell(con, source_id, region_code, period, measure=None):
    sql = (
        "select value, value_text, value_flag, region_as_written, sheet, row_number, column_name "
        "from raw.observations where source_id = ? and region_code = ? and period = ?"
    )
    params = [source_id, region_code, period]
    if measure:
        sql += " and measure = ?"
        params.append(measure)
    return one(con, sql, *params)


def test_every_registered_file_lands(landed):
    _, results = landed
    assert {r.status for r in results} == {"loaded"}, [r for r in results if r.status != "loaded"]
    assert len(results) == 19


def test_od_flows_csv(landed):
    con, _ = landed
    row = one(con, "select origin_code, destination_code, value, row_number, period, flow_scope "
                   "from raw.od_flows where row_number = 2")  # fmt: skip
    assert row == ("190000000", "750000000", 36729.0, 2, "2025", "interregional")
    assert one(con, "select count(*) from raw.od_flows")[0] == 3040
    # 20 x 19 ordered pairs per year, 8 years
    assert (
        one(con, "select count(distinct (origin_code, destination_code)) from raw.od_flows")[0]
        == 380
    )


def test_internal_migration_csv(landed):
    con, _ = landed
    value, *_ = cell(con, "kanat_internal_migration", "710000000", "2022", "arrivals")
    assert value == 143183
    value, *_ = cell(con, "kanat_internal_migration", "190000000", "2022", "net_migration")
    assert value == 898
    jan = cell(con, "kanat_internal_migration", "100000000", "2024-01", "departures")
    assert jan[0] == 3569 and jan[5] == 2


def test_indicator_panel_xlsx(landed):
    con, _ = landed
    value, text, _, region, sheet, row, column = cell(
        con, "xuzzu_region_panel", "110000000", "2015", "net_migration"
    )
    assert (value, text, region, sheet, row, column) == (
        2609.0, "2609", "Акмолинская", "Лист1", 5, "E: 2015",
    )  # fmt: skip
    # historical naming: `Туркестанская` in 2015 is South Kazakhstan
    assert cell(con, "xuzzu_region_panel", "510000000", "2015", "net_migration")[0] == -13907
    # indicators the registry does not map are landed as published, measure null
    assert one(con, "select count(*) from raw.observations where source_id = 'xuzzu_region_panel' "
                    "and measure is null")[0] > 0  # fmt: skip


def test_text_numbers_with_spaces(landed):
    con, _ = landed
    value, text, flag, region, *_ = cell(con, "camomile_migration", "000000000", "2019")
    assert (value, text, flag, region) == (-32970.0, "-32 970", None, "Республика Казахстан")
    value, text, *_ = cell(con, "employment_applicants_xlsx", "000000000", "2001")
    assert (value, text) == (332720.0, "332 720")


def test_kato_json(landed):
    con, _ = landed
    value, _, _, region, sheet, _, column = cell(
        con, "kazdata_migration_balance", "710000000", "2023"
    )
    assert (value, region, sheet, column) == (51539.0, "710000000", None, "values.2023.710000000")
    assert cell(con, "kazdata_unemployment_rate", "100000000", "2023-Q1")[0] == 4.8


def test_bns_dynamic_table_grp_with_cumulative_quarters(landed):
    con, _ = landed
    tenge = cell(con, "bns_grp_per_capita_xlsx", "230000000", "2022", "grp_per_capita")
    assert tenge[0] == 19974.1 and tenge[4] == "тыс.тенге"
    usd = cell(con, "bns_grp_per_capita_xlsx", "230000000", "2022", "grp_per_capita_usd")
    assert usd[4] == "в долларах США"
    nine_months = cell(con, "bns_grp_per_capita_xlsx", "230000000", "2022-9M", "grp_per_capita")
    assert nine_months[0] == 13145.0
    # `Туркестанская2)` (footnote mark glued on) is KATO 61 in this file
    assert cell(con, "bns_grp_per_capita_xlsx", "610000000", "2022", "grp_per_capita")[0] == 1671.8
    assert cell(con, "bns_grp_per_capita_xlsx", "510000000", "2015", "grp_per_capita")[0] == 891.1


def test_bns_dynamic_table_unemployment_two_header_rows(landed):
    con, _ = landed
    value, _, flag, region, sheet, row, column = cell(
        con, "bns_unemployment_xlsx", "000000000", "2001"
    )
    assert (value, region, sheet, row) == (10.4, "Republic of Kazakhstan", "Regions_quarter", 6)
    assert column.startswith("F: 2001")
    assert cell(con, "bns_unemployment_xlsx", "000000000", "2001-Q1")[0] == 12.7
    dash = cell(con, "bns_unemployment_xlsx", "100000000", "2001")
    assert dash[0] is None and dash[2] == "symbol_dash"


def test_legacy_xls_doctors(landed):
    con, _ = landed
    value, _, _, region, sheet, row, _ = cell(con, "bns_doctors_xls", "000000000", "2015")
    assert (value, region, sheet, row) == (69722.0, "Республика Казахстан", "Численность врачей", 6)
    # `Туркестанская**`: footnote says 2003-2017 are South Kazakhstan's figures
    assert cell(con, "bns_doctors_xls", "510000000", "2015")[3] == "Туркестанская**"
    assert cell(con, "bns_doctors_xls", "610000000", "2018")[3] == "Туркестанская**"


def test_taldau_flat_csv_and_bns_export_parquet_agree(landed):
    con, _ = landed
    taldau = cell(con, "taldau_income_704447", "430000000", "2006")
    export = cell(con, "bns_income_48510", "430000000", "2006")
    assert taldau[0] == export[0] == 14602.0
    assert export[1] == "14 602"
    quarterly = cell(con, "bns_income_48953", "430000000", "2015-Q3")
    assert (quarterly[0], quarterly[1]) == (49884.0, "49 884")


def test_lineage_on_every_row(landed):
    con, _ = landed
    for table in ("observations", "od_flows"):
        nulls = one(con, f"select count(*) from raw.{table} where source_file is null "
                         "or file_sha256 is null or row_number is null or load_id is null "
                         "or loaded_at is null or column_name is null")[0]  # fmt: skip
        assert nulls == 0
    assert one(con, "select count(*) from raw.load_manifest where status = 'loaded'")[0] == 19
