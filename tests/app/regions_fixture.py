"""The fixture warehouse's base (tests/app/warehouse_fixture.py): the 20 KATO regions and the
frame map of the committed seeds, populations of the right order, and the helpers every fixture
mart shares."""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from datetime import date

import pandas as pd

from core.paths import DBT_PROJECT_DIR

SEEDS = DBT_PROJECT_DIR / "seeds"
YEARS = tuple(range(2015, 2024))

# 2022 population, thousands (order of magnitude of BNS figures), and yearly growth
POPULATION_2022 = {
    "10": 607, "11": 788, "15": 916, "19": 1487, "23": 690, "27": 688, "31": 1213, "33": 697,
    "35": 1131, "39": 831, "43": 827, "47": 747, "55": 752, "59": 539, "61": 2082, "62": 221,
    "63": 727, "71": 1355, "75": 2161, "79": 1182,
}  # fmt: skip
GROWTH = {"71": 0.035, "75": 0.025, "79": 0.03, "61": 0.015, "47": 0.02, "59": -0.008,
          "39": -0.005, "55": -0.003, "63": -0.004, "10": -0.004, "62": -0.006}  # fmt: skip


def code9(prefix: str) -> str:
    return prefix + "0000000"


def read_seed(name: str) -> list[dict]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def frame_of_year(year: int) -> str:
    return "kz16" if year <= 2017 else "kz17" if year <= 2021 else "kz20"


def noise(rng: random.Random, sd: float) -> float:
    return math.exp(rng.gauss(0.0, sd))


def population(prefix: str, year: int) -> int:
    return round(1000 * POPULATION_2022[prefix] * (1 + GROWTH.get(prefix, 0.008)) ** (year - 2022))


@dataclass(frozen=True)
class RegionFrames:
    dim_region: pd.DataFrame  # marts.dim_region, from seed regions
    frame_map: pd.DataFrame  # seed region_frame_map
    to_frame: dict[str, dict[str, str]]  # frame -> {kz20 region code -> the frame's unit}

    def unit_population(self, frame: str, unit: str, year: int) -> int:
        """A unit of `frame` is the sum of its kz20 regions."""
        members = self.to_frame[frame].items()
        return sum(
            population(region[:2], year)
            for region, of in members
            if of == unit and region[:2] in POPULATION_2022
        )


def region_frames() -> RegionFrames:
    regions = read_seed("regions.csv")
    frame_map = pd.DataFrame(read_seed("region_frame_map.csv"))
    to_frame = {
        f: dict(zip(g["region_code"], g["frame_region_code"], strict=True))
        for f, g in frame_map.groupby("region_frame")
    }
    dim_region = pd.DataFrame(
        {
            "region_code": [r["region_code"] for r in regions],
            "region_name_en": [r["region_name_en"] for r in regions],
            "region_name_ru": [r["region_name_ru"] for r in regions],
            "region_name_kk": [r["region_name_kk"] for r in regions],
            "region_type": [r["region_type"] for r in regions],
            "valid_from": [date.fromisoformat(r["valid_from"]) for r in regions],
            "valid_to": [
                date.fromisoformat(r["valid_to"]) if r["valid_to"] else None for r in regions
            ],  # fmt: skip
        }
    )
    return RegionFrames(dim_region, frame_map, to_frame)
