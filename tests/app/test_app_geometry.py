"""Unit tests of the map's geometry (streamlit_app/geometry.py): the units of each frame, and
simplification that keeps shared borders shared."""

from __future__ import annotations

import csv
import json
import os

import pytest

from streamlit_app import geometry
from streamlit_app.charts import overview as overview_charts
from tests.app.regions_fixture import SEEDS


def _seed_units(frame: str) -> set[str]:
    with (SEEDS / "region_frame_map.csv").open(encoding="utf-8") as fh:
        return {r["frame_region_code"] for r in csv.DictReader(fh) if r["region_frame"] == frame}


@pytest.mark.parametrize(("frame", "units"), [("kz16", 16), ("kz17", 17), ("kz20", 20)])
def test_committed_geometry_matches_the_frame_map(frame, units):
    gj = geometry.load_frame_geojson(frame)
    codes = [f["id"] for f in gj["features"]]
    assert len(codes) == len(set(codes)) == units
    assert set(codes) == _seed_units(frame)
    assert gj["attribution"] == geometry.ATTRIBUTION
    for feature in gj["features"]:
        assert feature["properties"]["region_code"] == feature["id"]
        assert feature["geometry"]["type"] == "MultiPolygon"
        for polygon in feature["geometry"]["coordinates"]:
            ext = [tuple(p) for p in polygon[0]]
            assert ext[0] == ext[-1] and len(ext) >= 4
            assert geometry.signed_area(ext) > 0  # RFC 7946: exteriors counter-clockwise
            assert 46 < ext[0][0] < 88 and 40 < ext[0][1] < 56  # inside Kazakhstan's box


def test_committed_geometry_is_small():
    total = sum(p.stat().st_size for p in geometry.ASSETS_DIR.glob("regions_*.geojson"))
    assert total < 300 * 1024


def test_kz16_has_south_kazakhstan_as_one_dissolved_unit():
    kz16 = {f["id"]: f for f in geometry.load_frame_geojson("kz16")["features"]}
    assert "510000000" in kz16 and "610000000" not in kz16 and "790000000" not in kz16
    south = kz16["510000000"]["geometry"]["coordinates"]
    assert len(south) == 1  # Shymkent filled Turkestan's hole: one polygon, no Shymkent hole
    kz17 = {f["id"]: f for f in geometry.load_frame_geojson("kz17")["features"]}
    area = overview_charts.feature_area
    assert area(kz16["510000000"]) == pytest.approx(
        area(kz17["610000000"]) + area(kz17["790000000"]), rel=0.03
    )


def test_geometry_script_reproduces_the_committed_assets(tmp_path):
    if not geometry.DEFAULT_GEO_DIR.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{geometry.DEFAULT_GEO_DIR} is missing in CI")
        pytest.skip(f"{geometry.DEFAULT_GEO_DIR} not present")
    written = geometry.build_assets(out_dir=tmp_path)
    for frame, path in written.items():
        committed = geometry.ASSETS_DIR / f"regions_{frame}.geojson"
        assert json.loads(path.read_text()) == json.loads(committed.read_text()), frame


def test_kato_code_from_pcode():
    assert geometry.kato_code({"ADM1_PCODE": "KZ79", "KATO": "790000000"}) == "790000000"
    with pytest.raises(ValueError):
        geometry.kato_code({"ADM1_PCODE": "KZ79", "KATO": "610000000"})
    with pytest.raises(ValueError):
        geometry.kato_code({"ADM1_PCODE": "79"})


def _square(x0, y0, x1, y1):
    return [[(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]]


def test_dissolve_cancels_the_shared_border():
    left = [_square(0, 0, 1, 1)]
    right = [_square(1, 0, 2, 1)]
    (merged,) = geometry.dissolve([left, right])
    assert len(merged) == 1  # one exterior, no holes
    assert abs(geometry.signed_area(merged[0])) == pytest.approx(2.0)
    assert (1, 0) in merged[0] and (1, 1) in merged[0]  # corners of the outline remain


def test_dissolve_fills_an_enclave():
    outer = [[_square(0, 0, 4, 4)[0], _square(1, 1, 2, 2)[0][::-1]]]  # with a hole
    enclave = [_square(1, 1, 2, 2)]
    (merged,) = geometry.dissolve([outer, enclave])
    assert len(merged) == 1 and abs(geometry.signed_area(merged[0])) == pytest.approx(16.0)


def test_simplification_keeps_a_shared_border_shared():
    # two units sharing a wiggly border; each simplified on its own would differ
    border = [(1 + 0.01 * ((i * 7) % 5), i / 20) for i in range(21)]
    left = [[[(0, 0), *border, (0, 1), (0, 0)]]]
    right = [[[(2, 0), (2, 1), *border[::-1], (2, 0)]]]
    out = geometry.simplify_units({"a": left, "b": right}, tolerance=0.02, min_area=0)
    a_pts = {p for p in out["a"][0][0] if 0.5 < p[0] < 1.5}
    b_pts = {p for p in out["b"][0][0] if 0.5 < p[0] < 1.5}
    assert a_pts == b_pts and len(a_pts) < len(border)
