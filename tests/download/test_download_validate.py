"""Body checks run before a download is stored."""

from __future__ import annotations

import json

import pytest

from ingest.download.validate import BodyError, validate_bns_csv, validate_taldau_json
from tests.download.fakes import HTML_ERROR, tsv_quoted


def test_real_figures_pass(bns_6567, taldau_704447):
    assert validate_bns_csv(bns_6567) == 2 * (1 + 20 * 2 + 2)  # per year: RK, 20 x 2, 2 districts
    assert validate_taldau_json(taldau_704447) == 19  # the Republic + 18 regions of the file


@pytest.mark.parametrize("validate", [validate_bns_csv, validate_taldau_json])
def test_html_page_is_refused_with_its_title(validate):
    with pytest.raises(BodyError, match="HTML page.*Технические работы"):
        validate(HTML_ERROR.body, "text/html")


@pytest.mark.parametrize("validate", [validate_bns_csv, validate_taldau_json])
def test_empty_body_is_refused(validate):
    with pytest.raises(BodyError, match="empty body"):
        validate(b"", "")


def test_bns_truncated_mid_row_is_refused(bns_6567):
    cut = bns_6567[: len(bns_6567) // 2]
    with pytest.raises(BodyError, match="truncated|not UTF-8"):
        validate_bns_csv(cut)


def test_bns_truncated_inside_a_quoted_field_is_refused(bns_6567):
    text = bns_6567.decode("utf-8")
    cut = text[: text.index('"ОБЛАСТЬ АБАЙ"') + 5].encode("utf-8")
    with pytest.raises(BodyError, match="truncated"):
        validate_bns_csv(cut)


def test_bns_unexpected_header_is_refused(bns_6567):
    renamed = bns_6567.replace(b'"VAL"', b'"VALUE"', 1)
    with pytest.raises(BodyError, match="unexpected header: column 'VAL' missing"):
        validate_bns_csv(renamed)
    header = ["NAM", "DAT", "PERIOD", "Регион", "VAL"]
    no_region = tsv_quoted([header, ["a", "b", "202312", "c", "1"]])
    with pytest.raises(BodyError, match="one region column"):
        validate_bns_csv(no_region)


def test_bns_unquoted_or_comma_separated_is_refused():
    unquoted = "NAM\tDAT\tPERIOD\tКАТО(по каталогу)\tVAL\r\na\tb\t202312\tc\t1\r\n".encode()
    with pytest.raises(BodyError, match="not quoted"):
        validate_bns_csv(unquoted)
    commas = '"NAM","DAT","PERIOD","КАТО(по каталогу)","VAL"\r\n'.encode()
    with pytest.raises(BodyError, match="not a tab-separated"):
        validate_bns_csv(commas)


def test_bns_header_only_is_refused(bns_6567):
    header_only = bns_6567.split(b"\r\n", 1)[0] + b"\r\n"
    with pytest.raises(BodyError, match="no data rows"):
        validate_bns_csv(header_only)


def test_taldau_truncated_json_is_refused(taldau_704447):
    with pytest.raises(BodyError, match="not valid JSON"):
        validate_taldau_json(taldau_704447[:-200])


@pytest.mark.parametrize(
    "doc, reason",
    [
        ({"error": "index not found"}, "non-empty JSON list"),
        ([], "non-empty JSON list"),
        ([{"termNames": ["A"], "periods": []}], "keys missing: \\['terms'\\]"),
        ([{"terms": [1], "termNames": ["A"], "periods": [{"date": "31.12.2004"}]}], "period must"),
        ([{"terms": [1, 2], "termNames": ["A", "B"], "periods": []}], "one territory"),
    ],
)
def test_taldau_unexpected_layout_is_refused(doc, reason):
    with pytest.raises(BodyError, match=reason):
        validate_taldau_json(json.dumps(doc).encode())
