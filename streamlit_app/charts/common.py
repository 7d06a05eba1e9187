"""What the page chart modules share: colours, region names, the frames and their units, the
order of flow scopes and indicators, and the region-name column added to a table."""

from __future__ import annotations

import pandas as pd

from streamlit_app import i18n
from streamlit_app.data import FLOW_SCOPES, INDICATORS, REGION_FRAMES

UNFLAGGED = ("ok",)  # the marts write quality_flag = 'ok' where nothing applies
NO_DATA_COLOR = "#d9d9d9"
BORDER_COLOR = "#ffffff"
CLASS_COLORS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")  # very low .. very high
DIVERGING = "RdBu"


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


def indicator_order(codes) -> list[str]:
    present = {str(c) for c in codes}
    return [c for c in INDICATORS if c in present] + sorted(present - set(INDICATORS))


def with_region_names(
    df: pd.DataFrame, names: dict[str, str], col: str = "region_code"
) -> pd.DataFrame:
    """A copy with a `region` column (the name in the chosen language) right after `col`."""
    out = df.copy()
    out.insert(out.columns.get_loc(col) + 1, "region", out[col].map(names).fillna(out[col]))
    return out
