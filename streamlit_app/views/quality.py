"""Data quality and coverage: recorded issues, build information, coverage grid, sources."""

import pandas as pd
import streamlit as st

from streamlit_app import ui
from streamlit_app.charts import quality as charts
from streamlit_app.data import WarehouseError, source_descriptions, split_source_ids

lang = ui.lang()
st.title(ui.t("page_quality"))

# Build information -----------------------------------------------------------------------
st.subheader(ui.t("build_info"))
try:
    info = ui.call("build_info")
except WarehouseError as exc:
    st.warning(ui.t("missing_table", error=str(exc)))
    info = {}
if info:
    st.markdown(
        f"**{ui.t('build')}** `{info.get('build_id', '—')}` · "
        f"{ui.t('built_at')} {str(info.get('built_at', '—'))[:19]} · "
        f"{ui.t('warnings')}: **{info.get('warning_count', '—')}** · "
        f"git `{str(info.get('git_commit') or '—')[:12]}`"
    )
    info_df = pd.DataFrame({"field": list(info), "value": [str(v) for v in info.values()]})
    ui.show_table(info_df, "build_info")

# Issues ----------------------------------------------------------------------------------
st.subheader(ui.t("dq_issues"))
issues = ui.optional_table("data_quality_issues")
if issues is None:
    st.warning(ui.t("missing_table", error="marts.data_quality_issues"))
elif issues.empty:
    st.success(ui.t("dq_none"))
else:
    shown = issues
    if "severity" in issues.columns:
        levels = sorted(issues["severity"].dropna().astype(str).unique())
        c1, _ = st.columns([1, 4])
        level = ui.choose(
            "quality", "severity", ui.t("severity"), ["*", *levels],
            format_func=lambda v: ui.t("all") if v == "*" else v, container=c1,
        )  # fmt: skip
        if level != "*":
            shown = issues[issues["severity"].astype(str) == level]
    ui.show_table(shown, "data_quality_issues")

# Coverage --------------------------------------------------------------------------------
st.subheader(ui.t("coverage"))
st.caption(ui.t("coverage_note"))
names = [
    "region_frame_map",
    "fct_migration_balance",
    "fct_migration_attractiveness",
    "fct_socioeconomic_scores",
]
present = {n: df for n in names if (df := ui.optional_table(n)) is not None}
try:
    flow_summary = ui.call("flow_years")
except WarehouseError:
    flow_summary = None
cov = charts.coverage(present, flow_summary)
if cov.empty:
    st.info(ui.t("no_data"))
else:
    ui.figure(charts.coverage_figure(cov), "coverage")
    with st.expander(ui.t("download")):
        ui.show_table(cov, "coverage")

# Sources ---------------------------------------------------------------------------------
st.subheader(ui.t("sources"))
used = []
for n in ("fct_migration_balance", "fct_socioeconomic_scores"):
    if n in present and "source_id" in present[n].columns:
        used += split_source_ids(present[n]["source_id"])
if flow_summary is not None and not flow_summary.empty:
    used += ui.call("flow_sources")
desc = source_descriptions()
src = pd.DataFrame(
    {"source_id": sorted(set(used)), "description": [desc.get(s, "") for s in sorted(set(used))]}
)
ui.show_table(src, "sources")
st.caption(ui.t("attribution") + " · " + ui.t("data_credit"))
