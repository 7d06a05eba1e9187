"""Errors raised while landing a file. Each names the file, sheet, row and column it is about."""

from __future__ import annotations


class IngestError(Exception):
    """A file could not be landed. The message names where the problem is."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file, self.sheet, self.row, self.column = file, sheet, row, column
        where = ", ".join(
            f"{label} {value!r}" if isinstance(value, str) else f"{label} {value}"
            for label, value in (("file", file), ("sheet", sheet), ("row", row), ("column", column))
            if value is not None
        )
        super().__init__(f"{message} ({where})" if where else message)
        self.bare_message = message


class LayoutDriftError(IngestError):
    """The file's layout is not the one its parser knows: a sheet or column is missing or renamed,
    or a header that should be a year/period is not."""


class ValueParseError(IngestError):
    """A cell holds text that is neither a number nor a known publisher symbol."""


class UnknownRegionError(IngestError):
    """A region name is not in the reviewed alias list (dbt_project/seeds/region_aliases.csv)."""
