"""The data behind every chart and table of the app, and the Plotly figures drawn from it.

Every function is pure (DataFrames in, DataFrame or figure out) so the tests can assert on the
exact rows behind a chart without a browser. Pages call `*_data` first, then the matching
`*_figure`, and offer the `*_data` frame as the downloadable table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from streamlit_app import i18n
from streamlit_app.data import FLOW_SCOPES, INDICATORS, REGION_FRAMES, SCORE_CLASSES

UNFLAGGED = ("ok",)  # the marts write quality_flag = 'ok' where nothing applies
NO_DATA_COLOR = "#d9d9d9"
BORDER_COLOR = "#ffffff"
CLASS_COLORS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")  # very low .. very high
DIVERGING = "RdBu"
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


# ---------------------------------------------------------------------------------------------
# regions and frames


def region_names(dim_region: pd.DataFrame, lang: str) -> dict[str, str]:
    col = i18n.name_column(lang)
    names = dim_region.set_index("region_code")[col]
    fallback = dim_region.set_index("region_code")["region_name_en"]
    return {
        str(code): str(name) if isinstance(name, str) and name else str(fallback[code])
        for code, name in names.items()
    }


def frame_units(frame_map: pd.DataFrame, frame: str) -> list[str]:
    """The units of a frame (its distinct frame_region_code), in code order."""
    units = frame_map.loc[frame_map["region_frame"] == frame, "frame_region_code"]
    return sorted({str(u) for u in units.dropna()})


def available_frames(frame_map: pd.DataFrame) -> list[str]:
    present = set(frame_map["region_frame"].dropna().astype(str))
    return [f for f in REGION_FRAMES if f in present] + sorted(present - set(REGION_FRAMES))


def natural_frame(codes, frame_map: pd.DataFrame) -> str:
    """The frame a set of region codes belongs to (e.g. the units scored in one year): the frame
    whose units are exactly these codes, else the coarsest frame that has all of them (kz17's
    units are also kz20 units, but a year with 17 of them is a kz17 year)."""
    wanted = {str(c) for c in codes}
    frames = available_frames(frame_map)
    units = {f: set(frame_units(frame_map, f)) for f in frames}
    for frame in frames:
        if units[frame] == wanted:
            return frame
    containing = [f for f in frames if wanted <= units[f]]
    if containing:
        return min(containing, key=lambda f: len(units[f]))
    return max(frames, key=lambda f: len(units[f])) if frames else REGION_FRAMES[0]


def rows_frame(df: pd.DataFrame, frame_map: pd.DataFrame) -> str:
    """The frame of a set of rows: their `region_frame` column where it has one value (the
    scores and scorecard marts carry it), else inferred from the region codes."""
    if "region_frame" in df.columns:
        frames = set(df["region_frame"].dropna().astype(str))
        if len(frames) == 1:
            return frames.pop()
    return natural_frame(df["region_code"], frame_map)


def ordered_scopes(values) -> list[str]:
    present = {str(v) for v in values if isinstance(v, str)}
    return [s for s in FLOW_SCOPES if s in present] + sorted(present - set(FLOW_SCOPES))


# ---------------------------------------------------------------------------------------------
# overview


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


def _feature_area(feature: dict) -> float:
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
    features = sorted(geojson["features"], key=lambda f: -_feature_area(f))
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
        if _feature_area(feature) < SMALL_UNIT_AREA:
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


# ---------------------------------------------------------------------------------------------
# paper figures


def _with_names(df: pd.DataFrame, names: dict[str, str], col: str = "region_code") -> pd.DataFrame:
    out = df.copy()
    out.insert(out.columns.get_loc(col) + 1, "region", out[col].map(names).fillna(out[col]))
    return out


def balance_by_year(
    balance: pd.DataFrame, scope: str, frame: str, names: dict[str, str]
) -> pd.DataFrame:
    """Figure 1 rows: region, year, net_migration (persons) for one scope and frame."""
    df = balance[(balance["flow_scope"] == scope) & (balance["region_frame"] == frame)]
    df = df.dropna(subset=["net_migration"])
    cols = ["region_code", "year", "net_migration", "source_id"]
    cols += [c for c in ("quality_flag",) if c in df.columns]
    out = df[cols].sort_values(["region_code", "year"]).reset_index(drop=True)
    return _with_names(out, names)


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
    return _with_names(out, names)


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
    out = _with_names(out, names)
    out.insert(3, "indicator", out["indicator_code"].map(lambda c: i18n.indicator_label(c, lang)))
    return out.sort_values(["total_score_points", "region_code", "indicator_code"],
                           ascending=[False, True, True]).reset_index(drop=True)  # fmt: skip


def indicator_order(codes) -> list[str]:
    present = {str(c) for c in codes}
    return [c for c in INDICATORS if c in present] + sorted(present - set(INDICATORS))


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
    from plotly.subplots import make_subplots

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


# ---------------------------------------------------------------------------------------------
# region profile

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
    scores: pd.DataFrame, scorecard: pd.DataFrame, region: str, year: int, lang: str
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
    order = {c: i for i, c in enumerate(indicator_order(out["indicator_code"]))}
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
    national_value."""
    from plotly.subplots import make_subplots

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


# ---------------------------------------------------------------------------------------------
# flows


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


# ---------------------------------------------------------------------------------------------
# coverage


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
