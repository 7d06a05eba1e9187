"""Region boundaries for the app's maps: simplified GeoJSON per region frame.

`python -m streamlit_app.geometry` derives `streamlit_app/assets/regions_<frame>.geojson` from the
geokz boundaries in `../shared/data/geo` (see ../shared/data/SOURCES.md):

- kz17 (June 2018 - June 2022, 17 units) from `kaz_admbnda_adm1_2018.geojson`;
- kz20 (current, 20 units) from `kaz_admbnda_adm1_2024.geojson`;
- kz16 (before June 2018, 16 units) = kz17 with Turkestan (61) and Shymkent (79) dissolved into
  South Kazakhstan (51). Shymkent is exactly a hole of Turkestan in the source, so the union is
  computed by cancelling the shared edges (no geometry library needed).

Features are keyed by the 9-digit KATO code (`ADM1_PCODE` `KZ` + 2-digit prefix -> prefix + 7
zeros). Simplification is Douglas-Peucker, done per arc between the vertices where the set of
neighbouring units changes, and cached per arc, so a border shared vertex-for-vertex by two units
is simplified once and stays shared (no slivers between neighbours where the source is
topologically clean). Pure Python: the app needs no geometry library.

The app only reads the committed assets (`load_frame_geojson`); the script is run by a maintainer
when the source boundaries change.
"""

from __future__ import annotations

import argparse
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
DEFAULT_GEO_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "geo"
ATTRIBUTION = "Boundaries: geokz (A. Rodionov), CC BY 4.0, after OCHA COD-AB"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"

SOURCE_FILES = {
    "kz17": "kaz_admbnda_adm1_2018.geojson",
    "kz20": "kaz_admbnda_adm1_2024.geojson",
}
# frame -> (frame it is derived from, {merged unit: [units dissolved into it]})
DERIVED_FRAMES = {"kz16": ("kz17", {"510000000": ["610000000", "790000000"]})}
FRAMES = ("kz16", "kz17", "kz20")
EXPECTED_UNITS = {"kz16": 16, "kz17": 17, "kz20": 20}

DEFAULT_TOLERANCE = 0.012  # degrees (about 1 km): enough for a country-wide choropleth
DEFAULT_MIN_AREA = 0.004  # square degrees: smaller islands and holes are dropped
DEFAULT_DECIMALS = 3
_LAT_SCALE = math.cos(math.radians(48.0))  # x is scaled so distances are roughly isotropic

Point = tuple[float, float]
Ring = list[Point]  # closed: first == last
Polygon = list[Ring]  # exterior first, then holes


# ---------------------------------------------------------------------------------------------
# reading


def kato_code(properties: dict) -> str:
    """The 9-digit KATO code from `ADM1_PCODE` ('KZ' + 2-digit prefix), checked against `KATO`."""
    pcode = str(properties["ADM1_PCODE"])
    if not (pcode.startswith("KZ") and len(pcode) == 4 and pcode[2:].isdigit()):
        raise ValueError(f"unexpected ADM1_PCODE {pcode!r}")
    code = pcode[2:] + "0000000"
    kato = str(properties.get("KATO") or code)
    if kato != code:
        raise ValueError(f"ADM1_PCODE {pcode} disagrees with KATO {kato}")
    return code


def geometry_polygons(geometry: dict) -> list[Polygon]:
    if geometry["type"] == "Polygon":
        raw = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        raw = geometry["coordinates"]
    else:
        raise ValueError(f"unsupported geometry type {geometry['type']}")
    polygons = []
    for poly in raw:
        rings = []
        for ring in poly:
            pts = [(float(x), float(y)) for x, y, *_ in ring]
            if pts[0] != pts[-1]:
                pts.append(pts[0])
            rings.append(pts)
        polygons.append(rings)
    return polygons


def read_source(path: Path) -> dict[str, list[Polygon]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    units: dict[str, list[Polygon]] = {}
    for feature in data["features"]:
        code = kato_code(feature["properties"])
        if code in units:
            raise ValueError(f"{path.name}: region {code} appears twice")
        units[code] = geometry_polygons(feature["geometry"])
    return units


# ---------------------------------------------------------------------------------------------
# planar helpers


def signed_area(ring: Ring) -> float:
    """Shoelace area; positive when the ring runs counter-clockwise."""
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))


def oriented(ring: Ring, ccw: bool) -> Ring:
    return ring if (signed_area(ring) > 0) == ccw else ring[::-1]


def point_in_ring(pt: Point, ring: Ring) -> bool:
    x, y = pt
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def polygon_area(polygon: Polygon) -> float:
    return abs(signed_area(polygon[0])) - sum(abs(signed_area(h)) for h in polygon[1:])


# ---------------------------------------------------------------------------------------------
# dissolve


