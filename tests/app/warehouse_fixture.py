"""A realistic fixture warehouse for the app tests, built from the marts contract (issue 3 and 4).

The real marts are built by dbt from the embedded sample; until they exist, and to test the app
against known numbers, this module writes a DuckDB file with the same schema `marts` and the same
table and column names: the 20 KATO regions of `dbt_project/seeds/regions.csv`, the frame map of
`seeds/region_frame_map.csv`, 2015-2023, flows from a deterministic gravity-like model in the kz20
frame merged into kz17 and kz16 (flows inside a merged unit dropped), balances, rates,
efficiency, coefficients, socio-economic scores with the paper's bands and points, a scorecard,
data-quality issues and build info. Values are plausible (populations, rates and wages of the
right order), not real.

`publish_fixture(root, build_id)` writes `root/builds/<build_id>/warehouse.duckdb` with its Parquet
copies (`parquet/<schema>/<table>.parquet`) and switches `root/current.duckdb` to it atomically,
as the pipeline's publish does.
"""

from __future__ import annotations

import csv
import math
import os
import random
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from core.build_record import parquet_dir, parquet_path
from tests.app.drivers_fixture import drivers_marts
from tests.app.reference_fixture import dim_source, paper_claims, paper_view, reference_tables

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS = REPO_ROOT / "dbt_project" / "seeds"
YEARS = tuple(range(2015, 2024))
OD_SOURCE_FILE = "Diar299__kz-migration/Internal_migration.csv"

# 2022 population, thousands (order of magnitude of BNS figures), and yearly growth
POPULATION_2022 = {
    "10": 607, "11": 788, "15": 916, "19": 1487, "23": 690, "27": 688, "31": 1213, "33": 697,
    "35": 1131, "39": 831, "43": 827, "47": 747, "55": 752, "59": 539, "61": 2082, "62": 221,
    "63": 727, "71": 1355, "75": 2161, "79": 1182,
}  # fmt: skip
GROWTH = {"71": 0.035, "75": 0.025, "79": 0.03, "61": 0.015, "47": 0.02, "59": -0.008,
          "39": -0.005, "55": -0.003, "63": -0.004, "10": -0.004, "62": -0.006}  # fmt: skip
# interregional departures per 1,000 and destination pull (cities attract, the north loses)
DEPARTURE_RATE = {"59": 21, "39": 19, "63": 18, "10": 17, "55": 17, "11": 20, "62": 22,
                  "35": 17, "43": 16, "61": 15, "31": 15, "71": 11, "75": 10, "79": 12}  # fmt: skip
PULL = {"71": 9.0, "75": 8.0, "79": 3.0, "19": 5.2, "47": 1.4, "11": 1.1, "33": 1.0}
# relative GRP per capita (national = 1)
GRP_REL = {
    "10": 0.75, "11": 0.9, "15": 1.05, "19": 0.55, "23": 3.9, "27": 1.45, "31": 0.45, "33": 0.5,
    "35": 1.3, "39": 0.92, "43": 0.66, "47": 1.6, "51": 0.42, "55": 1.22, "59": 0.72, "61": 0.36,
    "62": 1.6, "63": 1.02, "71": 2.2, "75": 2.0, "79": 0.6,
}  # fmt: skip
INDICATOR_SPEC = {
    # code: (unit, polarity, national level in 2015, yearly growth, years available)
    "grp_per_capita": ("thousand tenge", "higher_is_better", 2300.0, 0.12, YEARS),
    "avg_monthly_wage": ("tenge", "higher_is_better", 126000.0, 0.10, YEARS),
    "per_capita_income": ("tenge", "higher_is_better", 61000.0, 0.08, YEARS),
    "unemployment_rate": ("percent", "higher_is_worse", 5.0, -0.01, YEARS),
    "employment_applicants_per_1000": ("per 1,000", "higher_is_worse", 24.0, 0.0, YEARS[:-2]),
    "doctors_per_10k": ("per 10,000", "higher_is_better", 39.0, 0.01, YEARS[:-1]),
    "housing_commissioned_m2_per_capita": ("m2", "higher_is_better", 0.6, 0.06, YEARS[:-1]),
}
POINTS = {"very low": -2.0, "low": -1.0, "medium": 0.5, "high": 1.0, "very high": 2.0}


def code9(prefix: str) -> str:
    return prefix + "0000000"


