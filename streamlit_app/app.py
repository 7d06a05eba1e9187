"""kzmigration app: `make app` (streamlit run streamlit_app/app.py, PYTHONPATH = repo root).

Serves the build `warehouse/current.duckdb` points at (KZM_WAREHOUSE_DIR moves it), read from its
Parquet copies (see streamlit_app/reader.py); the symlink is resolved on every rerun, so a new
publish shows on the next interaction without a restart. Never imports dbt or Great Expectations.
"""

from __future__ import annotations

import streamlit as st

from streamlit_app import data, i18n, ui

st.set_page_config(page_title="kzmigration", page_icon="🗺️", layout="wide")

with st.sidebar:
    st.radio(
        "Тіл · Язык · Language",
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.get,
        key="lang",
        index=list(i18n.LANGUAGES).index(i18n.DEFAULT_LANGUAGE),
        horizontal=True,
    )

build = data.current_build()
st.session_state[ui.BUILD_STATE] = build

pages = [
    st.Page("views/overview.py", title=ui.t("page_overview"), url_path="overview", default=True),
    st.Page("views/figures.py", title=ui.t("page_figures"), url_path="figures"),
    st.Page("views/region.py", title=ui.t("page_region"), url_path="region"),
    st.Page("views/flows.py", title=ui.t("page_flows"), url_path="flows"),
    st.Page("views/drivers.py", title=ui.t("page_drivers"), url_path="drivers"),
    st.Page("views/quality.py", title=ui.t("page_quality"), url_path="quality"),
]
page = st.navigation(pages)


def _sidebar_build_info(b: data.Build) -> None:
    """Build id and time of the served build, its data-quality issues by severity (the counts
    of the Data quality page), and what it lacks of the app's contract."""
    try:
        info = ui.call("build_info")
    except data.WarehouseError:
        info = {}
    build_id = info.get("build_id") or b.build_id
    lines = [f"**{ui.t('build')}** `{build_id}`"]
    if info.get("built_at") is not None:
        lines.append(f"{ui.t('built_at')} {str(info['built_at'])[:19]}")
    try:
        counts = ui.call("issue_counts")
    except data.WarehouseError:
        counts = None  # a build without the issues mart: the quality page says so
    if counts:
        lines.append(f"{ui.t('dq_sidebar')}: {ui.severity_summary(counts)}")
    elif counts is not None:
        lines.append(ui.t("dq_sidebar_none"))
    st.sidebar.caption("  \n".join(lines))
    try:
        problems = data.contract_problems(ui.call("table_columns"))
    except data.WarehouseError as exc:
        problems = [str(exc)]
    if problems:
        st.sidebar.warning(ui.t("contract_gap", problems="; ".join(problems)))


def _lock_on_the_build() -> data.BuildLocked | None:
    """The first read of the rerun: the lock another program holds on the build's file, if the
    app needs that file (a build without Parquet copies) and cannot open it."""
    try:
        ui.call("table_columns", stop_when_locked=False)
    except data.BuildLocked as exc:
        return exc
    except data.WarehouseError:
        pass  # the sidebar and the pages say what is missing
    return None


if build is None:
    st.title(ui.t("app_title"))
    st.info(
        f"**{ui.t('no_build_title')}**\n\n" + ui.t("no_build_body", path=str(data.current_link()))
    )
elif (locked := _lock_on_the_build()) is not None:
    st.title(ui.t("app_title"))
    ui.locked_notice(locked)
else:
    _sidebar_build_info(build)
    page.run()

st.sidebar.caption(ui.t("attribution") + "  \n" + ui.t("data_credit"))