def _assemble(rings: list[Ring]) -> list[Polygon]:
    """Group rings into polygons: counter-clockwise rings are exteriors, clockwise ones holes,
    each hole put in the smallest exterior that contains it."""
    shells = [r for r in rings if signed_area(r) > 0]
    holes = [r for r in rings if signed_area(r) < 0]
    polygons: list[Polygon] = [[s] for s in sorted(shells, key=lambda r: -signed_area(r))]
    for hole in holes:
        probe = hole[0]
        containing = [p for p in polygons if point_in_ring(probe, p[0])]
        if not containing:
            raise ValueError("a hole lies outside every exterior ring")
        min(containing, key=lambda p: signed_area(p[0])).append(hole)
    return polygons


def dissolve(parts: Iterable[list[Polygon]]) -> list[Polygon]:
    """Union of units that share their borders vertex for vertex: orient every exterior
    counter-clockwise and every hole clockwise, cancel each edge that also occurs reversed (an
    inner border), and chain the remaining edges into rings."""
    edges: dict[Point, list[Point]] = defaultdict(list)
    count: dict[tuple[Point, Point], int] = defaultdict(int)
    for polygons in parts:
        for polygon in polygons:
            for i, ring in enumerate(polygon):
                ring = oriented(ring, ccw=(i == 0))
                for a, b in zip(ring, ring[1:], strict=False):
                    if a != b:
                        count[(a, b)] += 1
    for (a, b), n in count.items():
        cancelled = min(n, count.get((b, a), 0))
        for _ in range(n - cancelled):
            edges[a].append(b)
    rings: list[Ring] = []
    while edges:
        start = next(iter(edges))
        ring = [start]
        current = start
        while True:
            nxt = edges[current].pop()
            if not edges[current]:
                del edges[current]
            ring.append(nxt)
            current = nxt
            if current == start:
                break
            if current not in edges:
                raise ValueError("dissolve: edges do not close into a ring")
        if len(ring) >= 4:
            rings.append(ring)
    return _assemble(rings)


# ---------------------------------------------------------------------------------------------
# simplification


def _douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """Keep both ends and every vertex farther than `tolerance` from the simplified chain."""
    if len(points) <= 2:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    tol2 = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        ax, bx = ax * _LAT_SCALE, bx * _LAT_SCALE
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        best, best_i = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i][0] * _LAT_SCALE, points[i][1]
            if seg2 == 0:
                d2 = (px - ax) ** 2 + (py - ay) ** 2
            else:
                t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / seg2))
                d2 = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2
            if d2 > best:
                best, best_i = d2, i
        if best > tol2:
            keep[best_i] = True
            stack.append((first, best_i))
            stack.append((best_i, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


class _ArcSimplifier:
    """Simplifies rings arc by arc, reusing the result of an arc already seen (either way round)."""

    def __init__(self, owners: dict[Point, frozenset[str]], tolerance: float) -> None:
        self.owners = owners
        self.tolerance = tolerance
        self.cache: dict[tuple[Point, ...], list[Point]] = {}

    def arc(self, chain: list[Point]) -> list[Point]:
        key = tuple(chain)
        if key in self.cache:
            return self.cache[key]
        reverse = key[::-1]
        if reverse in self.cache:
            return self.cache[reverse][::-1]
        result = _douglas_peucker(chain, self.tolerance)
        self.cache[key] = result
        return result

    def ring(self, ring: Ring) -> Ring:
        pts = ring[:-1]
        n = len(pts)
        if n < 3:
            return ring
        own = [self.owners[p] for p in pts]
        fixed = [i for i in range(n) if own[i] != own[i - 1] or own[i] != own[(i + 1) % n]]
        if len(fixed) < 2:
            # a ring with no junctions (an island, or a border shared all round): anchor it at
            # its lowest-leftmost vertex and the vertex farthest from it, deterministically
            start = min(range(n), key=lambda i: pts[i])
            sx, sy = pts[start]
            far = max(range(n), key=lambda i: (pts[i][0] - sx) ** 2 + (pts[i][1] - sy) ** 2)
            fixed = sorted({start, far})
        out: list[Point] = []
        for k, i in enumerate(fixed):
            j = fixed[(k + 1) % len(fixed)]
            chain = pts[i : j + 1] if j > i else pts[i:] + pts[: j + 1]
            out.extend(self.arc(chain)[:-1])
        out.append(out[0])
        return out


def _round_ring(ring: Ring, decimals: int) -> Ring:
    out: Ring = []
    for x, y in ring:
        p = (round(x, decimals), round(y, decimals))
        if not out or out[-1] != p:
            out.append(p)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def simplify_units(
    units: dict[str, list[Polygon]],
    tolerance: float = DEFAULT_TOLERANCE,
    min_area: float = DEFAULT_MIN_AREA,
    decimals: int = DEFAULT_DECIMALS,
) -> dict[str, list[Polygon]]:
    """Simplify every unit of a frame together (shared arcs stay shared); drop islands and holes
    smaller than `min_area` (never a unit's largest part); round coordinates."""
    owners: dict[Point, set[str]] = defaultdict(set)
    for code, polygons in units.items():
        for polygon in polygons:
            for ring in polygon:
                for p in ring:
                    owners[p].add(code)
    simplifier = _ArcSimplifier({p: frozenset(o) for p, o in owners.items()}, tolerance)
    out: dict[str, list[Polygon]] = {}
    for code in sorted(units):
        polygons = sorted(units[code], key=polygon_area, reverse=True)
        kept: list[Polygon] = []
        for rank, polygon in enumerate(polygons):
            if rank > 0 and abs(signed_area(polygon[0])) < min_area:
                continue
            rings = []
            for i, ring in enumerate(polygon):
                if i > 0 and abs(signed_area(ring)) < min_area:
                    continue
                simple = _round_ring(simplifier.ring(ring), decimals)
                if len(simple) < 4 or abs(signed_area(simple)) == 0:
                    if i == 0:
                        break  # the exterior collapsed: drop the part (never the largest)
                    continue
                rings.append(oriented(simple, ccw=(i == 0)))
            if rings and (rank == 0 or len(rings[0]) >= 4):
                kept.append(rings)
        if not kept:
            raise ValueError(f"region {code}: nothing left after simplification")
        out[code] = kept
    return out


# ---------------------------------------------------------------------------------------------
# frames


def frame_units(geo_dir: Path) -> dict[str, dict[str, list[Polygon]]]:
    """Unsimplified units of every frame, keyed by 9-digit KATO code."""
    frames = {frame: read_source(geo_dir / name) for frame, name in SOURCE_FILES.items()}
    for frame, (base, merges) in DERIVED_FRAMES.items():
        units = dict(frames[base])
        for merged, members in merges.items():
            units[merged] = dissolve(units.pop(m) for m in members)
        frames[frame] = units
    for frame, units in frames.items():
        if len(units) != EXPECTED_UNITS[frame]:
            raise ValueError(f"{frame}: {len(units)} units, expected {EXPECTED_UNITS[frame]}")
    return dict(sorted(frames.items()))


def to_feature_collection(frame: str, units: dict[str, list[Polygon]]) -> dict:
    features = []
    for code in sorted(units):
        coords = [[[list(p) for p in ring] for ring in polygon] for polygon in units[code]]
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"region_code": code, "region_frame": frame},
                "geometry": {"type": "MultiPolygon", "coordinates": coords},
            }
        )
    return {
        "type": "FeatureCollection",
        "attribution": ATTRIBUTION,
        "license": LICENSE_URL,
        "region_frame": frame,
        "features": features,
    }


