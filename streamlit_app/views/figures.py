"""The paper's three figures, reproduced from the marts, each with its scope, frame and sources."""

import streamlit as st

from streamlit_app import i18n, ui
from streamlit_app.charts import classification, common
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
paper_view = ui.optional_table("fct_migration_paper_view")  # absent from older builds


def view_and_frame(page: str, table, value_col: str) -> tuple[str, str | None]:
    """The figure's view: the paper view (the default, when the build has it) or one flow scope,
    and for a scope its region frame."""
    have = table.dropna(subset=[value_col])
    c1, c2, _ = st.columns([3, 2, 1])
    views = ([charts.PAPER_VIEW] if paper_view is not None else []) + common.ordered_scopes(
        have["flow_scope"].unique()
    )
    view = ui.choose(
        page,
        "figure_view",
        ui.t("figure_view"),
        views,
        format_func=lambda v: (
            ui.t(f"view_{v}") if v == charts.PAPER_VIEW else i18n.scope_label(v, lang)
        ),
        default=charts.PAPER_VIEW,
        container=c1,
    )
    if view == charts.PAPER_VIEW:
        c2.selectbox(ui.t("region_frame"), [ui.t("own_frame")], disabled=True, key=f"{page}:own")
        return view, None
    frames = set(have.loc[have["flow_scope"] == view, "region_frame"])
    frame = ui.choose(
        page,
        "figure_frame",
        ui.t("region_frame"),
        [f for f in vocab.region_frames if f in frames] or sorted(frames),
        format_func=lambda f: i18n.frame_label(f, lang),
        default="kz20",
        container=c2,
    )
    return view, frame


def scopes_by_year(rows) -> str:
    """'2015 interregional (kz16), ..., 2022 internal (kz20)': the paper view's choice per year."""
    per_year = rows.drop_duplicates("year").sort_values("year")
    return ", ".join(
        f"{int(r.year)} {i18n.short_scope_label(r.flow_scope, lang)} ({r.region_frame})"
        for r in per_year.itertuples()
    )


def under_the_figure(page: str, rows, value: str, view: str, frame: str | None) -> None:
    """Below a figure: what the view is, the years without data, the sources, the flagged
    values with their notes, and the rows."""
    if view == charts.PAPER_VIEW:
        st.caption(ui.t("paper_view_caption", years=scopes_by_year(rows)))
        sources = ui.provenance(split_source_ids(rows["source_id"]))
        st.caption(f"{ui.t('sources')}: {sources}.")
    else:
        st.caption(
            ui.t(
                "fig_provenance",
                scope=i18n.scope_label(view, lang),
                frame=i18n.frame_label(frame, lang),
                sources=ui.provenance(split_source_ids(rows["source_id"])),
            )
        )
    runs = charts.year_runs([int(y) for y in rows["year"]])
    if runs:
        st.caption(ui.t("gaps_caption", years=", ".join(charts.run_label(r) for r in runs)))
    # download names: figure1_balance_paper_view, figure2_coefficient_interregional_kz20, ...
    name = "_".join([DOWNLOAD_NAMES[page], view] + ([frame] if frame else []))
    flagged = charts.flagged_values(rows, value)
    if flagged.empty:
        st.caption(ui.t("flagged_none"))
    else:
        st.markdown(ui.t("flagged_values", n=len(flagged)))
        ui.show_table(flagged, f"{name}_flagged", height=240)
    with st.expander(ui.t("download")):
        ui.show_table(rows, name)


DOWNLOAD_NAMES = {"fig1": "figure1_balance", "fig2": "figure2_coefficient"}


def bar_figure(page: str, table, value: str, hline: float | None = None) -> None:
    view, frame = view_and_frame(page, table, value)
    source = paper_view if view == charts.PAPER_VIEW else table
    rows = charts.figure_rows(source, value, names, view, frame, balance=balance)
    if rows.empty:
        st.info(ui.t("no_data"))
        return
    ui.figure(charts.grouped_bars_figure(rows, value, ui.t(value), lang, hline=hline), page)
    if hline is not None:
        st.caption("— — " + ui.t("line_at_one"))
    under_the_figure(page, rows, value, view, frame)


