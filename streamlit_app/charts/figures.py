"""Figures 1 and 2 of the Paper figures page: the rows behind them (one scope and frame, or the
paper view) and their grouped bars, where the scope of each year is a pattern, a flagged value is
faded and a run of years without data is an empty slot, never bridged."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from streamlit_app import i18n
from streamlit_app.charts.common import UNFLAGGED, with_region_names

# The figures' default view: marts.fct_migration_paper_view (internal where published, else
# interregional, each year in its own frame). The other choices are one flow scope.
PAPER_VIEW = "paper_view"
FIGURE_VALUES = {
    "net_migration": ["net_migration"],
    "attractiveness_coefficient": ["arrivals", "departures", "attractiveness_coefficient"],
}
KEY = ["region_code", "year", "flow_scope", "region_frame"]
# scope -> bar pattern; internal (the paper's definition) is solid
SCOPE_PATTERNS = {"internal": "", "interregional": ".", "total": "x"}
FLAGGED_OPACITY = 0.35
# A row's quality_flag is its most severe flag. This one concerns only the population, the
# denominator of the per-1,000 rates: the persons and the coefficient drawn here do not use it.
POPULATION_ONLY_FLAGS = ("population_source_disagreement",)


def figure_rows(
    table: pd.DataFrame,
    value: str,
    names: dict[str, str],
    scope: str = PAPER_VIEW,
    frame: str | None = None,
    balance: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rows of Figure 1 (value net_migration) or Figure 2 (attractiveness_coefficient): region,
    year, the row's scope and frame, the values, source, quality flag and note.

    `table` is marts.fct_migration_paper_view when scope is PAPER_VIEW (every row), else a
    balance or attractiveness mart, filtered to scope and frame. `balance` (the balance mart)
    supplies source_id and quality_note where `table` lacks them (the attractiveness mart)."""
    df = table if scope == PAPER_VIEW else table[
        (table["flow_scope"] == scope) & (table["region_frame"] == frame)
    ]  # fmt: skip
    df = df.dropna(subset=[value])
    missing = [c for c in ("source_id", "quality_note") if c not in df.columns]
    if missing and balance is not None:
        df = df.merge(balance[KEY + missing], on=KEY, how="left")
    cols = KEY + FIGURE_VALUES[value] + ["source_id", "quality_flag", "quality_note"]
    out = df[[c for c in cols if c in df.columns]].sort_values(["region_code", "year"])
    return with_region_names(out.reset_index(drop=True), names)


def is_flagged(rows: pd.DataFrame) -> pd.Series:
    """True where a row's quality flag concerns the persons or the coefficient drawn (anything
    but 'ok' and the population-only flag)."""
    if "quality_flag" not in rows.columns:
        return pd.Series(False, index=rows.index)
    unflagged = UNFLAGGED + POPULATION_ONLY_FLAGS
    return rows["quality_flag"].notna() & ~rows["quality_flag"].isin(unflagged)


def flagged_values(rows: pd.DataFrame, value: str) -> pd.DataFrame:
    """The rows of a figure that carry a quality flag, with their note: the list under it."""
    cols = ["region", "year", "flow_scope", "region_frame", value, "quality_flag", "quality_note"]
    out = rows.loc[is_flagged(rows), [c for c in cols if c in rows.columns]]
    return out.sort_values(["year", "region"]).reset_index(drop=True)


def year_runs(years: list[int]) -> list[tuple[int, int]]:
    """[(first, last)] of the runs of missing years between the first and last year present."""
    runs, present = [], sorted(set(years))
    for before, after in zip(present, present[1:], strict=False):
        if after - before > 1:
            runs.append((before + 1, after - 1))
    return runs


def run_label(run: tuple[int, int]) -> str:
    return str(run[0]) if run[0] == run[1] else f"{run[0]}–{run[1]}"


def _region_order(df: pd.DataFrame, value: str) -> list[str]:
    """Regions ordered by their value in the latest year (largest first)."""
    latest = df[df["year"] == df["year"].max()].sort_values(value, ascending=False)
    order = list(dict.fromkeys(latest["region"]))
    return order + sorted(set(df["region"]) - set(order))


def grouped_bars_figure(
    rows: pd.DataFrame, value: str, value_label: str, lang: str, hline: float | None = None
) -> go.Figure:
    """One bar per region and year, grouped by region, a year per colour. Each year's legend
    entry and bars carry its scope (pattern) and frame; flagged values are faded; each run of
    missing years is one empty slot with a 'no data' legend entry, so no bar stands for it."""
    fig = go.Figure()
    order = _region_order(rows, value) if not rows.empty else []
    years = sorted(int(y) for y in rows["year"].dropna().unique())
    gaps = {run[0] - 1: run for run in year_runs(years)}  # the year each gap follows
    colors = sample_colorscale("Viridis", [i / max(1, len(years) - 1) for i in range(len(years))])
    flagged = is_flagged(rows)
    for year, color in zip(years, colors, strict=True):
        in_year = rows["year"] == year
        d = rows[in_year].assign(flagged=flagged[in_year])
        d = d.set_index("region").reindex(order).reset_index()
        scope = str(d["flow_scope"].dropna().iloc[0])
        frame = str(d["region_frame"].dropna().iloc[0])
        fig.add_trace(
            go.Bar(
                x=d["region"],
                y=d[value],
                name=f"{year} · {i18n.short_scope_label(scope, lang)}",
                marker={
                    "color": color,
                    "pattern": {
                        "shape": SCOPE_PATTERNS.get(scope, "/"),
                        "fillmode": "overlay",
                        "fgcolor": "white",
                        "solidity": 0.4,
                    },
                    "opacity": [FLAGGED_OPACITY if f is True else 1.0 for f in d["flagged"]],
                },
                customdata=d[["quality_flag"]].fillna("") if "quality_flag" in d else None,
                hovertemplate="%{x}<br>"
                + f"{year} · {i18n.short_scope_label(scope, lang)} · {frame}: "
                + "%{y:,.3~f}<br>%{customdata[0]}<extra></extra>",
                meta={
                    "year": year,
                    "flow_scope": scope,
                    "region_frame": frame,
                    "flagged": [bool(f is True) for f in d["flagged"]],
                },
            )
        )
        if year in gaps:
            label = run_label(gaps[year])
            fig.add_trace(
                go.Bar(
                    x=order,
                    y=[None] * len(order),
                    name=i18n.t("gap_no_data", lang, years=label),
                    marker={"color": "rgba(0,0,0,0)", "line": {"color": "#999", "width": 1}},
                    hoverinfo="skip",
                    meta={"gap": label},
                )
            )
    if flagged.any():
        fig.add_trace(
            go.Bar(
                x=[None],
                y=[None],
                name=i18n.t("flagged_legend", lang),
                marker={"color": "#777", "opacity": FLAGGED_OPACITY},
                visible="legendonly",  # a legend entry only: nothing drawn among the bars
                meta={"legend_only": "flagged"},
            )
        )
    if hline is not None:
        fig.add_hline(y=hline, line_dash="dash", line_color="#b2182b", line_width=1.5)
    fig.update_layout(
        barmode="group",
        height=560,
        bargroupgap=0.05,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        yaxis_title=value_label,
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "title_text": ""},
        xaxis_tickangle=-40,
    )
    return fig
