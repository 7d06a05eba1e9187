"""Synthetic sizes: parsed from the command line, labelled in run names and reports."""

from __future__ import annotations


def parse_size(text: str) -> int:
    value = float(text)
    if not value.is_integer() or value <= 0:
        raise ValueError(f"size must be a positive whole number of rows, not {text!r}")
    return int(value)


def size_label(rows: int) -> str:
    exp = len(str(rows)) - 1
    return f"1e{exp}" if rows == 10**exp else str(rows)