st.header(ui.t("fig1_title"))
if balance["net_migration"].notna().any():
    bar_figure("fig1", balance, "net_migration")
else:
    st.info(ui.t("no_data"))

st.header(ui.t("fig2_title"))
attractiveness = T["fct_migration_attractiveness"]
if attractiveness["attractiveness_coefficient"].notna().any():
    bar_figure("fig2", attractiveness, "attractiveness_coefficient", hline=1.0)
else:
    st.info(ui.t("no_data"))


# Figure 3 ------------------------------------------------------------------------------------
def indicator_sets_note(scores, year: int, other: int | None) -> bool:
    """Warn when the chosen years score different indicators (their totals are not comparable);
    without a second year, when the year scores fewer indicators than other years do. True when
    the two years' totals are comparable."""
    scored = classification.scored_indicators(scores, year)
    if other is not None:
        other_scored = classification.scored_indicators(scores, other)
        if scored == other_scored:
            st.caption(ui.t("fig3_sets_same", year_a=year, year_b=other, n=len(scored)))
            return True

        def listed(codes) -> str:
            labels = [i18n.indicator_label(c, lang) for c in sorted(codes)]
            return ", ".join(labels) or ui.t("none_word")

        st.warning(
            ui.t(
                "fig3_sets_differ",
                year_a=year,
                year_b=other,
                only_a=listed(scored - other_scored),
                only_b=listed(other_scored - scored),
            )
        )
        return False
    every = set(scores.dropna(subset=["score_class"])["indicator_code"])
    if scored != every:
        st.warning(ui.t("fig3_year_differs", year=year, n=len(scored), total=len(every)))
    return True


st.header(ui.t("fig3_title"))
scores = T["fct_socioeconomic_scores"]
scorecard = T["fct_region_scorecard"]
score_years = sorted({int(y) for y in scores.dropna(subset=["score_class"])["year"]}, reverse=True)
if score_years:
    c1, c2, _ = st.columns([1, 1, 3])
    year3 = ui.choose(
        "fig3", "score_year", ui.t("year"), score_years,
        default=classification.default_score_year(scores),
        container=c1,
    )  # fmt: skip
    # 0 stands for "no second year" (a None option would show as an empty selectbox)
    other3 = ui.choose(
        "fig3", "compare_year", ui.t("fig3_compare"),
        [0] + [y for y in score_years if y != year3],
        format_func=lambda y: ui.t("fig3_compare_none") if y == 0 else str(y),
        container=c2,
    ) or None  # fmt: skip
    comparable = indicator_sets_note(scores, year3, other3)
    matrix = classification.classification_matrix(scores, scorecard, year3, names, lang)
    ui.figure(classification.classification_figure(matrix, lang, vocab), "fig3")
    frame3 = common.rows_frame(matrix, T["region_frame_map"], vocab)
    st.caption(
        ui.t(
            "fig3_provenance",
            year=year3,
            frame=i18n.frame_label(frame3, lang),
            sources=ui.provenance(split_source_ids(matrix["source_id"])),
        )
    )
    st.caption(ui.t("fig3_coverage"))
    coverage = classification.indicator_coverage(scores)
    marked = [year3] + ([other3] if other3 is not None else [])
    ui.figure(classification.coverage_figure(coverage, marked, lang, vocab), "fig3_coverage")
    if other3 is not None:
        compared = classification.compare_totals(scorecard, year3, other3, names, comparable)
        ui.show_table(
            compared,
            f"figure3_totals_{year3}_vs_{other3}",
            labels={
                "total_score_points": f"{ui.t('short_total_score_points')} {year3}",
                "indicators_scored": f"{ui.t('indicators_scored')} {year3}",
                "other_total_score_points": f"{ui.t('short_total_score_points')} {other3}",
                "other_indicators_scored": f"{ui.t('indicators_scored')} {other3}",
            },
        )
    with st.expander(ui.t("download")):
        ui.show_table(matrix, f"figure3_classification_{year3}")
else:
    st.info(ui.t("no_data"))
