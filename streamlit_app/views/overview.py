"""Overview: a choropleth of the chosen measure for a year, flow scope and frame, and a ranking."""

import streamlit as st

from streamlit_app import geometry, i18n, ui
from streamlit_app.charts import common
from streamlit_app.charts import overview as charts

lang = ui.lang()
vocab = ui.vocabulary()
st.title(ui.t("page_overview"))
st.caption(ui.t("overview_intro"))

base = ui.tables("dim_region", "region_frame_map")
names = common.region_names(base["dim_region"], lang)

cols = st.columns(4)
measure = ui.choose(
    "overview",
    "measure",
    ui.t("measure"),
    list(charts.MEASURES),
    format_func=lambda m: i18n.t(m, lang),
    container=cols[0],
)
spec = charts.MEASURES[measure]
table = ui.tables(spec.table)[spec.table]
slices = charts.measure_slices(table, measure)
if slices.empty:
    st.info(ui.t("no_data"))
    st.stop()

scope = frame = None
if spec.scoped:
    scope = ui.choose(
        "overview",
        "scope",
        ui.t("flow_scope"),
        common.ordered_scopes(slices["flow_scope"]),
        format_func=lambda s: i18n.scope_label(s, lang),
        default="interregional",
        container=cols[1],
    )
    in_scope = slices[slices["flow_scope"] == scope]
    frames = [f for f in vocab.region_frames if f in set(in_scope["region_frame"])]
    frame = ui.choose(
        "overview",
        "frame",
        ui.t("region_frame"),
        frames,
        format_func=lambda f: i18n.frame_label(f, lang),
        default="kz20",
        container=cols[2],
    )
    years = in_scope.loc[in_scope["region_frame"] == frame, "year"]
else:
    years = slices["year"]
# the default year is the latest one a second source confirms: a year whose rows are flagged
# single_source_unverified (e.g. an origin-destination year nothing checks) stays selectable
shown = table[table["year"].isin(years)]
if spec.scoped:
    shown = shown[(shown["flow_scope"] == scope) & (shown["region_frame"] == frame)]
unverified = (
    set(shown.loc[shown["quality_flag"] == "single_source_unverified", "year"])
    if "quality_flag" in shown
    else set()
)
year_options = sorted({int(y) for y in years}, reverse=True)
year = ui.choose(
    "overview", "year", ui.t("year"), year_options,
    default=next((y for y in year_options if y not in unverified), None),
    container=cols[3],
)  # fmt: skip

values = charts.overview_data(table, measure, year, scope, frame)
if not spec.scoped:
    frame = common.rows_frame(table[table["year"] == year], base["region_frame_map"], vocab)
    st.caption(ui.t("scorecard_frame_note", frame=i18n.frame_label(frame, lang)))

left, right = st.columns([5, 3])
with left:
    st.subheader(f"{i18n.t(measure, lang)} · {year}")
    if frame in geometry.FRAMES:
        fig = charts.map_figure(geometry.load_frame_geojson(frame), values, names, measure, lang)
        ui.figure(fig, key="overview-map")
    st.caption(ui.t("attribution"))
with right:
    st.subheader(ui.t("ranked_table"))
    ranking = charts.ranked(values, names)
    ui.show_table(
        ranking,
        f"overview_{measure}_{scope or 'all'}_{frame}_{year}",
        hide=("region_code", "flow_scope", "region_frame"),
        column_config={
            "value": st.column_config.NumberColumn(
                ui.t(f"short_{measure}"), format=f"%{spec.number_format}"
            )
        },
        height=min(740, 38 + 35 * len(ranking)),
    )
