"""Check a downloaded body before it is stored: the layout its ingester reads, nothing else.

A BNS table export is tab-separated text with every field quoted and the header
`NAM, DAT, PERIOD, КАТО(...)/ӘАОЖ(...), [LКАТО(...), breakdowns...], VAL`; a Taldau answer is a
JSON list of `{terms, termNames, periods: [{name, date, value}]}`. An HTML page (an error or a
maintenance page served with status 200), a body cut short, or another header is refused with the
reason, so a bad answer never replaces a good earlier download.
"""

from __future__ import annotations

import csv
import io
import json
import re

from ingest.errors import LayoutDriftError
from ingest.parsers.bns_export import region_column
from ingest.parsers.taldau_json import read_index_data

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_PERIOD = re.compile(r"^\d{6}$")


class BodyError(ValueError):
    """The body is not the layout expected; the message says why."""


def _html_reason(body: bytes, content_type: str) -> str | None:
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    if "html" in content_type.lower() or head.startswith((b"<!doctype", b"<html", b"<")):
        title = _TITLE.search(body[:4096])
        text = title[1].decode("utf-8", "replace").strip() if title else ""
        return "an HTML page, not the data" + (f" (title {text!r})" if text else "")
    return None


def _text(body: bytes, content_type: str) -> str:
    if not body.strip():
        raise BodyError("empty body")
    html = _html_reason(body, content_type)
    if html:
        raise BodyError(html)
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BodyError(f"not UTF-8 text (byte {exc.start}); truncated or another format") from None


def validate_bns_csv(body: bytes, content_type: str = "") -> int:
    """Return the number of data rows; raise BodyError when the body is not a table export."""
    text = _text(body, content_type)
    first_line = text.split("\n", 1)[0].rstrip("\r")
    fields = first_line.split("\t")
    if len(fields) < 5:
        raise BodyError(f"not a tab-separated table export: first line {first_line[:160]!r}")
    unquoted = [f for f in fields if not (len(f) >= 2 and f[0] == f[-1] == '"')]
    if unquoted:
        raise BodyError(f"header fields are not quoted: {unquoted[:4]}")
    header = [f[1:-1] for f in fields]
    try:
        region_column(header, "")
    except LayoutDriftError as exc:
        raise BodyError(f"unexpected header: {exc.bare_message}") from None
    period_at = header.index("PERIOD")
    rows = 0
    try:
        reader = csv.reader(io.StringIO(text), delimiter="\t", strict=True)
        next(reader)
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != len(header):
                raise BodyError(
                    f"line {line} has {len(row)} fields, the header {len(header)} (truncated body?)"
                )
            if not _PERIOD.match(row[period_at].strip()):
                raise BodyError(f"line {line}: PERIOD {row[period_at]!r} is not YYYYMM")
            rows += 1
    except csv.Error as exc:
        raise BodyError(f"unparseable CSV (truncated body?): {exc}") from None
    if rows == 0:
        raise BodyError("the export holds a header and no data rows")
    return rows


def validate_taldau_json(body: bytes, content_type: str = "") -> int:
    """Return the number of territories; raise BodyError when the body is not a GetIndexData
    answer."""
    text = _text(body, content_type)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BodyError(f"not valid JSON (truncated body?): {exc}") from None
    try:
        read_index_data(doc, "")
    except LayoutDriftError as exc:
        where = f" at {exc.column}" if exc.column else ""
        raise BodyError(f"unexpected JSON layout{where}: {exc.bare_message}") from None
    return len(doc)


VALIDATORS = {"bns": validate_bns_csv, "taldau": validate_taldau_json}
