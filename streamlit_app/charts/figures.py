"""Paper figures page: the rows behind Figures 1-3 (balance and attractiveness by year, the
classification matrix) and their Plotly figures."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from streamlit_app import i18n
from streamlit_app.charts.common import (
    CLASS_COLORS,
    DIVERGING,
    indicator_order,
    with_region_names,
)
from streamlit_app.data import SCORE_CLASSES


def balance_by_year(
    balance: pd.DataFrame, scope: str, frame: str, names: dict[str, str]
) -> pd.DataFrame:
    """Figure 1 rows: region, year, net_migration (persons) for one scope and frame."""
    df = balance[(balance["flow_scope"] == scope) & (balance["region_frame"] == frame)]
    df = df.dropna(subset=["net_migration"])
    cols = ["region_code", "year", "net_migration", "source_id"]
    cols += [c for c in ("quality_flag",) if c in df.columns]
    out = df[cols].sort_values(["region_code", "year"]).reset_index(drop=True)
    return with_region_names(out, names)


def coefficient_by_year(
    attractiveness: pd.DataFrame, scope: str, frame: str, names: dict[str, str]
) -> pd.DataFrame:
    """Figure 2 rows: region, year, arrivals, departures, attractiveness_coefficient."""
    df = attractiveness[
        (attractiveness["flow_scope"] == scope) & (attractiveness["region_frame"] == frame)
    ]
    df = df.dropna(subset=["attractiveness_coefficient"])
    cols = ["region_code", "year", "arrivals", "departures", "attractiveness_coefficient"]
    cols += [c for c in ("quality_flag",) if c in df.columns]
    out = df[cols].sort_values(["region_code", "year"]).reset_index(drop=True)
    return with_region_names(out, names)


def _region_order(df: pd.DataFrame, value: str) -> list[str]:
    """Regions ordered by their value in the latest year (largest first)."""
    latest = df[df["year"] == df["year"].max()].sort_values(value, ascending=False)
    order = list(dict.fromkeys(latest["region"]))
    return order + sorted(set(df["region"]) - set(order))


def grouped_bars_figure(
    df: pd.DataFrame, value: str, value_label: str, hline: float | None = None
) -> go.Figure:
    fig = go.Figure()
    order = _region_order(df, value) if not df.empty else []
    years = sorted(int(y) for y in df["year"].dropna().unique())
    colors = sample_colorscale("Viridis", [i / max(1, len(years) - 1) for i in range(len(years))])
    for year, color in zip(years, colors, strict=True):
        d = df[df["year"] == year].set_index("region").reindex(order).reset_index()
        fig.add_trace(
            go.Bar(
                x=d["region"],
                y=d[value],
                name=str(year),
                marker_color=color,
                hovertemplate="%{x}<br>" + str(year) + ": %{y:,.3~f}<extra></extra>",
            )
        )
    if hline is not None:
        fig.add_hline(y=hline, line_dash="dash", line_color="#b2182b", line_width=1.5)
    fig.update_layout(
        barmode="group",
        height=480,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis_title=value_label,
        legend_title_text="",
        xaxis_tickangle=-40,
    )
    return fig


def classification_matrix(
    scores: pd.DataFrame, scorecard: pd.DataFrame, year: int, names: dict[str, str], lang: str
) -> pd.DataFrame:
    """Figure 3 rows: one per (region, indicator) of the year with pct, class and points, and
    the region's total from the scorecard."""
    df = scores[scores["year"] == year].dropna(subset=["score_class"])
    cols = [
        "region_code",
        "indicator_code",
        "value",
        "unit",
        "national_average",
        "pct_of_national_average",
        "score_class",
        "polarity",
        "score_points",
        "source_id",
        "region_frame",
        "quality_flag",
    ]
    out = df[[c for c in cols if c in df.columns]].copy()
    totals = scorecard[scorecard["year"] == year][["region_code", "total_score_points"]]
    out = out.merge(totals, on="region_code", how="left")
    out = with_region_names(out, names)
    out.insert(3, "indicator", out["indicator_code"].map(lambda c: i18n.indicator_label(c, lang)))
    return out.sort_values(["total_score_points", "region_code", "indicator_code"],
                           ascending=[False, True, True]).reset_index(drop=True)  # fmt: skip


