"""The Paper figures page opens with the paper's statements and their verdicts."""

from __future__ import annotations

import pytest

from streamlit_app import i18n
from streamlit_app.i18n_paper import VERDICT_COLOURS
from tests.app.conftest import assert_clean, open_page, sql, widget


def test_claims_panel_comes_first_with_every_verdict(any_warehouse):
    claims = sql(any_warehouse, "select claim_id, verdict from marts.paper_claims order by 1")
    at = open_page("figures")
    assert_clean(at)
    # the first header of the page is the claims panel, before the three figures
    assert at.header[0].value == i18n.t("claims_title", "en")
    # st.badge is markdown ":<colour>-badge[<label>]": one coloured badge per claim, in order
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    expected = [
        f":{VERDICT_COLOURS[v]}-badge[{i18n.t(f'verdict_{v}', 'en')}]" for v in claims["verdict"]
    ]
    assert badges == expected
    evidence = [x.label for x in at.expander]
    assert evidence[: len(claims)] == [f"Evidence: {c}" for c in claims["claim_id"]]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_claims_panel_in_other_languages(warehouse, lang):
    at = open_page("figures", lang=lang)
    assert_clean(at)
    assert at.header[0].value == i18n.t("claims_title", lang)
    assert "В 2022 году только Алматинская область" in " ".join(m.value for m in at.markdown)


def test_overview_defaults_to_the_latest_year_a_second_source_confirms(
    published_sample, monkeypatch
):
    """On the real sample, the interregional 2025 rows are single_source_unverified: the
    overview opens on the latest interregional kz20 year that is not."""
    monkeypatch.setenv("KZM_WAREHOUSE_DIR", str(published_sample))
    expected = sql(
        published_sample,
        "select max(year) from marts.fct_migration_balance where flow_scope = 'interregional' "
        "and region_frame = 'kz20' and quality_flag <> 'single_source_unverified'",
    ).iloc[0, 0]
    unverified = sql(
        published_sample,
        "select max(year) from marts.fct_migration_balance where flow_scope = 'interregional' "
        "and region_frame = 'kz20' and quality_flag = 'single_source_unverified'",
    ).iloc[0, 0]
    assert unverified > expected  # the case the default has to skip
    at = open_page("overview")
    assert_clean(at)
    assert widget(at, "selectbox", "overview", "year").value == expected
    assert str(unverified) in widget(at, "selectbox", "overview", "year").options  # selectable
