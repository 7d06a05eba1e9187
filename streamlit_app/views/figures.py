"""The paper's three figures, reproduced from the marts, each with its scope, frame and sources."""

import streamlit as st

from streamlit_app import i18n, ui
from streamlit_app.charts import common
from streamlit_app.charts import figures as charts
from streamlit_app.data import split_source_ids
from streamlit_app.i18n_paper import VERDICT_COLOURS

lang = ui.lang()
vocab = ui.vocabulary()
st.title(ui.t("page_figures"))


def claims_panel() -> None:
    """The page opens with the paper's statements and their verdicts (marts.paper_claims)."""
    st.header(ui.t("claims_title"))
    claims = ui.optional_table("paper_claims")
    if claims is None:
        st.info(ui.t("claims_missing"))
        return
    st.caption(ui.t("claims_intro"))
    text_column = "claim_en" if lang == "en" else "claim_ru"  # no Kazakh text in the paper
    for claim in claims.sort_values("claim_id").itertuples():
        badge, statement, values = st.columns([2, 6, 3])
        with badge:
            st.badge(ui.t(f"verdict_{claim.verdict}"), color=VERDICT_COLOURS[claim.verdict])
        statement.markdown(f"**{claim.claim_id}** {getattr(claim, text_column)}")
        values.markdown(
            f"{ui.t('claims_paper')}: **{claim.paper_value}** · "
            f"{ui.t('claims_warehouse')}: **{claim.warehouse_value}** {claim.unit}"
        )
        with st.expander(f"{ui.t('claims_evidence')}: {claim.claim_id}"):
            st.write(claim.evidence)
            st.caption(
                ui.t(
                    "claims_used",
                    years=claim.years,
                    scope=claim.flow_scope,
                    frame=claim.region_frame,
                    flag=claim.quality_flag,
                )
            )
    ui.show_table(claims, "paper_claims", hide=("claim_ru", "computation"))
    st.divider()


claims_panel()

T = ui.tables(
    "dim_region",
    "region_frame_map",
    "fct_migration_balance",
    "fct_migration_attractiveness",
    "fct_socioeconomic_scores",
    "fct_region_scorecard",
)
names = common.region_names(T["dim_region"], lang)
balance = T["fct_migration_balance"]
attractiveness = T["fct_migration_attractiveness"]


def scope_and_frame(page: str, table, value_col: str):
    have = table.dropna(subset=[value_col])
    c1, c2, _ = st.columns([2, 2, 1])
    scope = ui.choose(
        page,
        "scope",
        ui.t("flow_scope"),
        common.ordered_scopes(have["flow_scope"].unique()),
        format_func=lambda s: i18n.scope_label(s, lang),
        default="interregional",
        container=c1,
    )
    frames = set(have.loc[have["flow_scope"] == scope, "region_frame"])
    frame = ui.choose(
        page,
        "frame",
        ui.t("region_frame"),
        [f for f in vocab.region_frames if f in frames] or sorted(frames),
        format_func=lambda f: i18n.frame_label(f, lang),
        default="kz20",
        container=c2,
    )
    return scope, frame


def provenance(scope: str, frame: str, sources) -> None:
    st.caption(
        ui.t(
            "fig_provenance",
            scope=i18n.scope_label(scope, lang),
            frame=i18n.frame_label(frame, lang),
            sources=ui.provenance(split_source_ids(sources)),
        )
    )


# Figure 1 ------------------------------------------------------------------------------------
st.header(ui.t("fig1_title"))
if balance["net_migration"].notna().any():
    scope1, frame1 = scope_and_frame("fig1", balance, "net_migration")
    fig1 = charts.balance_by_year(balance, scope1, frame1, names)
    ui.figure(charts.grouped_bars_figure(fig1, "net_migration", ui.t("net_migration")), "fig1")
    provenance(scope1, frame1, fig1["source_id"])
    with st.expander(ui.t("download")):
        ui.show_table(fig1, f"figure1_balance_{scope1}_{frame1}")
else:
    st.info(ui.t("no_data"))

# Figure 2 ------------------------------------------------------------------------------------
st.header(ui.t("fig2_title"))
if attractiveness["attractiveness_coefficient"].notna().any():
    scope2, frame2 = scope_and_frame("fig2", attractiveness, "attractiveness_coefficient")
    fig2 = charts.coefficient_by_year(attractiveness, scope2, frame2, names)
    ui.figure(
        charts.grouped_bars_figure(
            fig2, "attractiveness_coefficient", ui.t("attractiveness_coefficient"), hline=1.0
        ),
        "fig2",
    )
    st.caption("— — " + ui.t("line_at_one"))
    same = balance[(balance["flow_scope"] == scope2) & (balance["region_frame"] == frame2)]
    provenance(scope2, frame2, same.loc[same["year"].isin(fig2["year"]), "source_id"])
    with st.expander(ui.t("download")):
        ui.show_table(fig2, f"figure2_coefficient_{scope2}_{frame2}")
else:
    st.info(ui.t("no_data"))

# Figure 3 ------------------------------------------------------------------------------------
st.header(ui.t("fig3_title"))
scores = T["fct_socioeconomic_scores"]
score_years = sorted({int(y) for y in scores.dropna(subset=["score_class"])["year"]}, reverse=True)
if score_years:
    c1, _ = st.columns([1, 4])
    year3 = ui.choose(
        "fig3", "score_year", ui.t("year"), score_years,
        default=charts.default_score_year(scores),
        container=c1,
    )  # fmt: skip
    matrix = charts.classification_matrix(scores, T["fct_region_scorecard"], year3, names, lang)
    ui.figure(charts.classification_figure(matrix, lang, vocab), "fig3")
    frame3 = common.rows_frame(matrix, T["region_frame_map"], vocab)
    st.caption(
        ui.t(
            "fig3_provenance",
            year=year3,
            frame=i18n.frame_label(frame3, lang),
            sources=ui.provenance(split_source_ids(matrix["source_id"])),
        )
    )
    with st.expander(ui.t("download")):
        ui.show_table(matrix, f"figure3_classification_{year3}")
else:
    st.info(ui.t("no_data"))
