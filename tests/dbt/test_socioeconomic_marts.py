"""marts.fct_socioeconomic_scores, fct_region_scorecard and data_quality_issues against figures
computed by hand from the real public files (../shared/data/public-copies)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

BANDS = [  # (lower inclusive, upper exclusive, class, points, points if higher is worse)
    (float("-inf"), 70, "very low", -2.0, 2.0),
    (70, 95, "low", -1.0, 1.0),
    (95, 105, "medium", 0.5, 0.5),
    (105, 150, "high", 1.0, -1.0),
    (150, float("inf"), "very high", 2.0, -2.0),
]


def band(pct: float, higher_is_worse: bool = False) -> tuple[str, float]:
    for low, high, name, points, reversed_points in BANDS:
        if low <= round(pct, 6) < high:
            return name, reversed_points if higher_is_worse else points
    raise AssertionError(pct)


@pytest.fixture(scope="module")
def mart(sample_build):
    con = duckdb.connect(str(sample_build.build_db), read_only=True)
    yield con
    con.close()


def score_row(con, region_code: str, year: int, indicator_code: str) -> dict:
    cur = con.execute(
        "select * from marts.fct_socioeconomic_scores "
        "where region_code = ? and year = ? and indicator_code = ?",
        [region_code, year, indicator_code],
    )
    rows = cur.fetchall()
    assert len(rows) == 1, (region_code, year, indicator_code, rows)
    return dict(zip([d[0] for d in cur.description], rows[0], strict=True))


def sheet_rows(path: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def row_starting(rows: list[tuple], name: str) -> tuple:
    matches = [r for r in rows if isinstance(r[0], str) and r[0].strip().startswith(name)]
    assert len(matches) == 1, (name, matches)
    return matches[0]


# --- GRP per capita: the BNS dynamic table, sheet «тыс.тенге», column «2022 год» ----------------


def test_grp_per_capita_atyrau_2022_against_the_republic(mart, public_copies):
    rows = sheet_rows(
        public_copies
        / "open-data-kazakhstan__city-gdp-per-capita"
        / "6. ВРП на душу населения.xlsx",
        "тыс.тенге",
    )
    header = rows[2]
    col = [i for i, h in enumerate(header) if isinstance(h, str) and h.strip() == "2022 год"]
    assert len(col) == 1
    atyrau = row_starting(rows, "Атырауская")[col[0]]
    republic = row_starting(rows, "Республика Казахстан")[col[0]]
    assert (atyrau, republic) == (19974.1, 5284.7)

    row = score_row(mart, "230000000", 2022, "grp_per_capita")
    pct = 100 * atyrau / republic  # 377.96 %: nearly four times the national level
    assert row["value"] == pytest.approx(atyrau)
    assert row["national_average"] == pytest.approx(republic)
    assert row["national_average_method"] == "republic_published"
    assert row["pct_of_national_average"] == pytest.approx(pct)
    assert (row["score_class"], row["score_points"]) == band(pct) == ("very high", 2.0)
    assert row["source_id"] == "bns_grp_per_capita_xlsx"
    assert row["region_frame"] == "kz20"
    assert row["lineage_observation_ids"], "every score traces back to raw rows"


def test_turkestan_grp_2022_is_very_low(mart, public_copies):
    rows = sheet_rows(
        public_copies
        / "open-data-kazakhstan__city-gdp-per-capita"
        / "6. ВРП на душу населения.xlsx",
        "тыс.тенге",
    )
    col = [i for i, h in enumerate(rows[2]) if isinstance(h, str) and h.strip() == "2022 год"][0]
    turkestan = row_starting(rows, "Туркестанская")[col]
    republic = row_starting(rows, "Республика Казахстан")[col]
    row = score_row(mart, "610000000", 2022, "grp_per_capita")
    assert row["value"] == pytest.approx(turkestan)
    assert (row["score_class"], row["score_points"]) == band(100 * turkestan / republic)
    assert row["score_class"] == "very low"


# --- doctors per 10,000: doctors (BNS .xls) / mean of 1 January populations (BNS 6584) ----------


def test_doctors_per_10k_almaty_city_2022(mart, public_copies):
    xls = CalamineWorkbook.from_path(
        str(
            public_copies
            / "open-data-kazakhstan__doctors-by-region"
            / "Численность врачей всех специальностей.xls"
        )
    )
    rows = xls.get_sheet_by_index(0).to_python()
    col = rows[3].index(2022.0)
    doctors_almaty = row_starting(rows, "город Алматы")[col]
    doctors_republic = row_starting(rows, "Республика Казахстан")[col]
    assert (doctors_almaty, doctors_republic) == (13859.0, 79409.0)

    population = json.loads(
        (public_copies / "armanbostybayev-maker__kaz-Data" / "population.json").read_text()
    )["values"]
    # 2022 is the average of the stocks at 1 January 2022 and 1 January 2023 (same kz20 borders)
    almaty_avg = (population["2022"]["750000000"] + population["2023"]["750000000"]) / 2
    # the Republic population: table 6584 has no Republic row; Camomile's population.xlsx has it
    camomile = sheet_rows(
        public_copies / "Camomile2552__data-challenge-predictive-model" / "population.xlsx",
        "Sheet1",
    )
    years = list(camomile[0])
    republic_row = row_starting(camomile, "Республика Казахстан")
    republic_avg = (republic_row[years.index(2022)] + republic_row[years.index(2023)]) / 2

    expected = doctors_almaty / almaty_avg * 10_000  # 65.0 per 10,000
    national = doctors_republic / republic_avg * 10_000  # 40.4 per 10,000
    row = score_row(mart, "750000000", 2022, "doctors_per_10k")
    assert row["measure_value"] == doctors_almaty
    assert row["population"] == pytest.approx(almaty_avg)
    assert row["population_measure"] == "annual_average_from_1_january_stocks"
    assert row["value"] == pytest.approx(expected)
    assert row["national_average"] == pytest.approx(national)
    assert row["national_average_method"] == "republic_totals_per_population"
    assert (row["score_class"], row["score_points"]) == band(100 * expected / national)
    assert row["score_class"] == "very high"


# --- unemployment: higher is worse, the points are mirrored --------------------------------------


def unemployment_2022(public_copies, name: str) -> float:
    rows = sheet_rows(
        public_copies / "open-data-kazakhstan__city-unemployment-rate" / "unemploymentRate.xlsx",
        "Regions_quarter",
    )
    years, subperiods = rows[3], rows[4]
    start = years.index(2022)
    col = start + list(subperiods[start:]).index("year")
    return row_starting(rows, name)[col]


def test_unemployment_polarity_is_reversed(mart, public_copies):
    republic = unemployment_2022(public_copies, "Republic of Kazakhstan")
    turkestan = unemployment_2022(public_copies, "Turkestanskaya")
    astana = unemployment_2022(public_copies, "Astana city")
    assert (republic, turkestan, astana) == (4.9, 5.2, 4.6)

    worse = score_row(mart, "610000000", 2022, "unemployment_rate")
    assert worse["polarity"] == "higher_is_worse"
    assert worse["pct_of_national_average"] == pytest.approx(100 * turkestan / republic)  # 106 %
    assert worse["score_class"] == "high"
    assert worse["score_points"] == -1.0 == band(100 * turkestan / republic, True)[1]

    better = score_row(mart, "710000000", 2022, "unemployment_rate")
    assert better["score_class"] == "low"  # 93.9 % of the national rate
    assert better["score_points"] == 1.0 == band(100 * astana / republic, True)[1]


# --- frames, fallbacks, quality ------------------------------------------------------------------


def test_each_year_is_scored_in_its_own_frame(mart):
    frames = dict(
        mart.execute(
            "select year, list(distinct region_frame) from marts.fct_socioeconomic_scores "
            "group by year"
        ).fetchall()
    )
    assert all(frames[y] == ["kz16"] for y in (2015, 2016, 2017))
    assert all(frames[y] == ["kz17"] for y in range(2018, 2022))
    assert all(frames[y] == ["kz20"] for y in frames if y >= 2022)
    units = {
        y: set(codes)
        for y, codes in mart.execute(
            "select year, list(distinct region_code) from marts.fct_socioeconomic_scores "
            "group by year"
        ).fetchall()
    }
    assert "510000000" in units[2017] and "610000000" not in units[2017]
    assert "790000000" not in units[2017] and "790000000" in units[2018]
    assert "100000000" not in units[2021] and "100000000" in units[2022]


def test_placeholder_and_implausible_zeros_are_never_scored(mart, public_copies):
    # xuzzu's wage of Karaganda and Ulytau 2023 is 0 in the workbook: missing, not scored, reported
    assert mart.execute(
        "select count(*) from marts.fct_socioeconomic_scores where value = 0"
    ).fetchone() == (0,)
    rows = sheet_rows(public_copies / "xuzzu__datathon-case" / "everything.xlsx", "Лист1")
    header = list(rows[0])
    karaganda_2023 = [
        r[header.index(2023)]
        for r in rows
        if r[header.index("Область")] == "Карагандинская"
        and r[header.index("Показатель")] == "Зарплата"
    ]
    assert karaganda_2023 == [0]
    assert mart.execute(
        "select count(*) from marts.fct_socioeconomic_scores "
        "where region_code = '350000000' and year = 2023 and indicator_code = 'avg_monthly_wage'"
    ).fetchone() == (0,)
    issues = mart.execute(
        "select severity from marts.data_quality_issues where check_name = "
        "'indicator_implausible_zero' and region_code = '350000000' and year = 2023"
    ).fetchall()
    assert issues == [("warn",)]


def test_fallback_national_average_where_no_republic_figure(mart):
    # the kaz-Data GRP JSON has no Republic row: 2023 falls back to the population-weighted mean
    row = score_row(mart, "230000000", 2023, "grp_per_capita")
    assert row["source_id"] == "kazdata_grp_per_capita"
    assert row["quality_flag"] == "lower_precedence_source"
    assert row["national_average_method"] == "population_weighted_mean_of_regions"
    regions = mart.execute(
        "select sum(s.value * p.population_for_rates) / sum(p.population_for_rates) "
        "from marts.fct_socioeconomic_scores s join intermediate.int_population__annual p "
        "using (region_code, year) where s.indicator_code = 'grp_per_capita' and s.year = 2023"
    ).fetchone()[0]
    assert row["national_average"] == pytest.approx(regions)


def test_grp_json_scale_error_is_reported(mart, public_copies):
    data = json.loads(
        (public_copies / "armanbostybayev-maker__kaz-Data" / "grp_per_capita.json").read_text()
    )["values"]
    assert data["2000"]["190000000"] == 80100.0 and data["2001"]["190000000"] == 102.1
    issue = mart.execute(
        "select severity, value_a, value_b, year from marts.data_quality_issues "
        "where check_name = 'indicator_yoy_outlier' and source_a = 'kazdata_grp_per_capita' "
        "and region_code = '190000000'"
    ).fetchall()
    assert issue == [("warn", 80100.0, 102.1, 2001)]


def test_source_disagreement_flags_the_score_row(mart):
    # Shymkent GRP per capita 2018: xlsx 2217.1 vs JSON 2214.3 (0.13 %, beyond the 0.1 % tolerance)
    issue = mart.execute(
        "select source_a, value_a, source_b, value_b from marts.data_quality_issues "
        "where check_name = 'indicator_sources_disagree' and measure = 'grp_per_capita' "
        "and region_code = '790000000' and year = 2018"
    ).fetchall()
    assert issue == [("bns_grp_per_capita_xlsx", 2217.1, "kazdata_grp_per_capita", 2214.3)]
    assert (
        score_row(mart, "790000000", 2018, "grp_per_capita")["quality_flag"] == "sources_disagree"
    )


def test_scorecard_sums_the_scores_and_names_its_scopes(mart):
    mismatches = mart.execute(
        "select count(*) from marts.fct_region_scorecard c join ("
        "  select region_code, year, sum(score_points) p, count(*) n"
        "  from marts.fct_socioeconomic_scores group by all) s using (region_code, year) "
        "where c.total_score_points <> s.p or c.indicators_scored <> s.n"
    ).fetchone()
    assert mismatches == (0,)
    scopes = mart.execute(
        "select distinct attractiveness_flow_scope, net_migration_flow_scope "
        "from marts.fct_region_scorecard where year = 2020"
    ).fetchall()
    assert scopes == [("interregional", "total")]
    frames = mart.execute(
        "select count(*) from marts.fct_region_scorecard where "
        "attractiveness_region_frame <> region_frame or net_migration_region_frame <> region_frame"
    ).fetchone()
    assert frames == (0,)


def test_data_quality_issue_ids_are_stable_and_unique(mart):
    total, distinct = mart.execute(
        "select count(*), count(distinct issue_id) from marts.data_quality_issues"
    ).fetchone()
    assert total == distinct > 0
