"""Drivers: the gravity model's coefficients and their reading, indicator scatters, distance
decay and the migration system indices (marts of dbt_project/models/marts/drivers)."""

import streamlit as st

from streamlit_app import data, i18n, ui
from streamlit_app.charts import common
from streamlit_app.charts import drivers as charts

DRIVERS_MARTS = (
    "fct_gravity_estimates",
    "fct_gravity_sample",
    "fct_indicator_migration_association",
    "fct_migration_system_indices",
    "dim_region_distance",
)


def drivers_tables() -> dict:
    """The drivers marts of this rerun's build (cached per build by ui.call), read by query:
    they are not among the app's required marts, so an older build without them gets a notice."""
    try:
        return {name: ui.call("query", f"select * from marts.{name}") for name in DRIVERS_MARTS}
    except data.WarehouseError as exc:
        st.warning(ui.t("drivers_missing_marts", error=str(exc)))
        st.stop()


lang = ui.lang()
st.title(ui.t("page_drivers"))
st.caption(ui.t("drivers_intro"))

D = drivers_tables()
T = ui.tables(
    "dim_region", "fct_socioeconomic_scores", "fct_migration_balance", "fct_migration_flows"
)
names = common.region_names(T["dim_region"], lang)
estimates, sample = D["fct_gravity_estimates"], D["fct_gravity_sample"]
if estimates.empty:
    st.info(ui.t("no_data"))
    st.stop()

# --- gravity model ----------------------------------------------------------------------------
models = list(dict.fromkeys(estimates["model_id"]))
model_id = ui.choose("drivers", "gravity_model", ui.t("drivers_model"), models)
st.subheader(ui.t("drivers_coef_title"))
coefs = charts.coefficient_data(estimates, model_id)
ui.figure(charts.coefficient_figure(coefs, lang), "drivers-coefficients")
st.subheader(ui.t("drivers_reading_title"))
st.markdown(charts.reading(estimates, sample, model_id, lang))

# --- indicator scatters -------------------------------------------------------------------------
st.subheader(ui.t("drivers_scatter_title"))
association = D["fct_indicator_migration_association"]
scores, balances = T["fct_socioeconomic_scores"], T["fct_migration_balance"]
c1, c2 = st.columns(2)
scope = ui.choose(
    "drivers", "flow_scope", ui.t("flow_scope"), list(data.FLOW_SCOPES),
    format_func=lambda s: i18n.scope_label(s, lang), default="interregional", container=c1,
)  # fmt: skip
scored = set(zip(scores["year"], scores["region_frame"], strict=True))
years = sorted(
    {int(y) for y, f in zip(balances["year"], balances["region_frame"], strict=True)
     if (y, f) in scored and ((balances["flow_scope"] == scope) & (balances["year"] == y)).any()},
    reverse=True,
)  # fmt: skip
year = ui.choose("drivers", "year", ui.t("year"), years, container=c2)
frame = scores.loc[scores["year"] == year, "region_frame"].iloc[0] if year is not None else None
columns = st.columns(2)
shown = sorted(set(scores.loc[scores["year"] == year, "indicator_code"]))
for i, code in enumerate(shown):
    points = charts.scatter_data(scores, balances, code, year, frame, scope, names)
    rho = association.loc[
        (association["year"] == year) & (association["indicator_code"] == code)
        & (association["migration_measure"] == "net_migration_per_1000")
        & (association["flow_scope"] == scope) & (association["region_frame"] == frame)
        & (association["lag_years"] == 0),
        "spearman_rho",
    ]  # fmt: skip
    with columns[i % 2]:
        ui.figure(
            charts.scatter_figure(points, code, rho.iloc[0] if len(rho) else None, lang),
            f"drivers-scatter-{code}",
        )

# --- distance decay and system indices ----------------------------------------------------------
st.subheader(ui.t("drivers_decay_title"))
flows, distances = T["fct_migration_flows"], D["dim_region_distance"]
flow_years = sorted({int(y) for y in flows["year"]}, reverse=True)
c1, c2 = st.columns(2)
flow_year = ui.choose("drivers", "flow_year", ui.t("year"), flow_years, container=c1)
frames = sorted(set(distances["region_frame"]), reverse=True)  # kz20, kz17, kz16
decay_frame = ui.choose(
    "drivers", "frame", ui.t("region_frame"), frames,
    format_func=lambda f: i18n.frame_label(f, lang), default="kz20", container=c2,
)  # fmt: skip
decay = charts.distance_decay_data(flows, distances, flow_year, decay_frame, names)
ui.figure(charts.distance_decay_figure(decay, lang), "drivers-distance-decay")

st.subheader(ui.t("drivers_indices_title"))
indices = D["fct_migration_system_indices"]
ui.figure(charts.indices_figure(indices, decay_frame, lang), "drivers-indices")

with st.expander(ui.t("drivers_tables")):
    ui.show_table(coefs, f"gravity_estimates_{model_id}")
    ui.show_table(estimates, "fct_gravity_estimates")
    ui.show_table(sample[sample["model_id"] == model_id], f"gravity_sample_{model_id}")
    ui.show_table(association, "fct_indicator_migration_association")
    ui.show_table(indices, "fct_migration_system_indices")
    ui.show_table(decay, f"distance_decay_{flow_year}_{decay_frame}")
    ui.show_table(distances, "dim_region_distance")
