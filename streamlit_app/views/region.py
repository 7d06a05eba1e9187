"""Region profile: time series against the national figure, score breakdown, quality flags."""

import streamlit as st

from streamlit_app import i18n, ui
from streamlit_app.charts import common
from streamlit_app.charts import region as charts

lang = ui.lang()
st.title(ui.t("page_region"))

T = ui.tables(
    "dim_region",
    "region_frame_map",
    "fct_migration_balance",
    "fct_migration_attractiveness",
    "fct_socioeconomic_scores",
    "fct_region_scorecard",
)
issues = ui.optional_table("data_quality_issues")
names = common.region_names(T["dim_region"], lang)
balance = T["fct_migration_balance"]
attractiveness = T["fct_migration_attractiveness"]
scores = T["fct_socioeconomic_scores"]

c1, c2, c3 = st.columns(3)
frames = common.available_frames(T["region_frame_map"])
frame = ui.choose(
    "region", "frame", ui.t("region_frame"), frames,
    format_func=lambda f: i18n.frame_label(f, lang), default="kz20", container=c1,
)  # fmt: skip
units = sorted(common.frame_units(T["region_frame_map"], frame), key=lambda c: names.get(c, c))
region = ui.choose(
    "region", "region", ui.t("region"), units,
    format_func=lambda c: names.get(c, c), container=c2,
)  # fmt: skip
here = balance[(balance["region_code"] == region) & (balance["region_frame"] == frame)]
scopes = common.ordered_scopes(here["flow_scope"].unique()) or common.ordered_scopes(
    balance["flow_scope"].unique()
)
scope = ui.choose(
    "region", "scope", ui.t("flow_scope"), scopes,
    format_func=lambda s: i18n.scope_label(s, lang), default="interregional", container=c3,
)  # fmt: skip

st.header(f"{names.get(region, region)} · {region}")

# Migration series --------------------------------------------------------------------------
st.subheader(ui.t("profile_series"))
st.caption(
    f"{i18n.scope_label(scope, lang)} · {i18n.frame_label(frame, lang)}. "
    + ui.t("profile_national_note")
)
series = charts.profile_series(balance, attractiveness, region, scope, frame)
region_name = names.get(region, region)
if series.empty:
    st.info(ui.t("no_data"))
else:
    present = [m for m in charts.PROFILE_MEASURES if m in set(series["measure"])]
    ui.figure(
        charts.series_grid_figure(
            series.rename(columns={"measure": "panel"}),
            [(m, ui.t(m)) for m in present],
            (region_name, ui.t("national")),
        ),
        "profile-series",
    )
    with st.expander(ui.t("download")):
        ui.show_table(series, f"profile_{region}_{scope}_{frame}")

# Indicators ----------------------------------------------------------------------------------
indicators = charts.indicator_series(scores, region)
if not indicators.empty:
    st.subheader(ui.t("profile_indicators"))
    codes = common.indicator_order(indicators["indicator_code"])
    units = indicators.dropna(subset=["unit"]).drop_duplicates("indicator_code")
    unit_of = dict(zip(units["indicator_code"], units["unit"], strict=True))
    ui.figure(
        charts.series_grid_figure(
            charts.indicator_long(indicators),
            [(c, f"{i18n.indicator_label(c, lang)} ({unit_of.get(c, '')})") for c in codes],
            (region_name, ui.t("national_average")),
        ),
        "profile-indicators",
    )
    with st.expander(ui.t("download")):
        ui.show_table(indicators, f"indicators_{region}")

# Score breakdown -----------------------------------------------------------------------------
st.subheader(ui.t("score_breakdown"))
years = sorted({int(y) for y in scores.loc[scores["region_code"] == region, "year"]}, reverse=True)
if years:
    c1, _ = st.columns([1, 4])
    year = ui.choose("region", "score_year", ui.t("year"), years, container=c1)
    breakdown, total = charts.score_breakdown(scores, T["fct_region_scorecard"], region, year, lang)
    if total is not None:
        st.metric(ui.t("total_score_points"), f"{total:+g}")
    if not breakdown.empty:
        ui.figure(charts.breakdown_figure(breakdown, lang), "breakdown")
    ui.show_table(breakdown, f"score_breakdown_{region}_{year}")
else:
    st.info(ui.t("no_data"))

# Quality flags -------------------------------------------------------------------------------
st.subheader(ui.t("quality_flags"))
flags = charts.region_flags(T, region)
region_issues = charts.region_issues(issues, region) if issues is not None else None
if flags.empty and (region_issues is None or region_issues.empty):
    st.success(ui.t("no_flags"))
if region_issues is not None and not region_issues.empty:
    st.markdown(f"**{ui.t('issues_for_region')}**")
    ui.show_table(region_issues, f"quality_issues_{region}")
if not flags.empty:
    st.markdown(f"**{ui.t('flagged_rows')}**")
    ui.show_table(flags, f"quality_flags_{region}")
