"""Distances between the administrative centres of every ordered pair of a frame's units."""

from __future__ import annotations

import pandas as pd

from analysis.geo import haversine_km


def region_distances(centres: pd.DataFrame) -> pd.DataFrame:
    """centres: seed region_admin_centres. One row per (region_frame, origin, destination),
    origin != destination, with both centres and the great-circle distance between them."""
    ends = [
        "region_code",
        "centre_name_en",
        "centre_name_ru",
        "centre_name_kk",
        "latitude",
        "longitude",
    ]
    pairs = centres[["region_frame", *ends]].merge(
        centres[["region_frame", *ends]], on="region_frame", suffixes=("_origin", "_destination")
    )
    pairs = pairs[pairs["region_code_origin"] != pairs["region_code_destination"]]
    renamed = pairs.rename(
        columns={
            "region_code_origin": "origin_region_code",
            "region_code_destination": "destination_region_code",
        }
        | {f"{c}_{side}": f"{side}_{c}" for c in ends[1:] for side in ("origin", "destination")}
    )
    renamed["distance_km"] = haversine_km(
        renamed["origin_latitude"], renamed["origin_longitude"],
        renamed["destination_latitude"], renamed["destination_longitude"],
    )  # fmt: skip
    return renamed.sort_values(["region_frame", "origin_region_code", "destination_region_code"])
