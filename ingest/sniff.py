"""What a file really is, before its parser reads it: a parser's own error on a wrong kind of
file ("ZipError: invalid Zip archive", "UnicodeDecodeError ...") names the file but not the
cause. These checks read the first 4 KiB and say what the file is and what to do."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import IngestError

HEAD_BYTES = 4096
WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".json")


class WrongKindOfFileError(IngestError):
    """The file is empty, a web page, or text in an encoding the parsers do not read."""


def check_kind(path: Path, source_file: str) -> None:
    """Raise WrongKindOfFileError, naming the file, when it is not what its extension says."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    kind = "workbook" if path.suffix.lower() in WORKBOOK_SUFFIXES else f"{path.suffix} file"
    blank = not head.strip(b" \t\r\n\x00\xef\xbb\xbf")
    if blank and path.stat().st_size <= HEAD_BYTES:
        raise WrongKindOfFileError(
            "empty file (no bytes, or only blanks): the download or copy did not complete; "
            "fetch the file again",
            file=source_file,
        )
    if path.suffix.lower() in TEXT_SUFFIXES and (
        head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(head)
    ):
        raise WrongKindOfFileError(
            "UTF-16 text: save as UTF-8 (in Excel: Save As > 'CSV UTF-8'; or "
            "`iconv -f UTF-16 -t UTF-8`)",
            file=source_file,
        )
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        raise WrongKindOfFileError(
            f"an HTML page, not a {kind}: the server returned a web page (an error or sign-in "
            "page) instead of the file; download the file again from its source",
            file=source_file,
        )


def _utf16_without_bom(head: bytes) -> bool:
    """ASCII-range text in UTF-16 has a NUL byte in every other position."""
    sample = head[:512]
    if len(sample) < 8:
        return False
    return sample[1::2].count(0) > 0.4 * len(sample[1::2]) or (
        sample[0::2].count(0) > 0.4 * len(sample[0::2])
    )