def _points_text(points) -> str:
    if points is None or pd.isna(points):
        return ""
    p = float(points)
    return f"{p:+g}".replace("-", "−") if p != 0 else "0"


def classification_figure(matrix: pd.DataFrame, lang: str) -> go.Figure:
    if matrix.empty:
        return go.Figure()
    regions = list(dict.fromkeys(matrix["region"]))  # already ordered by total, best first
    codes = indicator_order(matrix["indicator_code"])
    worse = set(matrix.loc[matrix["polarity"] == "higher_is_worse", "indicator_code"])
    col_label = {c: i18n.indicator_label(c, lang) + (" ↓" if c in worse else "") for c in codes}
    pivot = matrix.set_index(["region", "indicator_code"])
    z, text, hover = [], [], []
    for region in regions:
        zr, tr, hr = [], [], []
        for code in codes:
            if (region, code) in pivot.index:
                row = pivot.loc[(region, code)]
                klass = str(row["score_class"])
                zr.append(SCORE_CLASSES.index(klass) if klass in SCORE_CLASSES else None)
                tr.append(_points_text(row["score_points"]))
                hr.append(
                    f"{region}<br>{col_label[code]}<br>"
                    f"{float(row['pct_of_national_average']):.1f}% · "
                    f"{i18n.class_label(klass, lang)} · {_points_text(row['score_points'])}"
                )
            else:
                zr.append(None)
                tr.append("")
                hr.append(f"{region}<br>{col_label[code]}<br>{i18n.t('no_value', lang)}")
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    n = len(CLASS_COLORS)
    scale = []
    for i, color in enumerate(CLASS_COLORS):
        scale += [[i / n, color], [(i + 1) / n, color]]
    class_trace = go.Heatmap(
        z=z,
        x=[col_label[c] for c in codes],
        y=regions,
        text=text,
        texttemplate="%{text}",
        hovertext=hover,
        hoverinfo="text",
        colorscale=scale,
        zmin=-0.5,
        zmax=n - 0.5,
        xgap=2,
        ygap=2,
        colorbar={
            "tickvals": list(range(n)),
            "ticktext": [i18n.class_label(c, lang) for c in SCORE_CLASSES],
            "title": {"text": i18n.t("score_class", lang)},
            "thickness": 12,
        },
    )
    totals = matrix.drop_duplicates("region").set_index("region")["total_score_points"]
    tot = [totals.get(r) for r in regions]
    span = max((abs(float(v)) for v in tot if v is not None and not pd.isna(v)), default=1) or 1
    total_trace = go.Heatmap(
        z=[[None if v is None or pd.isna(v) else float(v)] for v in tot],
        x=[i18n.t("total", lang)],
        y=regions,
        text=[[_points_text(v)] for v in tot],
        texttemplate="<b>%{text}</b>",
        hoverinfo="text",
        hovertext=[
            [f"{r}<br>{i18n.t('total', lang)}: {_points_text(v)}"]
            for r, v in zip(regions, tot, strict=True)
        ],  # fmt: skip
        colorscale=DIVERGING,
        zmin=-span,
        zmax=span,
        showscale=False,
        xgap=2,
        ygap=2,
    )
    out = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        column_widths=[len(codes), 1.1],
        horizontal_spacing=0.015,
    )
    out.add_trace(class_trace, row=1, col=1)
    out.add_trace(total_trace, row=1, col=2)
    out.update_yaxes(autorange="reversed")
    out.update_xaxes(side="top", tickangle=-30)
    out.update_layout(
        height=max(360, 28 * len(regions) + 160),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        plot_bgcolor="white",
    )
    return out


def default_score_year(scores: pd.DataFrame) -> int | None:
    """The year with the most indicators scored (the latest of equals): figure 3's default."""
    df = scores.dropna(subset=["score_class"])
    if df.empty:
        return None
    counts = df.groupby("year")["indicator_code"].nunique()
    best = counts.max()
    return int(max(y for y, n in counts.items() if n == best))
