"""What the page chart modules share: colours, region names, the frames and their units, the
order of flow scopes and indicators, and the region-name column added to a table."""

from __future__ import annotations

import pandas as pd

from streamlit_app import i18n
from streamlit_app.data import FLOW_SCOPES, Vocabulary

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


def available_frames(frame_map: pd.DataFrame, vocab: Vocabulary) -> list[str]:
    """The frames of the frame map, in the build's order (newest first)."""
    present = set(frame_map["region_frame"].dropna().astype(str))
    known = vocab.region_frames
    return [f for f in known if f in present] + sorted(present - set(known))


def natural_frame(codes, frame_map: pd.DataFrame, vocab: Vocabulary) -> str:
    """The frame a set of region codes belongs to (e.g. the units scored in one year): the frame
    whose units are exactly these codes, else the coarsest frame that has all of them (kz17's
    units are also kz20 units, but a year with 17 of them is a kz17 year)."""
    wanted = {str(c) for c in codes}
    frames = available_frames(frame_map, vocab)
    units = {f: set(frame_units(frame_map, f)) for f in frames}
    for frame in frames:
        if units[frame] == wanted:
            return frame
    containing = [f for f in frames if wanted <= units[f]]
    if containing:
        return min(containing, key=lambda f: len(units[f]))
    if frames:
        return max(frames, key=lambda f: len(units[f]))
    return vocab.region_frames[0] if vocab.region_frames else ""


def rows_frame(df: pd.DataFrame, frame_map: pd.DataFrame, vocab: Vocabulary) -> str:
    """The frame of a set of rows: their `region_frame` column where it has one value (the
    scores and scorecard marts carry it), else inferred from the region codes."""
    if "region_frame" in df.columns:
        frames = set(df["region_frame"].dropna().astype(str))
        if len(frames) == 1:
            return frames.pop()
    return natural_frame(df["region_code"], frame_map, vocab)


def ordered_scopes(values) -> list[str]:
    present = {str(v) for v in values if isinstance(v, str)}
    return [s for s in FLOW_SCOPES if s in present] + sorted(present - set(FLOW_SCOPES))


def indicator_order(codes, vocab: Vocabulary) -> list[str]:
    """The indicators among `codes` in the order of the build's indicator seed, others after."""
    present = {str(c) for c in codes}
    known = vocab.indicators
    return [c for c in known if c in present] + sorted(present - set(known))


def with_region_names(
    df: pd.DataFrame, names: dict[str, str], col: str = "region_code"
) -> pd.DataFrame:
    """A copy with a `region` column (the name in the chosen language) right after `col`."""
    out = df.copy()
    out.insert(out.columns.get_loc(col) + 1, "region", out[col].map(names).fillna(out[col]))
    return out
