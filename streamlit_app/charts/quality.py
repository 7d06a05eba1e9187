"""Data quality page: how many of a frame's units have a value, per measure, scope and year."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from streamlit_app.charts.common import available_frames, frame_units, rows_frame
from streamlit_app.data import FLOW_SCOPES, INDICATORS, REGION_FRAMES

COVERAGE_MEASURES = (
    "arrivals",
    "departures",
    "net_migration",
    "population",
    "net_migration_per_1000",
    "migration_efficiency_pct",
    "attractiveness_coefficient",
    "od_flows",
    *INDICATORS,
)


def coverage(tables: dict[str, pd.DataFrame], flow_summary: pd.DataFrame | None) -> pd.DataFrame:
    """Rows (measure, flow_scope, region_frame, year, regions, units, share): how many of the
    frame's units have a value (for od_flows: how many units have outgoing flows)."""
    parts = []
    bal = tables.get("fct_migration_balance")
    if bal is not None:
        for col in ("arrivals", "departures", "net_migration", "population",
                    "net_migration_per_1000", "migration_efficiency_pct"):  # fmt: skip
            if col in bal.columns:
                g = bal.dropna(subset=[col]).groupby(["flow_scope", "region_frame", "year"])
                parts.append(g["region_code"].nunique().rename("regions").reset_index()
                             .assign(measure=col))  # fmt: skip
    att = tables.get("fct_migration_attractiveness")
    if att is not None:
        g = att.dropna(subset=["attractiveness_coefficient"]).groupby(
            ["flow_scope", "region_frame", "year"]
        )
        parts.append(
            g["region_code"].nunique().rename("regions").reset_index()
            .assign(measure="attractiveness_coefficient")
        )  # fmt: skip
    if flow_summary is not None and not flow_summary.empty:
        fs = flow_summary.rename(columns={"origins": "regions"}).copy()
        fs["flow_scope"] = "interregional"
        fs["measure"] = "od_flows"
        parts.append(fs[["flow_scope", "region_frame", "year", "regions", "measure"]])
    scores = tables.get("fct_socioeconomic_scores")
    frame_map = tables.get("region_frame_map")
    if scores is not None:
        s = scores.dropna(subset=["value"])
        for (code, year), g in s.groupby(["indicator_code", "year"]):
            frame = rows_frame(g, frame_map) if frame_map is not None else ""
            parts.append(
                pd.DataFrame(
                    [
                        {
                            "flow_scope": "—",
                            "region_frame": frame,
                            "year": year,
                            "regions": g["region_code"].nunique(),
                            "measure": str(code),
                        }
                    ]  # fmt: skip
                )
            )
    cols = ["measure", "flow_scope", "region_frame", "year", "regions", "units", "share"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out["year"] = out["year"].astype(int)
    out["regions"] = out["regions"].astype(int)
    sizes = (
        {f: len(frame_units(frame_map, f)) for f in available_frames(frame_map)}
        if frame_map is not None
        else {}
    )
    out["units"] = out["region_frame"].map(sizes).astype("Int64")
    out["share"] = (out["regions"] / out["units"]).astype(float).round(4)
    measure_rank = {m: i for i, m in enumerate(COVERAGE_MEASURES)}
    scope_rank = {s: i for i, s in enumerate((*FLOW_SCOPES, "—"))}
    frame_rank = {f: i for i, f in enumerate(REGION_FRAMES)}
    out = out.assign(
        _m=out["measure"].map(lambda m: measure_rank.get(m, len(measure_rank))),
        _s=out["flow_scope"].map(lambda v: scope_rank.get(v, 99)),
        _f=out["region_frame"].map(lambda v: frame_rank.get(v, 99)),
    )
    out = out.sort_values(["_m", "measure", "_s", "_f", "year"])
    return out[cols].reset_index(drop=True)


def coverage_figure(cov: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    if cov.empty:
        return fig
    cov = cov.assign(row=cov["measure"] + " · " + cov["flow_scope"] + " · " + cov["region_frame"])
    rows = list(dict.fromkeys(cov["row"]))
    years = sorted(cov["year"].unique())
    count = cov.pivot_table(index="row", columns="year", values="regions", aggfunc="max")
    count = count.reindex(index=rows, columns=years)
    share = cov.pivot_table(index="row", columns="year", values="share", aggfunc="max")
    share = share.reindex(index=rows, columns=years)
    text = [["" if pd.isna(v) else str(int(v)) for v in r] for r in count.to_numpy()]
    fig.add_trace(
        go.Heatmap(
            z=[[None if pd.isna(v) else float(v) for v in r] for r in share.to_numpy()],
            x=[str(y) for y in years],
            y=rows,
            text=text,
            texttemplate="%{text}",
            colorscale=[[0, "#fee8c8"], [0.5, "#fdbb84"], [0.999, "#a1d99b"], [1, "#31a354"]],
            zmin=0,
            zmax=1,
            showscale=False,
            xgap=1,
            ygap=1,
            hovertemplate="%{y}<br>%{x}: %{text} (%{z:.0%})<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", type="category")
    fig.update_layout(
        height=max(300, 20 * len(rows) + 80),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        plot_bgcolor="white",
    )
    return fig