def read_seed(name: str) -> list[dict]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def frame_of_year(year: int) -> str:
    return "kz16" if year <= 2017 else "kz17" if year <= 2021 else "kz20"


def score_class(pct: float) -> str:
    if pct < 70:
        return "very low"
    if pct < 95:
        return "low"
    if pct < 105:
        return "medium"
    if pct < 150:
        return "high"
    return "very high"


def _noise(rng: random.Random, sd: float) -> float:
    return math.exp(rng.gauss(0.0, sd))


def population(prefix: str, year: int) -> int:
    return round(1000 * POPULATION_2022[prefix] * (1 + GROWTH.get(prefix, 0.008)) ** (year - 2022))


def build_tables(years=YEARS, seed: int = 0, build_id: str = "fixture") -> dict[str, pd.DataFrame]:
    rng = random.Random(seed)
    regions = read_seed("regions.csv")
    frame_map = pd.DataFrame(read_seed("region_frame_map.csv"))
    kz20 = sorted(p for p in POPULATION_2022)
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

    # -- flows in kz20, then merged ------------------------------------------------------------
    flow_rows = []
    pops = {(p, y): population(p, y) for p in kz20 for y in years}
    for year in years:
        trend = 1 + 0.04 * (year - 2015)
        for o in kz20:
            departures = DEPARTURE_RATE.get(o, 14) * pops[(o, year)] / 1000 * trend
            weights = {d: PULL.get(d, 0.8) * _noise(rng, 0.25) for d in kz20 if d != o}
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
    fct_flows = pd.concat(flows, ignore_index=True)
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

    # -- balances ---------------------------------------------------------------------------
    def unit_population(frame: str, unit: str, year: int) -> int:
        members = [r for r, u in to_frame[frame].items() if u == unit and r[:2] in POPULATION_2022]
        return sum(pops[(r[:2], year)] for r in members)

    bal_rows = []

    def add_balance(frame, unit, year, scope, a, d, net, source, flag=None, note=None):
        pop = unit_population(frame, unit, year)
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
                    intra = round(0.012 * unit_population(frame, unit, year))
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
            u: n + round(-0.002 * unit_population("kz20", u, year) * _noise(rng, 0.3))
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

    # -- attractiveness --------------------------------------------------------------------
    att = balance.dropna(subset=["arrivals", "departures"]).copy()
    att = att[att["departures"] > 0]
    att["attractiveness_coefficient"] = (att["arrivals"] / att["departures"]).astype(float).round(6)
    att["is_attractive"] = att["attractiveness_coefficient"] > 1
    att["rank_in_year"] = (
        att.groupby(["year", "flow_scope", "region_frame"])["attractiveness_coefficient"]
        .rank(method="min", ascending=False)
        .astype("int32")
    )
    attractiveness = att[
        ["region_code", "year", "flow_scope", "region_frame", "arrivals", "departures",
         "attractiveness_coefficient", "is_attractive", "rank_in_year", "quality_flag"]
    ].reset_index(drop=True)  # fmt: skip

    # -- socio-economic scores -------------------------------------------------------------
    score_rows = []
    for year in years:
        frame = frame_of_year(year)
        units = sorted(set(to_frame[frame].values()))
        for code, (unit, polarity, level, growth, avail) in INDICATOR_SPEC.items():
            if year not in avail:
                continue
            nat_level = level * (1 + growth) ** (year - 2015)
            values = {}
            for u in units:
                p = u[:2]
                rel = GRP_REL[p]
                if code == "grp_per_capita":
                    r = rel * _noise(rng, 0.05)
                elif code == "avg_monthly_wage":
                    r = (1 + 0.35 * (rel - 1)) * _noise(rng, 0.05)
                elif code == "per_capita_income":
                    r = (1 + 0.3 * (rel - 1)) * _noise(rng, 0.06)
                elif code == "unemployment_rate":
                    r = max(0.6, 1 - 0.08 * (rel - 1)) * _noise(rng, 0.08)
                elif code == "employment_applicants_per_1000":
                    r = _noise(rng, 0.35)
                elif code == "doctors_per_10k":
                    r = (1.55 if p in ("71", "75") else 0.85) * _noise(rng, 0.1)
                else:
                    r = (1.9 if p in ("71", "19") else 0.9) * _noise(rng, 0.3)
                values[u] = round(nat_level * r, 3)
            upop = {u: sum(pops[(r[:2], year)] for r, v in to_frame[frame].items()
                           if v == u and r[:2] in POPULATION_2022) for u in units}  # fmt: skip
            published = code in ("grp_per_capita", "avg_monthly_wage", "unemployment_rate")
            national = (
                round(nat_level, 3)
                if published
                else round(sum(values[u] * upop[u] for u in units) / sum(upop.values()), 3)
            )
            for u in units:
                pct = round(100 * values[u] / national, 4)
                klass = score_class(pct)
                pts = POINTS[klass] * (-1 if polarity == "higher_is_worse" else 1)
                score_rows.append(
                    {
                        "region_code": u,
                        "year": year,
                        "indicator_code": code,
                        "region_frame": frame,
                        "value": values[u],
                        "unit": unit,
                        "national_average": national,
                        "national_average_method": "published national figure"
                        if published
                        else "population-weighted mean of regions",  # fmt: skip
                        "pct_of_national_average": pct,
                        "score_class": klass,
                        "polarity": polarity,
                        "score_points": pts,
                        "source_id": {
                            "grp_per_capita": "bns_grp_per_capita_xlsx",
                            "avg_monthly_wage": "xuzzu_region_panel",
                            "unemployment_rate": "bns_unemployment_xlsx",
                            "per_capita_income": "bns_income_48510",
                            "doctors_per_10k": "bns_doctors_xls",
                            "employment_applicants_per_1000": "employment_applicants_xlsx",
                        }.get(code, "kazdata_housing_commissioned"),  # fmt: skip
                        "quality_flag": "yoy_outlier"
                        if (u, year, code) == ("230000000", 2019, "grp_per_capita")
                        else None,  # fmt: skip
                    }
                )
    scores = pd.DataFrame(score_rows)
    scores["year"] = scores["year"].astype("int32")

    # -- scorecard -------------------------------------------------------------------------
    coef = {
        (r.region_code, int(r.year)): float(r.attractiveness_coefficient)
        for r in attractiveness.itertuples()
        if r.flow_scope == "interregional" and r.region_frame == frame_of_year(int(r.year))
    }
    total_net = {
        (r.region_code, int(r.year)): int(r.net_migration)
        for r in balance.itertuples()
        if r.flow_scope == "total" and r.region_frame == frame_of_year(int(r.year))
    }
    card_rows = []
    for (u, year), g in scores.groupby(["region_code", "year"]):
        key = (u, int(year))
        card_rows.append(
            {
                "region_code": u,
                "year": int(year),
                "region_frame": frame_of_year(int(year)),
                "total_score_points": float(g["score_points"].sum()),
                "indicators_scored": int(len(g)),
                "indicators_available": int(len(g)),
                "indicators_flagged": int((g["quality_flag"] != "ok").sum()),
                "scored_indicator_codes": sorted(g["indicator_code"]),
                "attractiveness_coefficient": coef.get(key),
                "attractiveness_flow_scope": "interregional" if key in coef else None,
                "attractiveness_region_frame": frame_of_year(int(year)) if key in coef else None,
                "attractiveness_quality_flag": "ok" if key in coef else None,
                "net_migration": None if key not in total_net else float(total_net[key]),
                "net_migration_per_1000": None,
                "net_migration_flow_scope": "total" if key in total_net else None,
                "net_migration_region_frame": frame_of_year(int(year))
                if key in total_net
                else None,  # fmt: skip
                "net_migration_quality_flag": None,
            }
        )
    scorecard = pd.DataFrame(card_rows)
    scorecard["year"] = scorecard["year"].astype("int32")

    # -- quality issues and build info -----------------------------------------------------
    issue_rows = [
        ("reconcile_internal_vs_interregional_balance", "warn", "750000000", 2022,
         "net_migration", "internal", "kz20", "kanat_internal_migration", 14210.0,
         "diar_od_flows", 13988.0, 0.01,
         "internal and interregional balances differ by 1.6 % (tolerance 1 %)"),
        ("indicator_yoy_outlier", "warn", "230000000", 2019, "grp_per_capita", None, "kz17",
         "bns_grp_per_capita_xlsx", 9840.2, None, 13120.5, 0.3,
         "year-over-year change of +33 % (threshold 30 %)"),
        ("reconcile_population", "warn", "610000000", 2020, "population", None, "kz17",
         "kazdata_population", 2016452.0, "camomile_population", 2033612.0, 0.005,
         "population tables differ by 0.85 % (tolerance 0.5 %)"),
    ]  # fmt: skip
    issues = pd.DataFrame(
        issue_rows,
        columns=[
            "check_name",
            "severity",
            "region_code",
            "year",
            "measure",
            "flow_scope",
            "region_frame",
            "source_a",
            "value_a",
            "source_b",
            "value_b",
            "tolerance",
            "detail",
        ],  # fmt: skip
    )
    issues.insert(0, "issue_id", [f"issue-{i:04d}" for i in range(len(issues))])
    issues.insert(11, "difference", issues["value_a"] - issues["value_b"])
    issues["year"] = issues["year"].astype("int32")
    build_info = pd.DataFrame(
        [
            {
                "build_id": build_id,
                "built_at": datetime(2025, 11, 26, 12, 0, tzinfo=timezone.utc),  # noqa: UP017
                "git_commit": "0123456789abcdef0123456789abcdef01234567",
                "input_manifest_hash": "f" * 64,
                "dbt_version": "1.11.16",
                "dbt_duckdb_version": "1.11.1",
                "duckdb_version": duckdb.__version__,
                "great_expectations_version": "1.24.1",
                "warning_count": len(issues),
                "error_count": 0,
            }
        ]
    )
    tables = {
        "dim_region": dim_region,
        "region_frame_map": frame_map[["region_frame", "region_code", "frame_region_code"]],
        "fct_migration_flows": fct_flows,
        "fct_migration_balance": balance,
        "fct_migration_attractiveness": attractiveness,
        "fct_socioeconomic_scores": scores,
        "fct_region_scorecard": scorecard,
        "data_quality_issues": issues,
        "build_info": build_info,
    }
    tables["dim_source"] = dim_source(tables, max(years))
    tables["paper_claims"] = paper_claims()
    tables["fct_migration_paper_view"] = paper_view(balance, attractiveness, frame_of_year)
    return tables | drivers_marts(tables)  # the Drivers page's marts, computed from these


