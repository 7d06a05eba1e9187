"""Overview page: one value per region for a measure, year, scope and frame; the ranking; the
choropleth drawn from the committed region outlines."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from streamlit_app import i18n
from streamlit_app.charts.common import BORDER_COLOR, DIVERGING, NO_DATA_COLOR

_LAT_ASPECT = 1 / math.cos(math.radians(48.0))


@dataclass(frozen=True)
class Measure:
    table: str
    column: str
    midpoint: float
    scoped: bool  # has flow_scope and region_frame
    number_format: str


MEASURES: dict[str, Measure] = {
    "attractiveness_coefficient": Measure(
        "fct_migration_attractiveness", "attractiveness_coefficient", 1.0, True, ".3f"
    ),
    "net_migration_per_1000": Measure(
        "fct_migration_balance", "net_migration_per_1000", 0.0, True, ".2f"
    ),
    "migration_efficiency_pct": Measure(
        "fct_migration_balance", "migration_efficiency_pct", 0.0, True, ".1f"
    ),
    "total_score_points": Measure("fct_region_scorecard", "total_score_points", 0.0, False, ".1f"),
}


def measure_slices(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    """(flow_scope, region_frame, year, regions) where the measure has values."""
    m = MEASURES[measure]
    df = table.dropna(subset=[m.column])
    keys = ["flow_scope", "region_frame", "year"] if m.scoped else ["year"]
    out = df.groupby(keys, dropna=False).size().rename("regions").reset_index()
    return out.sort_values(keys).reset_index(drop=True)


def overview_data(
    table: pd.DataFrame,
    measure: str,
    year: int,
    scope: str | None = None,
    frame: str | None = None,
) -> pd.DataFrame:
    """One value per region for the map and the ranked table: region_code, value, quality_flag,
    plus flow_scope/region_frame for scoped measures."""
    m = MEASURES[measure]
    df = table[table["year"] == year]
    if m.scoped:
        df = df[(df["flow_scope"] == scope) & (df["region_frame"] == frame)]
    df = df.dropna(subset=[m.column])
    cols = ["region_code", m.column]
    cols += [c for c in ("flow_scope", "region_frame") if m.scoped]
    cols += [c for c in ("quality_flag",) if c in df.columns]
    out = df[cols].rename(columns={m.column: "value"}).copy()
    out["value"] = out["value"].astype(float)
    return out.sort_values(["value", "region_code"], ascending=[False, True]).reset_index(drop=True)


def ranked(values: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The ranked table: 1 = highest value."""
    out = values.copy()
    out.insert(0, "rank", out["value"].rank(method="min", ascending=False).astype("Int64"))
    out.insert(2, "region", out["region_code"].map(names).fillna(out["region_code"]))
    return out.sort_values(["rank", "region_code"]).reset_index(drop=True)


def _label_point(polygons: list) -> tuple[float, float]:
    """Area centroid of the exterior ring of a feature's largest polygon."""
    ring = max((p[0] for p in polygons), key=_ring_area)
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if a == 0:
        return ring[0][0], ring[0][1]
    return cx / (3 * a), cy / (3 * a)


def _ring_area(ring) -> float:
    return 0.5 * abs(
        sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))
    )


def feature_area(feature: dict) -> float:
    return sum(_ring_area(p[0]) for p in feature["geometry"]["coordinates"])


SMALL_UNIT_AREA = 1.0  # square degrees: the three cities are ~0.1; the smallest oblast ~15


@dataclass(frozen=True)
class ColorScale:
    """How values map to colours: linear around a midpoint, or log10 around 1 for ratios."""

    cmin: float
    cmax: float
    log: bool
    tickvals: tuple[float, ...] = ()
    ticktext: tuple[str, ...] = ()

    def position(self, value: float) -> float:
        v = math.log10(value) if self.log else value
        if self.cmax == self.cmin:
            return 0.5
        return min(1.0, max(0.0, (v - self.cmin) / (self.cmax - self.cmin)))

    def color(self, value: float) -> str:
        return sample_colorscale(DIVERGING, [self.position(value)])[0]


def color_scale(values, measure: str) -> ColorScale:
    """A diverging scale symmetric around the measure's neutral value (1 for the coefficient,
    on a log scale so that 0.5 and 2 are equally far from 1; 0 for the others)."""
    m = MEASURES[measure]
    finite = [float(v) for v in values if v is not None and not pd.isna(v)]
    if measure == "attractiveness_coefficient":
        logs = [math.log10(v) for v in finite if v > 0]
        span = max((abs(v) for v in logs), default=0.3) or 0.3
        ticks = [t for t in (0.1, 0.2, 0.25, 0.5, 0.75, 1, 1.5, 2, 4, 5, 10)
                 if abs(math.log10(t)) <= span + 1e-9]  # fmt: skip
        return ColorScale(-span, span, True, tuple(math.log10(t) for t in ticks),
                          tuple(f"{t:g}" for t in ticks))  # fmt: skip
    span = max((abs(v - m.midpoint) for v in finite), default=1.0) or 1.0
    return ColorScale(m.midpoint - span, m.midpoint + span, False)


