import csv

import pytest

from ingest.errors import UnknownRegionError
from ingest.regions import ALIASES_CSV, REGIONS_CSV, RegionResolver, normalise_name


@pytest.fixture(scope="module")
def resolver():
    return RegionResolver()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Г.АСТАНА", "710000000"),
        ("г. Астана", "710000000"),
        ("город Астана", "710000000"),
        ("Nur-Sultan", "710000000"),
        ("Astana_city", "710000000"),
        ("ОБЛАСТЬ АБАЙ", "100000000"),
        ("Abay", "100000000"),
        ("АКМОЛИНСКАЯ ОБЛАСТЬ", "110000000"),
        ("Aqmola", "110000000"),
        ("Akmola", "110000000"),
        ("Jambyl", "310000000"),
        ("Zhambyl", "310000000"),
        ("Jetisu", "330000000"),
        ("Zhetysu", "330000000"),
        ("Жетісу", "330000000"),
        ("Ulutay", "620000000"),
        ("Ұлытау", "620000000"),
        ("East_Kaz", "630000000"),
        ("SHYGYS KAZAKHSTAN REGION", "630000000"),
        ("North_Kaz", "590000000"),
        ("SOLTUSTIK KAZAKHSTAN REGION", "590000000"),
        ("BATYS-KAZAKHSTAN REGION", "270000000"),
        ("South Kazakhstan", "510000000"),
        ("South-Kazakhstan region", "510000000"),
        ("Южно-Казахстанская", "510000000"),
        ("г.Шымкент2)", "790000000"),  # footnote mark glued to the name
        ("Shimkent city 3)", "790000000"),
        ("Актюбинская ", "150000000"),  # trailing space as published
        ("Алматы", "750000000"),  # in Russian the bare name is the city
        ("Республика Казахстан", "000000000"),
        ("REPUBLIC OF KAZAKHSTAN", "000000000"),
        ("110000000", "110000000"),  # a KATO code is its own name
    ],
)
def test_spellings_resolve(resolver, name, code):
    assert resolver.resolve(name, year=2023, naming="current", source_id="any") == code


@pytest.mark.parametrize(
    "name", ["Туркестанская", "Туркестанская2)", "Туркестанская**", "Turkistan"]
)
def test_turkestan_depends_on_year_and_naming(resolver, name):
    # historical files: before the June 2018 reform the name stands for South Kazakhstan
    assert resolver.resolve(name, year=2017, naming="historical", source_id="s") == "510000000"
    assert resolver.resolve(name, year=2018, naming="historical", source_id="s") == "610000000"
    # current files list South Kazakhstan separately: Turkestan is always KATO 61
    assert resolver.resolve(name, year=2015, naming="current", source_id="s") == "610000000"


def test_source_specific_alias(resolver):
    # In the origin-destination CSV `Almaty` is the region (the city is `Almaty_city`).
    assert resolver.resolve("Almaty", year=2022, naming="current", source_id="diar_od_flows") == (
        "190000000"
    )
    # elsewhere the bare English name is ambiguous (city or region) and is not guessed
    with pytest.raises(UnknownRegionError):
        resolver.resolve("Almaty", year=2022, naming="current", source_id="other")


@pytest.mark.parametrize("name", ["Atlantis", "Алматинская обл", "Astana-2", "Turkestan city"])
def test_unknown_name_fails_loudly(resolver, name):
    with pytest.raises(UnknownRegionError, match="unknown region name"):
        resolver.resolve(name, year=2020, naming="current", source_id="s")


def test_unknown_kato_code_fails(resolver):
    with pytest.raises(UnknownRegionError, match="unknown KATO code"):
        resolver.resolve("990000000", year=2020, naming="current", source_id="s")


def test_normalise_only_removes_typography():
    assert normalise_name("Туркестанская2)") == "туркестанская"
    assert normalise_name("Туркестанская**") == "туркестанская"
    assert normalise_name("Shimkent city 3)") == "shimkent city"
    assert normalise_name("East_Kaz") == "east kaz"
    assert normalise_name("Г. АСТАНА") == "г.астана"


def test_every_alias_points_to_a_registered_region():
    with open(REGIONS_CSV, encoding="utf-8") as fh:
        codes = {r["region_code"] for r in csv.DictReader(fh)} | {"000000000"}
    with open(ALIASES_CSV, encoding="utf-8") as fh:
        aliases = list(csv.DictReader(fh))
    assert {a["region_code"] for a in aliases} <= codes
    assert {a["naming"] for a in aliases} <= {"any", "historical", "current"}


def test_every_unit_is_named_in_three_languages_and_resolves(resolver):
    with open(REGIONS_CSV, encoding="utf-8") as fh:
        units = list(csv.DictReader(fh))
    assert len(units) == 21  # 20 current units + South Kazakhstan (until June 2018)
    for row in units:
        year = 2017 if row["region_code"] == "510000000" else 2023
        for column in ("region_name_en", "region_name_ru", "region_name_kk"):
            resolved = resolver.resolve(row[column], year=year, naming="current", source_id="s")
            assert resolved == row["region_code"], (row[column], resolved)
