"""Flows: the largest flows into and out of a region, and a Sankey of a year's flows."""

import streamlit as st

from streamlit_app import i18n, ui
from streamlit_app.charts import common
from streamlit_app.charts import flows as charts
from streamlit_app.data import REGION_FRAMES, WarehouseError

lang = ui.lang()
st.title(ui.t("page_flows"))

T = ui.tables("dim_region", "region_frame_map")
names = common.region_names(T["dim_region"], lang)
try:
    available = ui.call("flow_years")
except WarehouseError as exc:
    st.warning(ui.t("missing_table", error=str(exc)))
    st.stop()
if available.empty:
    st.info(ui.t("no_data"))
    st.stop()

c1, c2, c3 = st.columns(3)
have = set(available["region_frame"])
frame = ui.choose(
    "flows", "frame", ui.t("region_frame"),
    [f for f in REGION_FRAMES if f in have] or sorted(have),
    format_func=lambda f: i18n.frame_label(f, lang), default="kz20", container=c1,
)  # fmt: skip
years = sorted(
    {int(y) for y in available.loc[available["region_frame"] == frame, "year"]}, reverse=True
)
year = ui.choose("flows", "year", ui.t("year"), years, container=c2)
flows = ui.call("load_flows", year, frame)
units = sorted(
    set(flows["origin_region_code"]) | set(flows["destination_region_code"]),
    key=lambda c: names.get(c, c),
)
region = ui.choose(
    "flows", "region", ui.t("region"), units, format_func=lambda c: names.get(c, c),
    container=c3,
)  # fmt: skip

src = ui.provenance(sorted(set(flows["source_id"].dropna().astype(str))))
st.caption(
    ui.t(
        "fig_provenance",
        scope=i18n.scope_label("interregional", lang),
        frame=i18n.frame_label(frame, lang),
        sources=src,
    )
)

left, right = st.columns(2)
for direction, column, title in (("in", left, "flows_in"), ("out", right, "flows_out")):
    with column:
        st.subheader(ui.t(title, region=names.get(region, region)))
        top = charts.top_flows(flows, region, direction, names, n=10)
        if top.empty:
            st.info(ui.t("no_data"))
            continue
        ui.figure(charts.top_flows_figure(top, direction, lang), f"flows-{direction}")
        ui.show_table(
            top,
            f"flows_{direction}_{region}_{year}_{frame}",
            hide=("origin_region_code", "destination_region_code"),
            column_config={
                "share_of_region_total": st.column_config.NumberColumn(
                    ui.t("share_of_region_total"), format="percent"
                )
            },
        )

st.subheader(ui.t("sankey_title", year=year, frame=frame))
between = flows[flows["origin_region_code"] != flows["destination_region_code"]]
n_links = len(between)
top_n = st.slider(
    ui.t("top_n"), min_value=1, max_value=max(2, n_links), value=min(60, n_links), step=1,
    key="flows:top_n",
)  # fmt: skip
links = charts.sankey_data(flows, names, top_n)
total = int(between["persons"].sum())
st.caption(
    ui.t(
        "sankey_note",
        shown=len(links),
        total=n_links,
        share=(links["persons"].sum() / total) if total else 0,
        persons=total,
    )
)
if not links.empty:
    ui.figure(charts.sankey_figure(links), "flows-sankey")
with st.expander(ui.t("download")):
    ui.show_table(charts.sankey_data(flows, names, len(flows)), f"flows_all_{year}_{frame}")
