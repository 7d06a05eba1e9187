import pytest

from ingest.errors import ValueParseError
from ingest.numbers import parse_number, value_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24 876", 24876.0),
        ("-32 970", -32970.0),
        ("1\u00a0234\u00a0567", 1234567.0),  # no-break spaces as thousands separators
        ("1\u202f234", 1234.0),  # narrow no-break space
        ("4,8", 4.8),  # comma decimal
        ("\u22122 085", -2085.0),  # U+2212 minus sign
        ("12 345,6", 12345.6),
        ("0", 0.0),
        (" 56 252 ", 56252.0),
        (994.0, 994.0),
        (7, 7.0),
        ("1.5e3", 1500.0),
    ],
)
def test_numbers_as_published(text, expected):
    parsed = parse_number(text)
    assert parsed.value == expected
    assert parsed.flag is None


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("-", "symbol_dash"),
        ("–", "symbol_dash"),
        ("…", "symbol_ellipsis"),
        ("...", "symbol_ellipsis"),
        ("x", "symbol_confidential"),
        ("х", "symbol_confidential"),  # Cyrillic
        ("", "empty"),
        ("  ", "empty"),
        (None, "empty"),
        (float("nan"), "empty"),
    ],
)
def test_publisher_symbols_map_to_null_with_flag(text, flag):
    parsed = parse_number(text)
    assert parsed.value is None
    assert parsed.flag == flag


@pytest.mark.parametrize("text", ["n/a", "12 345 руб", "1,234,567", "--", "1.2.3", "?"])
def test_unknown_text_fails(text):
    with pytest.raises(ValueParseError, match="unknown value"):
        parse_number(text)


def test_value_text_keeps_what_a_reader_sees():
    assert value_text(994.0) == "994"
    assert value_text(4.8) == "4.8"
    assert value_text("-32 970") == "-32 970"
    assert value_text(None) == ""