def write_warehouse(
    path: Path, tables: dict[str, pd.DataFrame], reference: dict[str, pd.DataFrame] | None = None
) -> Path:
    """Write the tables into schema `marts` of a new DuckDB file (region codes as varchar), and
    `reference` (default: the committed seeds) into schema `reference`."""
    reference = reference_tables() if reference is None else reference
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute("create schema reference")
        for name, df in reference.items():
            con.register("_df", df)
            con.execute(f"create table reference.{name} as select * from _df")
            con.unregister("_df")
        for name, df in tables.items():
            con.register("_df", df)
            con.execute(f"create table marts.{name} as select * from _df")
            con.unregister("_df")
            for col in df.columns:
                if col.endswith("region_code"):
                    con.execute(f"alter table marts.{name} alter {col} type varchar")
    finally:
        con.close()
    return path


def write_parquet_copies(build_db: Path) -> Path:
    """The Parquet copies the publish writes beside a build: every table of schemas `marts` and
    `reference` as builds/<id>/parquet/<schema>/<table>.parquet."""
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('marts', 'reference') order by all"
        ).fetchall()
        for schema, table in tables:
            target = parquet_path(build_db.parent, schema, table)
            target.parent.mkdir(parents=True, exist_ok=True)
            literal = str(target).replace("'", "''")
            con.execute(f"copy {schema}.{table} to '{literal}' (format parquet)")
    finally:
        con.close()
    return parquet_dir(build_db.parent)


def publish_fixture(
    root: Path, build_id: str, tables: dict | None = None, parquet: bool = True, **kwargs
) -> Path:
    """Write builds/<build_id>/warehouse.duckdb under root (with its Parquet copies unless
    `parquet=False`, as a build published before they existed) and point current.duckdb at it."""
    tables = tables if tables is not None else build_tables(build_id=build_id, **kwargs)
    target = write_warehouse(root / "builds" / build_id / "warehouse.duckdb", tables)
    shutil.rmtree(parquet_dir(target.parent), ignore_errors=True)
    if parquet:
        write_parquet_copies(target)
    link = root / "current.duckdb"
    tmp = root / f".current.{build_id}.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(target, root), tmp)
    os.replace(tmp, link)
    return target