def map_figure(
    geojson: dict,
    values: pd.DataFrame,
    names: dict[str, str],
    measure: str,
    lang: str,
) -> go.Figure:
    """A choropleth drawn as filled polygons on plain axes (no map tiles, no topojson download:
    works offline). One trace per region, largest first; the three cities, too small to see as
    areas, are also drawn as coloured circles. Each region trace's `meta` carries its
    region_code and value for tests."""
    m = MEASURES[measure]
    by_code = dict(zip(values["region_code"], values["value"], strict=True))
    scale = color_scale(by_code.values(), measure)
    features = sorted(geojson["features"], key=lambda f: -feature_area(f))
    fig = go.Figure()
    labels: list[tuple[float, float, str, str]] = []
    cities: list[tuple[float, float, str, str, float]] = []
    for feature in features:
        code = str(feature["id"])
        value = by_code.get(code)
        has_value = value is not None and not pd.isna(value)
        name = names.get(code, code)
        shown = format(float(value), m.number_format) if has_value else i18n.t("no_value", lang)
        xs: list[float | None] = []
        ys: list[float | None] = []
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                xs.extend(p[0] for p in ring)
                ys.extend(p[1] for p in ring)
                xs.append(None)
                ys.append(None)
        fill = {"fillcolor": scale.color(float(value))} if has_value else {
            "fillcolor": NO_DATA_COLOR,
            "fillpattern": {"shape": "/", "fgcolor": "#9e9e9e", "size": 6},
        }  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                line={"color": BORDER_COLOR, "width": 0.8},
                hoveron="fills",
                hoverinfo="text",
                text=f"{name}: {shown}",
                name=name,
                showlegend=False,
                meta={"region_code": code, "value": float(value) if has_value else None},
                **fill,
            )
        )
        x, y = _label_point(feature["geometry"]["coordinates"])
        if feature_area(feature) < SMALL_UNIT_AREA:
            cities.append((x, y, f"{name}: {shown}",
                           scale.color(float(value)) if has_value else NO_DATA_COLOR,
                           float(value) if has_value else None))  # fmt: skip
        elif has_value:
            dark = abs(scale.position(float(value)) - 0.5) > 0.32
            labels.append((x, y, format(float(value), m.number_format),
                           "#ffffff" if dark else "#222222"))  # fmt: skip
    # move an area label away from a city marker drawn on top of it
    for i, (x, y, text, color) in enumerate(labels):
        if any(abs(x - cx) < 1.8 and abs(y - cy) < 1.0 for cx, cy, *_ in cities):
            labels[i] = (x, y + 1.1, text, color)
    if labels:
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in labels],
                y=[p[1] for p in labels],
                mode="text",
                text=[p[2] for p in labels],
                textfont={"size": 10, "color": [p[3] for p in labels]},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    if cities:
        fig.add_trace(
            go.Scatter(
                x=[c[0] for c in cities],
                y=[c[1] for c in cities],
                mode="markers",
                marker={
                    "size": 15,
                    "color": [c[3] for c in cities],
                    "line": {"color": "#333", "width": 1},
                },  # fmt: skip
                text=[c[2] for c in cities],
                hoverinfo="text",
                showlegend=False,
            )
        )
    # an invisible marker trace that carries the colour bar
    colorbar = {"thickness": 12, "len": 0.8}
    if scale.log:
        colorbar.update(tickvals=list(scale.tickvals), ticktext=list(scale.ticktext))
    anchor = labels[0][:2] if labels else (67.0, 48.0)
    fig.add_trace(
        go.Scatter(
            x=[anchor[0]] * 2,
            y=[anchor[1]] * 2,
            mode="markers",
            marker={
                "size": 0.1,
                "opacity": 0,
                "color": [scale.cmin, scale.cmax],
                "cmin": scale.cmin,
                "cmax": scale.cmax,
                "colorscale": DIVERGING,
                "showscale": True,
                "colorbar": colorbar,
            },
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=_LAT_ASPECT)
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        height=360,
        plot_bgcolor="white",
        hovermode="closest",
        dragmode="pan",
    )
    return fig
