"""Drivers page: gravity coefficients, their plain-language reading, indicator scatters, the
distance decay of flows and the migration system indices over time. Pure functions: the marts
in, a DataFrame or a Plotly figure out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from streamlit_app import i18n

SIDE_COLORS = {"origin": "#b2182b", "destination": "#2166ac", "pair": "#4d4d4d"}
SYSTEM_INDICES = (
    "crude_migration_intensity",
    "migration_effectiveness_index",
    "aggregate_net_migration_rate",
    "mean_migration_distance_km",
)


def term_parts(term: str) -> tuple[str, str]:
    """(group, side) of a gravity term: ln_pct_<indicator>_<side>, ln_population_<side>, or the
    distance of the pair."""
    if term == "ln_distance_km":
        return "distance", "pair"
    stem, side = term.rsplit("_", 1)
    if stem.startswith("ln_pct_"):
        return stem[len("ln_pct_") :], side
    return stem[len("ln_") :], side


def coefficient_data(estimates: pd.DataFrame, model_id: str) -> pd.DataFrame:
    rows = estimates[estimates["model_id"] == model_id].copy()
    parts = rows["term"].map(term_parts)
    rows["group"] = parts.str[0]
    rows["side"] = parts.str[1]
    return rows[
        ["term", "group", "side", "estimate", "ci_low_95", "ci_high_95", "std_error", "p_value"]
    ]


def _group_label(group: str, lang: str) -> str:
    if group in ("population", "distance"):
        return i18n.t(f"drivers_{group}", lang)
    return i18n.indicator_label(group, lang)


def coefficient_figure(coefs: pd.DataFrame, lang: str) -> go.Figure:
    """Estimates with 95 % intervals; origin and destination side by side for each regressor."""
    fig = go.Figure()
    groups = list(dict.fromkeys(coefs["group"]))
    labels = [_group_label(g, lang) for g in groups]
    offsets = {"origin": -0.15, "destination": 0.15, "pair": 0.0}
    for side, color in SIDE_COLORS.items():
        part = coefs[coefs["side"] == side]
        if part.empty:
            continue
        y = [groups.index(g) + offsets[side] for g in part["group"]]
        fig.add_trace(
            go.Scatter(
                x=part["estimate"],
                y=y,
                mode="markers",
                name=i18n.t(f"drivers_side_{side}", lang),
                marker={"color": color, "size": 9},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": part["ci_high_95"] - part["estimate"],
                    "arrayminus": part["estimate"] - part["ci_low_95"],
                },
                hovertemplate="%{x:.3f}<extra></extra>",
            )
        )
    fig.add_vline(x=0, line_dash="dot", line_color="#888888")
    fig.update_layout(
        height=120 + 60 * len(groups),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis={"tickvals": list(range(len(groups))), "ticktext": labels, "autorange": "reversed"},
        xaxis={"title": i18n.t("drivers_elasticity", lang)},
        legend={"orientation": "h", "y": 1.08},
    )
    return fig


def _years(values) -> str:
    return ", ".join(str(int(y)) for y in sorted(set(values)))


def reading(estimates: pd.DataFrame, sample: pd.DataFrame, model_id: str, lang: str) -> str:
    """A plain-language reading of one model, generated from the marts."""
    est = estimates[estimates["model_id"] == model_id]
    rows = sample[sample["model_id"] == model_id]
    if est.empty:
        return i18n.t("no_data", lang)
    included = rows[rows["included"]]
    years = _years(included["year"])
    frames = ", ".join(
        f"{int(y)}: {f}" for y, f in included.groupby("year")["region_frame"].first().items()
    )
    excluded = rows[~rows["included"]]
    exclusions = "; ".join(
        f"{i18n.t('drivers_reason_' + reason, lang)} ({_years(g['year'])})"
        for reason, g in excluded.groupby("exclusion_reason")
    ) or i18n.t("drivers_none", lang)
    clear = est[(est["ci_low_95"] > 0) | (est["ci_high_95"] < 0)]
    findings = []
    for row in clear.itertuples():
        group, side = term_parts(row.term)
        key = "drivers_more" if row.estimate > 0 else "drivers_fewer"
        findings.append(
            i18n.t(
                key,
                lang,
                what=_group_label(group, lang),
                side=i18n.t(f"drivers_side_{side}", lang).lower(),
                pct=abs(row.estimate),
            )
        )
    unclear = len(est) - len(clear)
    return " ".join(
        [
            i18n.t(
                "drivers_reading_sample",
                lang,
                n=int(est["n_obs"].iloc[0]),
                years=years,
                frames=frames,
            ),
            i18n.t("drivers_reading_excluded", lang, exclusions=exclusions),
            " ".join(findings),
            i18n.t("drivers_reading_unclear", lang, n=unclear) if unclear else "",
            i18n.t("drivers_caution", lang),
        ]
    ).strip()


def scatter_data(
    scores: pd.DataFrame, balances: pd.DataFrame, indicator: str, year: int, frame: str, scope: str,
    names: dict[str, str],
) -> pd.DataFrame:  # fmt: skip
    """% of the national average of an indicator against net migration per 1,000, per region."""
    x = scores[
        (scores["indicator_code"] == indicator)
        & (scores["year"] == year)
        & (scores["region_frame"] == frame)
    ][["region_code", "pct_of_national_average"]]
    y = balances[
        (balances["year"] == year)
        & (balances["region_frame"] == frame)
        & (balances["flow_scope"] == scope)
    ][["region_code", "net_migration_per_1000"]]
    out = x.merge(y, on="region_code").dropna()
    out.insert(1, "region", out["region_code"].map(names))
    return out.sort_values("region_code").reset_index(drop=True)


def scatter_figure(points: pd.DataFrame, indicator: str, rho: float | None, lang: str) -> go.Figure:
    rho_text = "—" if rho is None or pd.isna(rho) else f"{rho:.2f}"
    fig = go.Figure(
        go.Scatter(
            x=points["pct_of_national_average"],
            y=points["net_migration_per_1000"],
            mode="markers+text",
            text=points["region"],
            textposition="top center",
            textfont={"size": 9},
            marker={"color": "#2166ac", "size": 8},
            hovertemplate="%{text}: %{x:.0f} %, %{y:.2f}<extra></extra>",
        )
    )
    fig.add_hline(y=0, line_dash="dot", line_color="#888888")
    fig.add_vline(x=100, line_dash="dot", line_color="#888888")
    fig.update_layout(
        title=f"{i18n.indicator_label(indicator, lang)}: ρ = {rho_text}",
        height=380,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={"title": i18n.t("drivers_pct_national", lang)},
        yaxis={"title": i18n.t("net_migration_per_1000", lang)},
    )
    return fig


def distance_decay_data(
    flows: pd.DataFrame, distances: pd.DataFrame, year: int, frame: str, names
) -> pd.DataFrame:
    keys = ["region_frame", "origin_region_code", "destination_region_code"]
    rows = flows[
        (flows["year"] == year) & (flows["region_frame"] == frame) & (flows["persons"] > 0)
    ]
    out = rows[[*keys, "persons"]].merge(distances[[*keys, "distance_km"]], on=keys)
    out.insert(2, "origin", out["origin_region_code"].map(names))
    out.insert(4, "destination", out["destination_region_code"].map(names))
    return out.drop(columns="region_frame").sort_values("distance_km").reset_index(drop=True)


def distance_decay_figure(points: pd.DataFrame, lang: str) -> go.Figure:
    """Flow against distance, both axes logarithmic, with the least-squares line of the logs."""
    fig = go.Figure(
        go.Scatter(
            x=points["distance_km"],
            y=points["persons"],
            mode="markers",
            marker={"color": "#2166ac", "size": 5, "opacity": 0.6},
            text=points["origin"] + " → " + points["destination"],
            hovertemplate="%{text}: %{x:.0f} km, %{y:,}<extra></extra>",
            name=i18n.t("persons", lang),
        )
    )
    if len(points) >= 2:
        slope, intercept = np.polyfit(np.log(points["distance_km"]), np.log(points["persons"]), 1)
        xs = np.array([points["distance_km"].min(), points["distance_km"].max()])
        fig.add_trace(
            go.Scatter(
                x=xs, y=np.exp(intercept) * xs**slope, mode="lines", line={"color": "#b2182b"},
                name=i18n.t("drivers_slope", lang, slope=slope),
            )
        )  # fmt: skip
    fig.update_layout(
        height=420,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"type": "log", "title": i18n.t("drivers_distance_km", lang)},
        yaxis={"type": "log", "title": i18n.t("persons", lang)},
        legend={"orientation": "h", "y": 1.08},
    )
    return fig


def indices_figure(indices: pd.DataFrame, frame: str, lang: str) -> go.Figure:
    """CMI, MEI, ANMR and the mean migration distance by year, one panel each."""
    rows = indices[indices["region_frame"] == frame].sort_values("year")
    fig = make_subplots(rows=2, cols=2, subplot_titles=[i18n.t(c, lang) for c in SYSTEM_INDICES])
    flagged = rows["quality_flag"] != "ok"
    for i, column in enumerate(SYSTEM_INDICES):
        fig.add_trace(
            go.Scatter(
                x=rows["year"],
                y=rows[column],
                mode="lines+markers",
                marker={"color": np.where(flagged, "#d6604d", "#2166ac"), "size": 8},
                line={"color": "#9e9e9e"},
                showlegend=False,
                hovertemplate="%{x}: %{y:.3f}<extra></extra>",
            ),
            row=i // 2 + 1,
            col=i % 2 + 1,
        )
    fig.update_layout(height=520, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig
