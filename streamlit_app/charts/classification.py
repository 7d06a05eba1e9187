"""Figure 3 of the Paper figures page: the socio-economic classification matrix of one year, the
indicators scored in each year, and the comparison of two years' totals."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from streamlit_app import i18n
from streamlit_app.charts.common import (
    CLASS_COLORS,
    DIVERGING,
    indicator_order,
    with_region_names,
)
from streamlit_app.data import Vocabulary


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


def classification_figure(matrix: pd.DataFrame, lang: str, vocab: Vocabulary) -> go.Figure:
    if matrix.empty:
        return go.Figure()
    regions = list(dict.fromkeys(matrix["region"]))  # already ordered by total, best first
    codes = indicator_order(matrix["indicator_code"], vocab)
    classes = vocab.score_classes
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
                zr.append(classes.index(klass) if klass in classes else None)
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
            "ticktext": [i18n.class_label(c, lang) for c in classes],
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


def scored_indicators(scores: pd.DataFrame, year: int) -> set[str]:
    """The indicators with a score class for at least one region in `year`."""
    df = scores[(scores["year"] == year)].dropna(subset=["score_class"])
    return {str(c) for c in df["indicator_code"]}


def indicator_coverage(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per (year, indicator_code) of the scores: regions_scored (regions with a score
    class) of regions (the regions with any row that year)."""
    if scores.empty:
        return pd.DataFrame(columns=["year", "indicator_code", "regions_scored", "regions"])
    regions = scores.groupby("year")["region_code"].nunique().rename("regions")
    scored = (
        scores.assign(scored=scores["score_class"].notna())
        .groupby(["year", "indicator_code"])["scored"]
        .sum()
        .rename("regions_scored")
        .reset_index()
    )
    out = scored.merge(regions, on="year")
    out["year"] = out["year"].astype(int)
    return out.sort_values(["year", "indicator_code"]).reset_index(drop=True)


def coverage_figure(
    coverage: pd.DataFrame, marked_years: list[int], lang: str, vocab: Vocabulary
) -> go.Figure:
    """Years across, indicators down: the share of regions scored (blank: not scored), the
    number of regions in the cell, and a frame around each of `marked_years`."""
    if coverage.empty:
        return go.Figure()
    years = sorted(coverage["year"].unique())
    codes = indicator_order(coverage["indicator_code"], vocab)
    cells = coverage.set_index(["indicator_code", "year"])
    z, text = [], []
    for code in codes:
        zr, tr = [], []
        for year in years:
            if (code, year) in cells.index and cells.loc[(code, year), "regions_scored"] > 0:
                row = cells.loc[(code, year)]
                zr.append(float(row["regions_scored"]) / float(row["regions"]))
                tr.append(f"{int(row['regions_scored'])}")
            else:
                zr.append(None)
                tr.append("")
        z.append(zr)
        text.append(tr)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(y) for y in years],
            y=[i18n.indicator_label(c, lang) for c in codes],
            text=text,
            texttemplate="%{text}",
            colorscale=[[0, CLASS_COLORS[1]], [1, CLASS_COLORS[3]]],
            zmin=0,
            zmax=1,
            showscale=False,
            xgap=2,
            ygap=2,
            hoverinfo="skip",
        )
    )
    for year in marked_years:
        if year in years:
            i = years.index(year)
            fig.add_shape(
                type="rect",
                x0=i - 0.5,
                x1=i + 0.5,
                y0=-0.5,
                y1=len(codes) - 0.5,
                line={"color": "#b2182b", "width": 2},
            )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(type="category")
    fig.update_layout(
        height=40 + 26 * len(codes),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        plot_bgcolor="white",
        meta={"marked_years": list(marked_years)},
    )
    return fig


def compare_totals(
    scorecard: pd.DataFrame, year: int, other: int, names: dict[str, str], comparable: bool
) -> pd.DataFrame:
    """One row per region of either year: its total points and indicators scored in `year`
    and in `other`, and, when the two years score the same indicators (`comparable`), the
    change (`year` minus `other`; empty where a year lacks the unit)."""
    cols = ["region_code", "total_score_points", "indicators_scored"]
    a = scorecard.loc[scorecard["year"] == year, cols]
    b = scorecard.loc[scorecard["year"] == other, cols].rename(
        columns={"total_score_points": "other_total_score_points",
                 "indicators_scored": "other_indicators_scored"}
    )  # fmt: skip
    out = a.merge(b, on="region_code", how="outer")
    if comparable:
        out["change"] = out["total_score_points"] - out["other_total_score_points"]
    out = with_region_names(out.sort_values("region_code").reset_index(drop=True), names)
    return out
