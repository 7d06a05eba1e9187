"""Streamlit glue shared by the pages: the build of this rerun, cached mart tables (keyed by the
resolved build file, so a new publish is read on the next rerun), selectors that survive a
language switch, tables with CSV and Excel downloads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from streamlit_app import data, export, i18n

BUILD_STATE = "_kzm_build"


# ---------------------------------------------------------------------------------------------
# build and language


def lang() -> str:
    value = st.session_state.get("lang", i18n.DEFAULT_LANGUAGE)
    return value if value in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def t(key: str, **fmt) -> str:
    return i18n.t(key, lang(), **fmt)


def build() -> data.Build:
    """The build resolved at the start of this rerun (app.py stops before pages without one)."""
    value = st.session_state.get(BUILD_STATE)
    if value is None:
        value = data.current_build()
        if value is None:
            st.info(t("no_build_body", path=str(data.current_link())))
            st.stop()
    return value


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_table(build_key: str, path: str, mtime_ns: int, size: int, table: str):
    from pathlib import Path

    return data.load_table(data.Build(Path(path), mtime_ns, size), table)


@st.cache_data(max_entries=64, show_spinner=False)
def _cached_call(build_key: str, path: str, mtime_ns: int, size: int, fn: str, args: tuple):
    from pathlib import Path

    return getattr(data, fn)(data.Build(Path(path), mtime_ns, size), *args)


def _args(b: data.Build) -> tuple[str, str, int, int]:
    return b.key, str(b.path), b.mtime_ns, b.size


def table(name: str) -> pd.DataFrame:
    """A whole mart table of this rerun's build (a copy: callers may modify it)."""
    return _cached_table(*_args(build()), name).copy()


def call(fn: str, *args) -> Any:
    """data.<fn>(build, *args), cached per build."""
    return _cached_call(*_args(build()), fn, tuple(args))


def tables(*names: str) -> dict[str, pd.DataFrame]:
    """Several mart tables; a missing one shows a notice and stops the page."""
    try:
        return {n: table(n) for n in names}
    except data.MissingTable as exc:
        st.warning(t("missing_table", error=str(exc)))
        st.stop()
    except data.WarehouseError as exc:
        st.error(t("build_unreadable", error=str(exc)))
        st.stop()


def optional_table(name: str) -> pd.DataFrame | None:
    try:
        return table(name)
    except data.WarehouseError:
        return None


def names() -> dict[str, str]:
    from streamlit_app.charts import common

    return common.region_names(tables("dim_region")["dim_region"], lang())


# ---------------------------------------------------------------------------------------------
# selectors


def choose(
    page: str,
    name: str,
    label: str,
    options: Sequence,
    format_func: Callable[[Any], str] = str,
    default: Any = None,
    container: Any = None,
    kind: str = "selectbox",
    **kwargs,
) -> Any:
    """A selector whose choice survives a language switch, a page switch and changed options.

    The choice is kept in `st.session_state['choice:<name>']` (shared by the pages that use the
    same name, e.g. `year`); the widget key is `<page>:<name>:<lang>`, so a new language makes a
    new widget (its labels change) that starts from the kept choice. A kept choice that is no
    longer an option falls back to `default`, else the first option.
    """
    container = container or st
    options = list(options)
    if not options:
        return None
    store = f"choice:{name}"
    wkey = f"{page}:{name}:{lang()}"
    current = st.session_state.get(wkey, st.session_state.get(store, default))
    if current not in options:
        current = default if default in options else options[0]
    st.session_state[wkey] = current
    widget = {"selectbox": container.selectbox, "radio": container.radio}[kind]
    value = widget(label, options, format_func=format_func, key=wkey, **kwargs)
    st.session_state[store] = value
    return value


# ---------------------------------------------------------------------------------------------
# output


def show_table(
    df: pd.DataFrame,
    name: str,
    labels: dict[str, str] | None = None,
    height: int | str = "auto",
    hide: Sequence[str] = (),
    **kwargs,
) -> None:
    """A table with its CSV and Excel downloads (generated only when clicked). Column headers are
    shown in the chosen language where a label exists, `hide` columns are left out of the view;
    the downloads keep every column under the mart's names."""
    config: dict[str, Any] = {c: None for c in hide if c in df.columns}
    extra = kwargs.pop("column_config", None) or {}
    for col in df.columns:
        if col in config:
            continue
        if col in extra:
            config[col] = extra[col]
            continue
        label = (labels or {}).get(col) or (t(col) if col in i18n.LABELS else None)
        if label:
            config[col] = st.column_config.Column(label=label)
    st.dataframe(df, hide_index=True, height=height, column_config=config, **kwargs)
    row = st.container(horizontal=True)
    row.download_button(
        f"⬇ {t('download_csv')}",
        data=lambda: export.to_csv_bytes(df),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"dl-csv:{name}",
        on_click="ignore",
    )
    row.download_button(
        f"⬇ {t('download_xlsx')}",
        data=lambda: export.to_excel_bytes(df, name),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"dl-xlsx:{name}",
        on_click="ignore",
    )


def figure(fig, key: str) -> None:
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


def provenance(sources: list[str]) -> str:
    """'a (description); b (...)' for the source ids behind a figure."""
    desc = data.source_descriptions()
    if not sources:
        return "—"
    return "; ".join(f"`{s}` — {desc[s]}" if s in desc else f"`{s}`" for s in sources)
