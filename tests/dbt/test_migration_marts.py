"""The migration marts against figures computed by hand from the real files.

Expected numbers are recomputed here with the csv and json modules from ../shared/data/public-copies
(fixture `public_copies`); region names are resolved with the project's own alias seed. The marts
come from the session's dbt build of the embedded sample (fixture `sample_build`), read-only.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from core.paths import DBT_PROJECT_DIR

OD_FILE = "Diar299__kz-migration/Internal_migration.csv"
KANAT_FILE = "kanatislambekov__internal-migration-flow-kz/internal_migration_{year}.csv"
POPULATION_FILE = "armanbostybayev-maker__kaz-Data/population.json"
TOTAL_BALANCE_FILE = "armanbostybayev-maker__kaz-Data/migration_balance.json"

DISTINCT_FLOW_YEARS = "select distinct year from marts.fct_migration_flows"

TURKESTAN, SHYMKENT, SOUTH_KAZAKHSTAN = "610000000", "790000000", "510000000"
EAST_KAZAKHSTAN, ABAI = "630000000", "100000000"
ALMATY_REGION, ZHETISU = "190000000", "330000000"
ASTANA = "710000000"


# --- the real files, read by hand -------------------------------------------------------------


def region_codes() -> dict[str, str]:
    """Names as the migration files write them -> KATO, from the project's alias seed
    (names that always mean the same unit: naming 'any' or 'current', no year limit)."""
    codes: dict[str, str] = {}
    with open(DBT_PROJECT_DIR / "seeds" / "region_aliases.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["naming"] in ("any", "current") and not row["year_to"]:
                codes[row["alias"]] = row["region_code"]
    return codes


@pytest.fixture(scope="module")
def od_flows(public_copies: Path) -> dict[int, dict[tuple[str, str], float]]:
    """year -> (origin, destination) -> persons, exactly as in the published CSV."""
    codes = region_codes()
    flows: dict[int, dict[tuple[str, str], float]] = defaultdict(dict)
    with open(public_copies / OD_FILE, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (codes[row["region_emmigr"]], codes[row["region_immigr"]])
            flows[int(row["Year"])][key] = float(row["N"])
    return flows


def kanat_annual(public_copies: Path, year: int) -> dict[str, dict[str, float]]:
    """region -> {arrivals, departures, net} of the 'Total' rows, or the sum of the months."""
    codes = region_codes()
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    months: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    with open(public_copies / KANAT_FILE.format(year=year), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            target = totals if row["month"] == "Total" else months
            for measure in ("arrivals", "departures", "net"):
                target[codes[row["region"]]][measure] += float(row[measure])
    return totals or months


def kato_json(public_copies: Path, name: str) -> dict[int, dict[str, float]]:
    data = json.loads((public_copies / name).read_text(encoding="utf-8"))
    return {int(year): values for year, values in data["values"].items()}


def merged_balance(flows: dict[tuple[str, str], float], unit: set[str]) -> tuple[float, float]:
    """Arrivals and departures of a merged unit: flows between its parts do not count."""
    arrivals = sum(n for (o, d), n in flows.items() if d in unit and o not in unit)
    departures = sum(n for (o, d), n in flows.items() if o in unit and d not in unit)
    return arrivals, departures


# --- the marts ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def con(sample_build):
    connection = duckdb.connect(str(sample_build.build_db), read_only=True)
    yield connection
    connection.close()


def scalar(con, sql: str, params: list | None = None):
    return con.execute(sql, params or []).fetchone()[0]


def one_row(con, sql: str, params: list) -> dict:
    cur = con.execute(sql, params)
    rows = cur.fetchall()
    assert len(rows) == 1, (params, rows)
    return dict(zip([d[0] for d in cur.description], rows[0], strict=True))


def balance_row(con, region_code: str, year: int, scope: str, frame: str) -> dict:
    return one_row(
        con,
        "select * from marts.fct_migration_balance where region_code = ? and year = ? "
        "and flow_scope = ? and region_frame = ?",
        [region_code, year, scope, frame],
    )


# --- interregional: 2015 Turkestan (kz20) and South Kazakhstan (kz16) --------------------------


def test_interregional_2015_turkestan_kz20_is_the_published_matrix(con, od_flows):
    flows = od_flows[2015]
    arrivals = sum(n for (o, d), n in flows.items() if d == TURKESTAN)
    departures = sum(n for (o, d), n in flows.items() if o == TURKESTAN)
    row = balance_row(con, TURKESTAN, 2015, "interregional", "kz20")
    assert (row["arrivals"], row["departures"]) == (arrivals, departures)
    assert row["net_migration"] == arrivals - departures
    assert row["migration_efficiency_pct"] == pytest.approx(
        100 * (arrivals - departures) / (arrivals + departures)
    )
    # BNS published 2015 with South Kazakhstan: a 20-unit split of 2015 is never silent
    assert row["quality_flag"] == "reframed_by_publisher"
    # Turkestan without Shymkent has no published population in 2015: no rates, said so
    assert row["population"] is None and row["arrivals_per_1000"] is None
    assert "population not derivable" in row["quality_note"]


def test_interregional_2015_south_kazakhstan_kz16_drops_turkestan_shymkent_flows(con, od_flows):
    flows = od_flows[2015]
    unit = {TURKESTAN, SHYMKENT}
    arrivals, departures = merged_balance(flows, unit)
    inside = flows[(TURKESTAN, SHYMKENT)] + flows[(SHYMKENT, TURKESTAN)]
    assert inside > 0  # the test means something: there are flows to drop
    row = balance_row(con, SOUTH_KAZAKHSTAN, 2015, "interregional", "kz16")
    assert (row["arrivals"], row["departures"]) == (arrivals, departures)
    naive_arrivals = sum(n for (o, d), n in flows.items() if d in unit)
    assert row["arrivals"] == naive_arrivals - inside
    inside_rows = scalar(
        con,
        "select count(*) from marts.fct_migration_flows where year = 2015 "
        "and region_frame = 'kz16' and origin_region_code = destination_region_code",
    )
    assert inside_rows == 0


# --- kz17 merging in 2021: East Kazakhstan + Abai ------------------------------------------------


def test_kz17_2021_east_kazakhstan_merges_abai_and_drops_their_flows(con, od_flows, public_copies):
    flows = od_flows[2021]
    unit = {EAST_KAZAKHSTAN, ABAI}
    arrivals, departures = merged_balance(flows, unit)
    row = balance_row(con, EAST_KAZAKHSTAN, 2021, "interregional", "kz17")
    assert (row["arrivals"], row["departures"]) == (arrivals, departures)
    # 2021 has no internal figure to check the matrix against: unverified outranks the merge
    assert row["quality_flag"] == "single_source_unverified"
    assert "merged_units" in row["quality_note"]
    # the merged flow to Astana is the sum of both parts' flows
    to_astana = con.execute(
        "select persons from marts.fct_migration_flows where year = 2021 and region_frame = 'kz17' "
        "and origin_region_code = ? and destination_region_code = ?",
        [EAST_KAZAKHSTAN, ASTANA],
    ).fetchone()[0]
    assert to_astana == flows[(EAST_KAZAKHSTAN, ASTANA)] + flows[(ABAI, ASTANA)]
    # no Abai in kz17, and no flow inside the merged unit
    abai_or_inside = scalar(
        con,
        "select count(*) from marts.fct_migration_flows where year = 2021 "
        "and region_frame = 'kz17' and (? in (origin_region_code, destination_region_code) "
        "or origin_region_code = destination_region_code)",
        [ABAI],
    )
    assert abai_or_inside == 0
    # kz17 is the frame BNS published 2021 in: rates exist, population = mean of 1 January 2021
    # and 1 January 2022 in the kz17 borders (2022 is published in kz20: East Kazakhstan + Abai)
    population = kato_json(public_copies, POPULATION_FILE)
    average = (
        population[2021][EAST_KAZAKHSTAN]
        + population[2022][EAST_KAZAKHSTAN]
        + population[2022][ABAI]
    ) / 2
    assert row["population"] == pytest.approx(average)
    assert row["population_measure"] == "annual_average_from_1_january_stocks"
    assert row["net_migration_per_1000"] == pytest.approx(1000 * (arrivals - departures) / average)


# --- internal 2022: Almaty region ----------------------------------------------------------------


def test_internal_2022_almaty_region(con, public_copies):
    published = kanat_annual(public_copies, 2022)
    row = balance_row(con, ALMATY_REGION, 2022, "internal", "kz20")
    expected = published[ALMATY_REGION]
    assert (row["arrivals"], row["departures"], row["net_migration"]) == (
        expected["arrivals"],
        expected["departures"],
        expected["net"],
    )
    assert row["source_id"] == "kanat_internal_migration"
    population = kato_json(public_copies, POPULATION_FILE)
    average = (population[2022][ALMATY_REGION] + population[2023][ALMATY_REGION]) / 2
    assert row["population"] == pytest.approx(average)
    assert row["turnover_per_1000"] == pytest.approx(
        1000 * (expected["arrivals"] + expected["departures"]) / average
    )
    # kz17: Almaty region + Zhetisu; net adds up, arrivals and departures do not
    merged = balance_row(con, ALMATY_REGION, 2022, "internal", "kz17")
    assert merged["net_migration"] == expected["net"] + published[ZHETISU]["net"]
    assert merged["arrivals"] is None and merged["departures"] is None


def test_internal_2024_is_the_sum_of_twelve_months_and_flagged(con, public_copies):
    published = kanat_annual(public_copies, 2024)  # no 'Total' rows in 2024: summed months
    row = balance_row(con, ASTANA, 2024, "internal", "kz20")
    assert row["net_migration"] == published[ASTANA]["net"]
    assert "derived_annual_sum_of_months" in row["quality_note"]


# --- total balance, checks, frames --------------------------------------------------------------


def test_total_balance_2023_follows_bns_6567(con, public_copies):
    balance = kato_json(public_copies, TOTAL_BALANCE_FILE)
    for code, value in balance[2023].items():
        row = balance_row(con, code, 2023, "total", "kz20")
        assert row["net_migration"] == value
        assert row["source_id"] == "kazdata_migration_balance"
        assert row["arrivals"] is None and row["departures"] is None


def test_2022_od_matrix_disagrees_with_internal_balance(con, od_flows, public_copies):
    flows = od_flows[2022]
    od_net = sum(n for (o, d), n in flows.items() if d == ASTANA) - sum(
        n for (o, d), n in flows.items() if o == ASTANA
    )
    internal_net = kanat_annual(public_copies, 2022)[ASTANA]["net"]
    assert od_net != internal_net  # the finding: the files disagree (-25,543 vs +33,798)
    check = con.execute(
        "select value_a, value_b, difference from intermediate.int_quality__migration_checks "
        "where check_name = 'interregional_vs_internal_balance' "
        "and region_code = ? and year = 2022",
        [ASTANA],
    ).fetchall()
    assert check == [(od_net, internal_net, od_net - internal_net)]
    for scope in ("interregional", "internal"):
        flag = balance_row(con, ASTANA, 2022, scope, "kz20")["quality_flag"]
        assert flag == "source_disagreement"
    # 2025 has no internal file to disagree with: nothing checks it
    assert (
        balance_row(con, ASTANA, 2025, "interregional", "kz20")["quality_flag"]
        == "single_source_unverified"
    )


def test_interregional_balances_sum_to_zero_and_no_placeholder_zeros(con):
    sums = con.execute(
        "select year, region_frame, sum(net_migration) from marts.fct_migration_balance "
        "where flow_scope = 'interregional' group by all"
    ).fetchall()
    assert sums and all(abs(total) < 1e-9 for _, _, total in sums)
    # Abai did not exist before 2022: xuzzu/camomile zeros must not appear as a total balance
    abai_before_2022 = scalar(
        con,
        "select count(*) from marts.fct_migration_balance "
        "where flow_scope = 'total' and region_code = ? and year < 2022",
        [ABAI],
    )
    assert abai_before_2022 == 0


def test_frames_and_years(con):
    years = {y for (y,) in con.execute(DISTINCT_FLOW_YEARS).fetchall()}
    assert years == {2015, 2020, 2021, 2022, 2023, 2024, 2025}  # 2010 left out (before 2015)
    units = dict(
        con.execute(
            "select region_frame, count(distinct origin_region_code) "
            "from marts.fct_migration_flows group by all"
        ).fetchall()
    )
    assert units == {"kz16": 16, "kz17": 17, "kz20": 20}
    # total balance only in the year's own frame and coarser ones
    finer_frame_totals = scalar(
        con,
        "select count(*) from marts.fct_migration_balance where flow_scope = 'total' and "
        "((region_frame = 'kz20' and year < 2022) or (region_frame = 'kz17' and year < 2018))",
    )
    assert finer_frame_totals == 0


# The lineage recipes of the marts' docs (models/marts/migration/_migration__marts.yml): raw
# cells of the row's source files, year and scope whose ends lie in the row's units of its frame.
RAW_OD_CELLS_IN_FRAME = (
    "select r.source_file, r.row_number, r.value, o.frame_region_code, d.frame_region_code "
    "from raw.od_flows r "
    "join marts.region_frame_map o on o.region_frame = $frame and o.region_code = r.origin_code "
    "join marts.region_frame_map d "
    "on d.region_frame = $frame and d.region_code = r.destination_code "
    "where list_contains($files::varchar[], r.source_file) and r.year = $year "
    "and r.flow_scope = 'interregional' and r.value is not null "
)


def flow_row(con, year: int, frame: str, origin: str, destination: str) -> dict:
    return one_row(
        con,
        "select * from marts.fct_migration_flows where year = ? and region_frame = ? "
        "and origin_region_code = ? and destination_region_code = ?",
        [year, frame, origin, destination],
    )


def test_lineage_leads_back_to_the_published_rows(con, public_copies):
    with open(public_copies / OD_FILE, encoding="utf-8") as f:
        lines = list(csv.reader(f))

    def assert_as_published(cells) -> None:
        assert cells
        for source_file, row_number, value, *_ in cells:
            assert source_file == OD_FILE
            assert float(lines[row_number - 1][3]) == value  # row_number is 1-based, header = 1

    # balances: the cells with exactly one end in the unit (kz16 South Kazakhstan merges
    # Turkestan and Shymkent: the flows between them are not behind its figures)
    for code, frame in ((TURKESTAN, "kz20"), (SOUTH_KAZAKHSTAN, "kz16")):
        row = balance_row(con, code, 2015, "interregional", frame)
        assert row["lineage_od_source_files"] == [OD_FILE]
        cells = con.execute(
            RAW_OD_CELLS_IN_FRAME
            + "and (o.frame_region_code = $unit) <> (d.frame_region_code = $unit)",
            {"frame": frame, "files": row["lineage_od_source_files"], "year": 2015, "unit": code},
        ).fetchall()
        assert sum(v for *_, v, o, d in cells if d == code) == row["arrivals"]
        assert sum(v for *_, v, o, d in cells if o == code) == row["departures"]
        assert len(cells) == row["lineage_od_cells"]
        assert_as_published(cells)
        # the observation ids of an interregional row are the population's only
        population_ids = scalar(
            con,
            "select count(*) from raw.observations where observation_id in "
            "(select unnest(?::varchar[])) and measure like 'population%'",
            [row["lineage_observation_ids"]],
        )
        assert population_ids == len(row["lineage_observation_ids"])
    # internal and total rows carry no origin-destination lineage
    total = balance_row(con, ASTANA, 2023, "total", "kz20")
    assert total["lineage_od_source_files"] is None and total["lineage_od_cells"] is None
    assert total["lineage_observation_ids"]

    # a kz20 flow: the published cells of its own region pair
    flow = flow_row(con, 2023, "kz20", ASTANA, ALMATY_REGION)
    cells = con.execute(
        "select source_file, row_number, value from raw.od_flows "
        "where source_file in (select unnest(?::varchar[])) and year = ? and origin_code = ? "
        "and destination_code = ? and flow_scope = 'interregional' and value is not null",
        [flow["lineage_source_files"], 2023, ASTANA, ALMATY_REGION],
    ).fetchall()
    assert sum(v for *_, v in cells) == flow["persons"]
    assert len(cells) == flow["lineage_raw_cells"] == 1
    assert_as_published(cells)

    # a merged kz17 flow: East Kazakhstan (+ Abai) -> Astana, through the frame map
    flow = flow_row(con, 2021, "kz17", EAST_KAZAKHSTAN, ASTANA)
    cells = con.execute(
        RAW_OD_CELLS_IN_FRAME + "and o.frame_region_code = $origin "
        "and d.frame_region_code = $destination",
        {
            "frame": "kz17",
            "files": flow["lineage_source_files"],
            "year": 2021,
            "origin": EAST_KAZAKHSTAN,
            "destination": ASTANA,
        },
    ).fetchall()
    assert sum(v for *_, v, o, d in cells) == flow["persons"]
    assert len(cells) == flow["lineage_raw_cells"] == 2  # East Kazakhstan's and Abai's
    assert_as_published(cells)
