"""Every table the app shows can be downloaded as CSV (UTF-8 with BOM, so Excel reads Cyrillic
and Kazakh letters) and as an Excel workbook (xlsxwriter)."""

from __future__ import annotations

import io
import re

import pandas as pd

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _scalar(value):
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        return value
    if isinstance(value, dict):
        return str(value)
    return ", ".join(map(str, list(value)))


def _excel_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Excel cannot hold lists or timezone-aware times: lists become text, times lose the zone."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = s.dt.tz_convert("UTC").dt.tz_localize(None)
        elif s.dtype == object:
            out[col] = s.map(_scalar)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8-sig")


def sheet_name(name: str) -> str:
    return _BAD_SHEET_CHARS.sub("_", name)[:31] or "data"


def to_excel_bytes(df: pd.DataFrame, name: str = "data") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
        _excel_safe(df).to_excel(writer, sheet_name=sheet_name(name), index=False)
        sheet = writer.sheets[sheet_name(name)]
        sheet.freeze_panes(1, 0)
        for i, col in enumerate(df.columns):
            width = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)])
            sheet.set_column(i, i, min(60, max(8, width + 2)))
    return buf.getvalue()
