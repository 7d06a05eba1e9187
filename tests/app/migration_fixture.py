"""Fixture migration marts (tests/app/warehouse_fixture.py): interregional flows from a
deterministic gravity-like model in the kz20 frame, merged into kz17 and kz16 (flows inside a
merged unit dropped); balances of the three scopes with rates and efficiency (internal in kz20
from 2022, total in the year's own frame and the coarser ones); attractiveness coefficients."""

from __future__ import annotations

import random

import pandas as pd

from tests.app.regions_fixture import (
    POPULATION_2022,
    RegionFrames,
    code9,
    frame_of_year,
    noise,
    population,
)

OD_SOURCE_FILE = "Diar299__kz-migration/Internal_migration.csv"
# interregional departures per 1,000 and destination pull (cities attract, the north loses)
DEPARTURE_RATE = {"59": 21, "39": 19, "63": 18, "10": 17, "55": 17, "11": 20, "62": 22,
                  "35": 17, "43": 16, "61": 15, "31": 15, "71": 11, "75": 10, "79": 12}  # fmt: skip
PULL = {"71": 9.0, "75": 8.0, "79": 3.0, "19": 5.2, "47": 1.4, "11": 1.1, "33": 1.0}


def migration_flows(rng: random.Random, years, frames: RegionFrames) -> pd.DataFrame:
    """marts.fct_migration_flows: every frame, one row per (year, origin, destination)."""
    to_frame = frames.to_frame
    kz20 = sorted(POPULATION_2022)
    flow_rows = []
    pops = {(p, y): population(p, y) for p in kz20 for y in years}
    for year in years:
        trend = 1 + 0.04 * (year - 2015)
        for o in kz20:
            departures = DEPARTURE_RATE.get(o, 14) * pops[(o, year)] / 1000 * trend
            weights = {d: PULL.get(d, 0.8) * noise(rng, 0.25) for d in kz20 if d != o}
            norm = sum(weights.values())
            for d, w in weights.items():
                flow_rows.append((year, code9(o), code9(d), round(departures * w / norm)))
    od20 = pd.DataFrame(flow_rows, columns=["year", "origin", "destination", "persons"])
    flows = []
    for frame in ("kz20", "kz17", "kz16"):
        m = to_frame[frame]
        df = od20.assign(o=od20["origin"].map(m), d=od20["destination"].map(m))
        df = df[df["o"] != df["d"]].groupby(["year", "o", "d"], as_index=False)
        df = df.agg(persons=("persons", "sum"), cells=("persons", "size"))
        flows.append(
            pd.DataFrame(
                {
                    "year": df["year"].astype("int32"),
                    "region_frame": frame,
                    "origin_region_code": df["o"],
                    "destination_region_code": df["d"],
                    "persons": df["persons"].astype(float),
                    "source_id": "diar_od_flows",
                    "quality_flag": "ok",
                    "quality_note": None,
                    "lineage_source_files": [[OD_SOURCE_FILE]] * len(df),
                    "lineage_raw_cells": df["cells"].astype("int64"),
                }
            )
        )
    return pd.concat(flows, ignore_index=True)


