"""Flows page: the largest flows into and out of a region and the Sankey of a year's flows."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from streamlit_app import i18n


def top_flows(
    flows: pd.DataFrame, region: str, direction: str, names: dict[str, str], n: int = 10
) -> pd.DataFrame:
    """The n largest flows into (`direction='in'`) or out of (`'out'`) a region."""
    if direction == "in":
        df = flows[flows["destination_region_code"] == region]
    elif direction == "out":
        df = flows[flows["origin_region_code"] == region]
    else:
        raise ValueError(direction)
    df = df[df["origin_region_code"] != df["destination_region_code"]]
    df = df.sort_values(
        ["persons", "origin_region_code", "destination_region_code"],
        ascending=[False, True, True],
    ).head(n)
    out = df[["origin_region_code", "destination_region_code", "persons"]].copy()
    out.insert(1, "origin", out["origin_region_code"].map(names))
    out.insert(3, "destination", out["destination_region_code"].map(names))
    total = flows.loc[
        flows["destination_region_code" if direction == "in" else "origin_region_code"] == region,
        "persons",
    ].sum()
    out["share_of_region_total"] = out["persons"] / total if total else None
    return out.reset_index(drop=True)


def top_flows_figure(top: pd.DataFrame, direction: str, lang: str) -> go.Figure:
    label_col = "origin" if direction == "in" else "destination"
    fig = go.Figure(
        go.Bar(
            x=top["persons"],
            y=top[label_col],
            orientation="h",
            marker_color="#2166ac" if direction == "in" else "#b2182b",
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    fig.update_layout(
        height=80 + 26 * max(1, len(top)),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"autorange": "reversed"},
        xaxis={"title": i18n.t("persons", lang)},
    )
    return fig


def sankey_data(flows: pd.DataFrame, names: dict[str, str], top_n: int) -> pd.DataFrame:
    """The links of the Sankey: the top_n largest flows between different regions."""
    df = flows[flows["origin_region_code"] != flows["destination_region_code"]]
    df = df.sort_values(
        ["persons", "origin_region_code", "destination_region_code"],
        ascending=[False, True, True],
    ).head(top_n)
    out = df[["origin_region_code", "destination_region_code", "persons"]].copy()
    out.insert(1, "origin", out["origin_region_code"].map(names))
    out.insert(3, "destination", out["destination_region_code"].map(names))
    return out.reset_index(drop=True)


def sankey_figure(links: pd.DataFrame) -> go.Figure:
    """Origins on the left, destinations on the right (a region appears on both sides)."""
    origins = sorted(set(links["origin_region_code"]))
    dests = sorted(set(links["destination_region_code"]))
    names = dict(zip(links["origin_region_code"], links["origin"], strict=True))
    names.update(zip(links["destination_region_code"], links["destination"], strict=True))
    palette = sample_colorscale(
        "Turbo", [i / max(1, len(origins) - 1) for i in range(len(origins))]
    )
    color = dict(zip(origins, palette, strict=True))
    node_labels = [names[c] for c in origins] + [names[c] for c in dests]
    node_colors = [color[c] for c in origins] + ["#9e9e9e"] * len(dests)
    src = [origins.index(c) for c in links["origin_region_code"]]
    dst = [len(origins) + dests.index(c) for c in links["destination_region_code"]]
    link_colors = [
        color[c].replace("rgb(", "rgba(").replace(")", ", 0.45)")
        for c in links["origin_region_code"]
    ]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            textfont={"color": "#111111", "size": 12, "shadow": "0px 0px 3px #ffffff"},
            node={"label": node_labels, "color": node_colors, "pad": 8, "thickness": 14},
            link={
                "source": src,
                "target": dst,
                "value": links["persons"].astype(float).tolist(),
                "color": link_colors,
            },
        )
    )
    fig.update_layout(height=720, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return fig
