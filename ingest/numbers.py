"""Parse numbers exactly as BNS and its republishers print them.

Handles thousands separators (space, no-break space U+00A0, narrow no-break space U+202F,
thin space U+2009), comma decimals, the minus sign U+2212 and en dash used as minus.
Publisher symbols that mean "no figure" map to NULL with a flag saying which symbol it was.
Anything else raises ValueParseError: nothing is guessed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ingest.errors import ValueParseError

# Symbol -> flag. BNS uses "-" for "no such phenomenon", "…"/"..." for "not available",
# "x" for "confidential"; an empty cell is a missing figure.
PUBLISHER_SYMBOLS: dict[str, str] = {
    "": "empty",
    "-": "symbol_dash",
    "–": "symbol_dash",
    "—": "symbol_dash",
    "…": "symbol_ellipsis",
    "...": "symbol_ellipsis",
    "x": "symbol_confidential",
    "х": "symbol_confidential",  # Cyrillic kha, as typed in Russian tables
    "X": "symbol_confidential",
    "Х": "symbol_confidential",
}

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class ParsedValue:
    value: float | None
    flag: str | None  # None when the text was a number


def value_text(raw: object) -> str:
    """The published text of a cell, as a reader would see it (floats from Excel lose '.0')."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, float):
        if math.isnan(raw):
            return ""
        return repr(int(raw)) if raw.is_integer() and abs(raw) < 1e15 else repr(raw)
    return str(raw)


def parse_number(raw: object) -> ParsedValue:
    """Parse one published value. Raises ValueParseError (without location) on unknown text."""
    if isinstance(raw, bool):
        raise ValueParseError(f"unexpected boolean value {raw!r}")
    if isinstance(raw, int | float) and not (isinstance(raw, float) and math.isnan(raw)):
        return ParsedValue(float(raw), None)
    text = value_text(raw).strip()
    if text in PUBLISHER_SYMBOLS:
        return ParsedValue(None, PUBLISHER_SYMBOLS[text])
    cleaned = _SPACES.sub("", text).replace("\u2212", "-").replace("\u2013", "-")
    if cleaned in PUBLISHER_SYMBOLS:
        return ParsedValue(None, PUBLISHER_SYMBOLS[cleaned])
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if _NUMBER.match(cleaned):
        return ParsedValue(float(cleaned), None)
    raise ValueParseError(f"unknown value {text!r}: not a number and not a publisher symbol")
