"""Region profile page: a region's migration and indicator series against the national figure,
its score breakdown and the mart rows that carry a quality flag."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from streamlit_app import i18n
from streamlit_app.charts.common import UNFLAGGED, indicator_order
from streamlit_app.data import Vocabulary

PROFILE_MEASURES = (
    "net_migration",
    "arrivals_per_1000",
    "departures_per_1000",
    "net_migration_per_1000",
    "turnover_per_1000",
    "migration_efficiency_pct",
    "attractiveness_coefficient",
)


def national_migration(balance: pd.DataFrame, attractiveness: pd.DataFrame) -> pd.DataFrame:
    """The national figure per (flow_scope, region_frame, year) for each profile measure."""
    keys = ["flow_scope", "region_frame", "year"]
    b = balance.copy()
    for col in ("arrivals", "departures", "net_migration", "population"):
        b[col] = pd.to_numeric(b[col], errors="coerce").astype(float)
    rows = []
    for key, g in b.groupby(keys):
        row = dict(zip(keys, key, strict=True))
        pop = g["population"].sum(min_count=1)
        for measure, col in (
            ("arrivals_per_1000", "arrivals"),
            ("departures_per_1000", "departures"),
            ("net_migration_per_1000", "net_migration"),
        ):
            sel = g.dropna(subset=[col, "population"])
            p = sel["population"].sum()
            row[measure] = 1000 * sel[col].sum() / p if len(sel) and p else None
        both = g.dropna(subset=["arrivals", "departures", "population"])
        a, d, p = both["arrivals"].sum(), both["departures"].sum(), both["population"].sum()
        row["turnover_per_1000"] = 1000 * (a + d) / p if len(both) and p else None
        row["migration_efficiency_pct"] = 100 * (a - d) / (a + d) if len(both) and a + d else None
        row["net_migration"] = g["net_migration"].mean() if g["net_migration"].notna().any() \
            else None  # fmt: skip
        row["population"] = pop
        rows.append(row)
    nat = pd.DataFrame(rows, columns=[*keys, *PROFILE_MEASURES[:-1], "population"])
    at = attractiveness.copy()
    at["arrivals"] = pd.to_numeric(at["arrivals"], errors="coerce").astype(float)
    at["departures"] = pd.to_numeric(at["departures"], errors="coerce").astype(float)
    coef = (
        at.groupby(keys)[["arrivals", "departures"]].sum().reset_index()
        if not at.empty
        else pd.DataFrame(columns=[*keys, "arrivals", "departures"])
    )
    coef["attractiveness_coefficient"] = coef["arrivals"] / coef["departures"].where(
        coef["departures"] > 0
    )
    coef = coef[[*keys, "attractiveness_coefficient"]]
    nat = nat.merge(coef, on=keys, how="outer")
    return nat.sort_values(keys).reset_index(drop=True)


def profile_series(
    balance: pd.DataFrame,
    attractiveness: pd.DataFrame,
    region: str,
    scope: str,
    frame: str,
) -> pd.DataFrame:
    """Long rows (year, measure, region_value, national_value) for one region, scope, frame."""
    sel_b = balance[
        (balance["region_code"] == region)
        & (balance["flow_scope"] == scope)
        & (balance["region_frame"] == frame)
    ]
    sel_a = attractiveness[
        (attractiveness["region_code"] == region)
        & (attractiveness["flow_scope"] == scope)
        & (attractiveness["region_frame"] == frame)
    ]
    reg = sel_b.set_index("year")[list(PROFILE_MEASURES[:-1])].astype(float)
    reg = reg.join(
        sel_a.set_index("year")[["attractiveness_coefficient"]].astype(float), how="outer"
    )
    nat = national_migration(
        balance[(balance["flow_scope"] == scope) & (balance["region_frame"] == frame)],
        attractiveness[
            (attractiveness["flow_scope"] == scope) & (attractiveness["region_frame"] == frame)
        ],
    ).set_index("year")
    rows = []
    for year in sorted(reg.index.dropna()):
        for measure in PROFILE_MEASURES:
            value = reg.at[year, measure] if measure in reg.columns else None
            if value is None or pd.isna(value):
                continue
            national = nat.at[year, measure] if year in nat.index else None
            rows.append(
                {
                    "year": int(year),
                    "measure": measure,
                    "region_value": float(value),
                    "national_value": None
                    if national is None or pd.isna(national)
                    else float(national),  # fmt: skip
                }
            )
    return pd.DataFrame(rows, columns=["year", "measure", "region_value", "national_value"])


def indicator_series(scores: pd.DataFrame, region: str) -> pd.DataFrame:
    """Every indicator of a region by year, with the national average it is compared to."""
    df = scores[scores["region_code"] == region]
    cols = [
        "year",
        "indicator_code",
        "value",
        "unit",
        "national_average",
        "pct_of_national_average",
        "score_class",
        "score_points",
    ]
    out = df[[c for c in cols if c in df.columns]].copy()
    return out.sort_values(["indicator_code", "year"]).reset_index(drop=True)


def score_breakdown(
    scores: pd.DataFrame,
    scorecard: pd.DataFrame,
    region: str,
    year: int,
    lang: str,
    vocab: Vocabulary,
) -> tuple[pd.DataFrame, float | None]:
    """Indicator rows of one region and year, and the scorecard total."""
    df = scores[(scores["region_code"] == region) & (scores["year"] == year)]
    cols = [
        "indicator_code",
        "value",
        "unit",
        "national_average",
        "pct_of_national_average",
        "score_class",
        "polarity",
        "score_points",
    ]
    out = df[[c for c in cols if c in df.columns]].copy()
    out.insert(1, "indicator", out["indicator_code"].map(lambda c: i18n.indicator_label(c, lang)))
    order = {c: i for i, c in enumerate(indicator_order(out["indicator_code"], vocab))}
    out = out.sort_values("indicator_code", key=lambda s: s.map(order)).reset_index(drop=True)
    card = scorecard[(scorecard["region_code"] == region) & (scorecard["year"] == year)]
    total = None if card.empty else card["total_score_points"].iloc[0]
    return out, None if total is None or pd.isna(total) else float(total)


def series_grid_figure(
    long: pd.DataFrame,
    panels: list[tuple[str, str]],
    labels: tuple[str, str],
    columns: int = 2,
) -> go.Figure:
    """Small multiples in one figure: for each (panel key, title) the region's series (solid)
    and the national one (dotted). `long` has columns year, panel, region_value,
    national_value. A year without a value between a series' first and last is an empty point,
    so the line breaks there (2015 and 2020 are never joined)."""
    rows = max(1, math.ceil(len(panels) / columns))
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[title for _, title in panels],
        vertical_spacing=min(0.12, 0.5 / rows),
        horizontal_spacing=0.08,
    )
    for i, (key, _) in enumerate(panels):
        d = long[long["panel"] == key].sort_values("year")
        if not d.empty:
            years = range(int(d["year"].min()), int(d["year"].max()) + 1)
            d = d.set_index("year").reindex(years).rename_axis("year").reset_index()
        row, col = i // columns + 1, i % columns + 1
        fig.add_trace(
            go.Scatter(
                x=d["year"], y=d["region_value"], mode="lines+markers", name=labels[0],
                line={"color": "#2166ac"}, legendgroup="region", showlegend=i == 0,
            ),
            row=row, col=col,
        )  # fmt: skip
        if d["national_value"].notna().any():
            fig.add_trace(
                go.Scatter(
                    x=d["year"], y=d["national_value"], mode="lines+markers", name=labels[1],
                    line={"color": "#7f7f7f", "dash": "dot"}, legendgroup="national",
                    showlegend=i == 0,
                ),
                row=row, col=col,
            )  # fmt: skip
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_annotations(font_size=13)
    height = 90 + 230 * rows
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
        legend={"orientation": "h", "y": 1 + 35 / (height - 90), "yanchor": "bottom",
                "x": 0.5, "xanchor": "center"},
    )  # fmt: skip
    return fig


def indicator_long(indicators: pd.DataFrame) -> pd.DataFrame:
    """indicator_series rows in the shape series_grid_figure reads."""
    return pd.DataFrame(
        {
            "year": indicators["year"],
            "panel": indicators["indicator_code"],
            "region_value": indicators["value"].astype(float),
            "national_value": indicators["national_average"].astype(float),
        }
    )


def breakdown_figure(breakdown: pd.DataFrame, lang: str) -> go.Figure:
    colors = ["#b2182b" if p < 0 else "#2166ac" for p in breakdown["score_points"].astype(float)]
    fig = go.Figure(
        go.Bar(
            x=breakdown["score_points"].astype(float),
            y=breakdown["indicator"],
            orientation="h",
            marker_color=colors,
            text=[
                f"{i18n.class_label(c, lang)} ({float(p):.1f}%)"
                for c, p in zip(
                    breakdown["score_class"], breakdown["pct_of_national_average"], strict=True
                )
            ],
            textposition="auto",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_layout(
        height=60 + 40 * max(1, len(breakdown)),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"range": [-2.3, 2.3], "title": i18n.t("score_points", lang)},
        yaxis={"autorange": "reversed"},
    )
    return fig


def region_flags(tables: dict[str, pd.DataFrame], region: str) -> pd.DataFrame:
    """Mart rows of a region that carry a quality flag: table, keys, flag, note."""
    rows = []
    for name in ("fct_migration_balance", "fct_migration_attractiveness",
                 "fct_socioeconomic_scores"):  # fmt: skip
        df = tables.get(name)
        if df is None or "quality_flag" not in df.columns:
            continue
        sel = df[(df["region_code"] == region) & df["quality_flag"].notna()]
        flag = sel["quality_flag"].astype(str).str.strip()
        sel = sel[(flag != "") & ~flag.isin(UNFLAGGED)]
        for _, r in sel.iterrows():
            what = r.get("indicator_code") if "indicator_code" in r else r.get("flow_scope")
            rows.append(
                {
                    "table": name,
                    "year": r["year"],
                    "item": what if isinstance(what, str) else None,
                    "region_frame": r.get("region_frame"),
                    "quality_flag": r["quality_flag"],
                    "quality_note": r.get("quality_note"),
                }
            )
    cols = ["table", "year", "item", "region_frame", "quality_flag", "quality_note"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["year", "table", "item"], na_position="last").reset_index(drop=True)


def region_issues(issues: pd.DataFrame, region: str) -> pd.DataFrame:
    if issues is None or issues.empty or "region_code" not in issues.columns:
        return pd.DataFrame(columns=list(issues.columns) if issues is not None else [])
    return issues[issues["region_code"].astype("string") == region].reset_index(drop=True)