def migration_balance(
    rng: random.Random, years, frames: RegionFrames, fct_flows: pd.DataFrame
) -> pd.DataFrame:
    """marts.fct_migration_balance: interregional from the flows, internal (kz20, 2022 on) with
    moves inside a region added, total (balances only) with a small net migration abroad."""
    to_frame = frames.to_frame
    # raw cells behind a unit's interregional balance: those of the flows it is an end of
    ends = pd.concat(
        [
            fct_flows.rename(columns={end: "unit"})[
                ["region_frame", "unit", "year", "lineage_raw_cells"]
            ]
            for end in ("origin_region_code", "destination_region_code")
        ]
    )
    cells = ends.groupby(["region_frame", "unit", "year"])["lineage_raw_cells"].sum().to_dict()

    bal_rows = []

    def add_balance(frame, unit, year, scope, a, d, net, source, flag=None, note=None):
        pop = frames.unit_population(frame, unit, year)
        od = scope == "interregional"  # only these rows carry the raw.od_flows lineage key
        per = lambda v: None if v is None else round(1000 * v / pop, 4)  # noqa: E731
        bal_rows.append(
            {
                "region_code": unit,
                "year": year,
                "flow_scope": scope,
                "region_frame": frame,
                "arrivals": a,
                "departures": d,
                "net_migration": net,
                "population": pop,
                "population_measure": "annual average",
                "arrivals_per_1000": per(a),
                "departures_per_1000": per(d),
                "net_migration_per_1000": per(net),
                "turnover_per_1000": None if a is None else per(a + d),
                "migration_efficiency_pct": None
                if a is None or a + d == 0
                else round(100 * (a - d) / (a + d), 4),  # fmt: skip
                "source_id": source,
                "quality_flag": flag or "ok",
                "quality_note": note,
                "lineage_observation_ids": [f"obs-{frame}-{unit}-{year}-{scope}"],
                "lineage_od_source_files": [OD_SOURCE_FILE] if od else None,
                "lineage_od_cells": cells.get((frame, unit, year)) if od else None,
            }
        )

    for frame in ("kz20", "kz17", "kz16"):
        units = sorted(set(to_frame[frame].values()))
        f = fct_flows[fct_flows["region_frame"] == frame]
        for year in years:
            fy = f[f["year"] == year]
            arr = fy.groupby("destination_region_code")["persons"].sum()
            dep = fy.groupby("origin_region_code")["persons"].sum()
            for unit in units:
                a, d = int(arr.get(unit, 0)), int(dep.get(unit, 0))
                flag = note = None
                if frame == "kz20" and year < 2022 and unit[:2] in ("10", "33", "62"):
                    flag = "published_in_later_frame"
                    note = "the source shows the 2022 units in every year"
                add_balance(frame, unit, year, "interregional", a, d, a - d, "diar_od_flows",
                            flag, note)  # fmt: skip
                if frame == "kz20" and year >= 2022:
                    intra = round(0.012 * frames.unit_population(frame, unit, year))
                    flag = note = None
                    if year == 2022 and unit[:2] in ("19", "75"):  # a disagreement, as in 2022
                        flag = "source_disagreement"
                        note = "interregional_vs_internal_balance: the two sources disagree"
                    add_balance(frame, unit, year, "internal", a + intra, d + intra, a - d,
                                "kanat_internal_migration", flag, note)  # fmt: skip
    # total scope: balances only, in the year's own frame and coarser frames
    for year in years:
        own = frame_of_year(year)
        inter = {r["region_code"]: r["net_migration"] for r in bal_rows
                 if r["year"] == year and r["region_frame"] == "kz20"
                 and r["flow_scope"] == "interregional"}  # fmt: skip
        total20 = {
            u: n + round(-0.002 * frames.unit_population("kz20", u, year) * noise(rng, 0.3))
            for u, n in inter.items()
        }
        for frame in ("kz20", "kz17", "kz16"):
            if ("kz20", "kz17", "kz16").index(frame) < ("kz20", "kz17", "kz16").index(own):
                continue
            sums: dict[str, int] = {}
            for u, n in total20.items():
                sums[to_frame[frame][u]] = sums.get(to_frame[frame][u], 0) + n
            for unit, net in sorted(sums.items()):
                flag = "summed_from_finer_units" if frame != own else None
                add_balance(frame, unit, year, "total", None, None, net, "xuzzu_region_panel",
                            flag)  # fmt: skip
    balance = pd.DataFrame(bal_rows)
    balance["year"] = balance["year"].astype("int32")
    balance["lineage_od_cells"] = balance["lineage_od_cells"].astype("Int64")  # bigint, NULLs
    for c in ("arrivals", "departures", "net_migration", "population"):
        balance[c] = balance[c].astype(float)  # doubles, as the marts declare them
    return balance


def migration_attractiveness(balance: pd.DataFrame) -> pd.DataFrame:
    """marts.fct_migration_attractiveness: arrivals / departures where both are published."""
    att = balance.dropna(subset=["arrivals", "departures"]).copy()
    att = att[att["departures"] > 0]
    att["attractiveness_coefficient"] = (att["arrivals"] / att["departures"]).astype(float).round(6)
    att["is_attractive"] = att["attractiveness_coefficient"] > 1
    att["rank_in_year"] = (
        att.groupby(["year", "flow_scope", "region_frame"])["attractiveness_coefficient"]
        .rank(method="min", ascending=False)
        .astype("int32")
    )
    return att[
        ["region_code", "year", "flow_scope", "region_frame", "arrivals", "departures",
         "attractiveness_coefficient", "is_attractive", "rank_in_year", "quality_flag"]
    ].reset_index(drop=True)  # fmt: skip
