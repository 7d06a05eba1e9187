"""The Drivers page on the fixture warehouse (its drivers marts computed by analysis/ from the
fixture's other marts): every chart, the generated reading and the tables, in three languages."""

from __future__ import annotations

import pytest

from tests.app.conftest import assert_clean, chart, charts, open_page, sql, texts

DRIVERS_CHARTS = ("drivers-coefficients", "drivers-distance-decay", "drivers-indices")


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_drivers_page_draws_every_chart_in_every_language(warehouse, lang):
    at = open_page("drivers", lang)
    found = charts(at)
    for key in DRIVERS_CHARTS:
        assert key in found, sorted(found)
    scatters = [k for k in found if k.startswith("drivers-scatter-")]
    year = at.selectbox(key=f"drivers:year:{lang}").value
    indicators = sql(
        warehouse,
        "select distinct indicator_code from marts.fct_socioeconomic_scores where year = ?",
        [year],
    )
    assert len(scatters) == len(indicators) > 0
    text = texts(at)
    caution = {"en": "association, not causation", "ru": "связь, а не причинность",
               "kk": "себеп-салдар емес, байланыс"}[lang]  # fmt: skip
    assert caution in text.lower()
    assert len(at.dataframe) == 7  # every table, each with its CSV and Excel download
    assert len([b for b in at.get("download_button")]) == 14


def test_coefficient_plot_and_reading_come_from_the_estimates(warehouse):
    at = open_page("drivers", "en")
    assert_clean(at)
    estimates = sql(
        warehouse,
        "select term, estimate, ci_low_95, ci_high_95 from marts.fct_gravity_estimates "
        "where model_id = 'gravity_ppml_push_pull'",
    ).set_index("term")
    figure = chart(at, "drivers-coefficients")
    plotted = sorted(x for trace in figure["data"] for x in trace["x"])
    assert plotted == pytest.approx(sorted(estimates["estimate"]))
    origin = next(t for t in figure["data"] if t["name"] == "Origin")
    upper = origin["error_x"]["array"]
    origin_terms = [t for t in estimates.index if t.endswith("_origin")]
    assert sorted(upper) == pytest.approx(
        sorted(estimates.loc[origin_terms, "ci_high_95"] - estimates.loc[origin_terms, "estimate"])
    )
    reading = texts(at)
    (n_obs,) = sql(
        warehouse,
        "select count(*) from marts.fct_gravity_sample "
        "where model_id = 'gravity_ppml_push_pull' and included",
    ).iloc[0]
    assert f"fitted on {n_obs} region pairs" in reading
    # lag 1 of the first year, and of the years whose previous year is in another frame
    missing = sql(
        warehouse,
        "select distinct year from marts.fct_gravity_sample where model_id = "
        "'gravity_ppml_push_pull' and exclusion_reason = 'no_indicator_data' order by year",
    )["year"].tolist()
    assert missing == [2015, 2018, 2022]
    assert "no indicators for the previous year (2015, 2018, 2022)" in reading


def test_scatter_title_carries_the_spearman_rho_of_the_mart(warehouse):
    at = open_page("drivers", "en")
    year = at.selectbox(key="drivers:year:en").value
    figure = chart(at, "drivers-scatter-grp_per_capita")
    rho = sql(
        warehouse,
        "select spearman_rho from marts.fct_indicator_migration_association where year = ? "
        "and indicator_code = 'grp_per_capita' and migration_measure = 'net_migration_per_1000' "
        "and flow_scope = 'interregional' and lag_years = 0 "
        "and region_frame = (select any_value(region_frame) from marts.fct_socioeconomic_scores "
        "where year = ?)",
        [year, year],
    ).iloc[0, 0]
    assert figure["layout"]["title"]["text"].endswith(f"ρ = {rho:.2f}")
    assert len(figure["data"][0]["text"]) >= 14  # one labelled point per region
    decay = chart(at, "drivers-distance-decay")
    assert decay["layout"]["xaxis"]["type"] == "log" and decay["layout"]["yaxis"]["type"] == "log"
