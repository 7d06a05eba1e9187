"""Period labels as BNS prints them, normalised to (year, period, period_type).

Normalised periods: `2022` (year), `2022-Q3` (quarter), `2022-H1` / `2022-9M` (cumulative from
January), `2024-05` (month). Footnote marks glued to labels (`9 месяцев 2019 года3)`) are ignored.
"""

from __future__ import annotations

import re

from ingest.errors import LayoutDriftError

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
MONTHS_EN = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?P<y>\d{4})\s*(год|года|г\.?|year)?$"), "year"),
    (re.compile(r"^(?P<q>I{1,3}|IV)\s*квартал\s*(?P<y>\d{4})\s*(года|г\.?)?$"), "quarter"),
    (re.compile(r"^(?P<q>[1-4])\s*квартал\s*(?P<y>\d{4})\s*(года|г\.?)?$"), "quarter"),
    (re.compile(r"^I\s*полугодие\s*(?P<y>\d{4})\s*(года|г\.?)?$"), "H1"),
    (re.compile(r"^9\s*месяцев\s*(?P<y>\d{4})\s*(года|г\.?)?$"), "9M"),
    (re.compile(r"^(?P<y>\d{4})-Q(?P<q>[1-4])$"), "quarter"),
]
_FOOTNOTE = re.compile(r"(\s*\d{1,2}\))+\s*$")


def parse_period_label(label: object, **where) -> tuple[int, str, str]:
    """'I квартал 2008 года' -> (2008, '2008-Q1', 'quarter'); raises LayoutDriftError."""
    text = str(int(label)) if isinstance(label, float) and label.is_integer() else str(label)
    text = re.sub(r"\s+", " ", _FOOTNOTE.sub("", text.replace("\u00a0", " "))).strip()
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        year = int(match["y"])
        if kind == "year":
            return year, str(year), "year"
        if kind == "quarter":
            q = match["q"]
            return year, f"{year}-Q{ROMAN.get(q) or int(q)}", "quarter"
        return year, f"{year}-{kind}", "cumulative"
    raise LayoutDriftError(f"period header expected, found {label!r}", **where)


def english_subperiod(year: int, label: object, **where) -> tuple[str, str]:
    """Second header row of English BNS tables: 'I quarter' .. 'IV quarter', 'year'. Some columns
    of the English table carry the Russian label ('III квартал', 'год'); both mean the same."""
    text = re.sub(r"\s+", " ", _FOOTNOTE.sub("", str(label))).strip().lower()
    if text in ("year", "год"):
        return str(year), "year"
    match = re.match(r"^(i{1,3}|iv) (quarter|квартал)$", text)
    if match:
        return f"{year}-Q{ROMAN[match[1].upper()]}", "quarter"
    raise LayoutDriftError(f"quarter or 'year' header expected, found {label!r}", **where)


def yyyymm(period: object, period_type: str, **where) -> tuple[int, str]:
    """BNS export PERIOD `201509` -> (2015, '2015-Q3') for quarterly tables, '2015' for annual."""
    text = str(period).strip()
    if not re.fullmatch(r"\d{6}", text) or not 1 <= int(text[4:]) <= 12:
        raise LayoutDriftError(f"PERIOD must be YYYYMM, found {period!r}", **where)
    year, month = int(text[:4]), int(text[4:])
    if period_type == "year":
        return year, str(year)
    if period_type == "quarter":
        if month % 3:
            raise LayoutDriftError(f"quarterly PERIOD must end a quarter, found {text}", **where)
        return year, f"{year}-Q{month // 3}"
    return year, f"{year}-{month:02d}"
