"""Resolve every spelling of a region found in the sources to its 9-digit KATO code.

The reviewed list of spellings is dbt_project/seeds/region_aliases.csv (the same file dbt loads
as a seed, so the warehouse and the ingesters share one truth). Names are compared after a light
normalisation that removes only typography: case, footnote marks glued to the name
(`Туркестанская2)`, `Туркестанская**`), underscores, repeated spaces, `ё`. Nothing is guessed:
a name that is not in the list, or that matches two regions, fails loudly.

Some spellings depend on how a file names regions (`region_naming` in the source registry):
in a `historical` file `Туркестанская` before 2018 means South Kazakhstan (KATO 51), in a
`current` file it always means Turkestan Region (61).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.errors import UnknownRegionError

SEEDS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"
ALIASES_CSV = SEEDS_DIR / "region_aliases.csv"
REGIONS_CSV = SEEDS_DIR / "regions.csv"
NATIONAL_CODE = "000000000"
NAMINGS = ("historical", "current")

_FOOTNOTE = re.compile(r"(\s*(\d{1,2}\)|\*+))+$")
_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    text = str(name).replace("\u00a0", " ").replace("_", " ").strip()
    text = _FOOTNOTE.sub("", text)
    text = text.casefold().replace("ё", "е")
    text = re.sub(r"^г\.\s*", "г.", text)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Alias:
    region_code: str
    naming: str  # any | historical | current
    year_from: int | None
    year_to: int | None
    source_id: str | None

    def applies(self, year: int | None, naming: str, source_id: str) -> bool:
        if self.source_id and self.source_id != source_id:
            return False
        if self.naming != "any" and self.naming != naming:
            return False
        if year is None:
            return self.year_from is None and self.year_to is None
        if self.year_from is not None and year < self.year_from:
            return False
        return not (self.year_to is not None and year > self.year_to)


class RegionResolver:
    def __init__(self, aliases_csv: Path = ALIASES_CSV) -> None:
        self._aliases: dict[str, list[Alias]] = {}
        self._codes = region_codes() | {NATIONAL_CODE}
        with open(aliases_csv, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                alias = Alias(
                    region_code=row["region_code"],
                    naming=row["naming"] or "any",
                    year_from=int(row["year_from"]) if row["year_from"] else None,
                    year_to=int(row["year_to"]) if row["year_to"] else None,
                    source_id=row["source_id"] or None,
                )
                entries = self._aliases.setdefault(normalise_name(row["alias"]), [])
                if alias not in entries:
                    entries.append(alias)

    def resolve(
        self, name: str, *, year: int | None, naming: str, source_id: str, file: str = ""
    ) -> str:
        """KATO code of `name` as written in `source_id` for `year`. Raises UnknownRegionError."""
        if naming not in NAMINGS:
            raise ValueError(f"region_naming must be one of {NAMINGS}, not {naming!r}")
        code = str(name).strip()
        if re.fullmatch(r"\d{9}", code):  # a KATO code is its own name, if the unit exists
            if code in self._codes:
                return code
            raise UnknownRegionError(f"unknown KATO code {code!r}", file=file or None)
        candidates = [
            a
            for a in self._aliases.get(normalise_name(name), [])
            if a.applies(year, naming, source_id)
        ]
        # A source-specific alias overrides the general ones for that source.
        specific = [a for a in candidates if a.source_id]
        codes = sorted({a.region_code for a in (specific or candidates)})
        if len(codes) == 1:
            return codes[0]
        if not codes:
            raise UnknownRegionError(
                f"unknown region name {name!r} (year {year}, naming {naming!r}); add the spelling "
                "to dbt_project/seeds/region_aliases.csv after checking which region it is",
                file=file or None,
            )
        raise UnknownRegionError(
            f"region name {name!r} is ambiguous for year {year}: {codes}", file=file or None
        )


@lru_cache(maxsize=1)
def default_resolver() -> RegionResolver:
    return RegionResolver()


def region_codes() -> set[str]:
    with open(REGIONS_CSV, newline="", encoding="utf-8") as fh:
        return {row["region_code"] for row in csv.DictReader(fh)}