def build_assets(
    geo_dir: Path = DEFAULT_GEO_DIR,
    out_dir: Path = ASSETS_DIR,
    tolerance: float = DEFAULT_TOLERANCE,
    min_area: float = DEFAULT_MIN_AREA,
    decimals: int = DEFAULT_DECIMALS,
) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for frame, units in frame_units(geo_dir).items():
        simple = simplify_units(units, tolerance, min_area, decimals)
        path = out_dir / f"regions_{frame}.geojson"
        text = json.dumps(to_feature_collection(frame, simple), separators=(",", ":"))
        path.write_text(text + "\n", encoding="utf-8")
        written[frame] = path
    return written


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> str:
    return Path(path).read_text(encoding="utf-8")


def load_frame_geojson(frame: str, assets_dir: Path = ASSETS_DIR) -> dict:
    """The committed simplified boundaries of a frame (a fresh dict each call)."""
    if frame not in FRAMES:
        raise KeyError(f"unknown region frame {frame!r}")
    path = assets_dir / f"regions_{frame}.geojson"
    return json.loads(_load(str(path), path.stat().st_mtime_ns))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m streamlit_app.geometry", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--geo-dir", type=Path, default=DEFAULT_GEO_DIR)
    parser.add_argument("--out", type=Path, default=ASSETS_DIR)
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE)
    parser.add_argument("--min-area", type=float, default=DEFAULT_MIN_AREA)
    parser.add_argument("--decimals", type=int, default=DEFAULT_DECIMALS)
    args = parser.parse_args(argv)
    written = build_assets(args.geo_dir, args.out, args.tolerance, args.min_area, args.decimals)
    for frame, path in written.items():
        data = json.loads(path.read_text(encoding="utf-8"))
        n_pts = sum(
            len(r) for f in data["features"] for p in f["geometry"]["coordinates"] for r in p
        )
        print(
            f"{frame}: {len(data['features'])} units, {n_pts} vertices, "
            f"{path.stat().st_size / 1024:.0f} KB -> {path}"
        )
    print(ATTRIBUTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
