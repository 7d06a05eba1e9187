"""Seeded synthetic origin-destination flows at district level, monthly, by sex and age group.

Layout: the real origin-destination source (`Year, region_emmigr, region_immigr, N`, one flow
per row, ingest/source_registry.yml `diar_od_flows`) plus three breakdown columns:

    Year,month,region_emmigr,region_immigr,sex,age_group,N

Districts. 224 synthetic districts and cities (about the ~220 units BNS tables hold), spread over
the 20 regions of the current frame (`kz20`) with roughly the real number of districts per region.
A district is named by a 9-digit KATO-style code `AABB00000`: `AA` is the region's KATO prefix
(`regions.csv` `kato_prefix`), `BB` = 11, 12, ... numbers the district inside the region, so a
district never collides with a region code (`AA0000000`) and resolves to its region by its first
two digits. The codes are synthetic: they are not the real KATO codes of real districts.
Raw keeps the district codes as written (`origin_as_written`); `origin_code` is the region.

Rows. Row `i` (0-based, in file order) is the flow of district pair `i mod P` (P = 224 * 223
ordered pairs), then year (2015-2024), month, sex, age group (17 five-year groups), fastest first,
so every size covers every pair and, from 1 M rows on, every year. `N` is a deterministic hash of
(`seed`, `i`), mostly 0 as in real district tables by month, sex and age: about 0.1 persons a
cell between regions (at 10^8 rows ~25 arrivals per 1,000 inhabitants a year, the order of the
real rates; a first draw of ~6 a cell gave more arrivals than inhabitants and the gates rightly
refused to publish it), more inside a region. The same seed and size give a byte-identical file
(for a given DuckDB version: DuckDB's `hash` draws the numbers).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# Region KATO prefix -> number of districts and cities of regional significance (approximate).
DISTRICTS_PER_REGION: dict[str, int] = {
    "10": 11,
    "11": 19,
    "15": 13,
    "19": 11,
    "23": 8,
    "27": 13,
    "31": 11,
    "33": 10,
    "35": 12,
    "39": 20,
    "43": 8,
    "47": 7,
    "55": 13,
    "59": 14,
    "61": 17,
    "62": 6,
    "63": 13,
    "71": 5,
    "75": 8,
    "79": 5,
}
FIRST_YEAR = 2015
YEARS = 10
MONTHS = 12
SEXES = ("male", "female")
AGE_GROUPS = tuple(f"{a}-{a + 4}" for a in range(0, 80, 5)) + ("80+",)
COLUMNS = ("Year", "month", "region_emmigr", "region_immigr", "sex", "age_group", "N")


def district_codes() -> list[str]:
    """Every synthetic district code, ordered by region prefix then district number."""
    return [
        f"{prefix}{10 + k:02d}00000"
        for prefix, count in sorted(DISTRICTS_PER_REGION.items())
        for k in range(1, count + 1)
    ]


def crosswalk() -> list[tuple[str, str]]:
    """(district_code, region_code): how every synthetic district resolves to its region."""
    return [(code, code[:2] + "0000000") for code in district_codes()]


def max_rows() -> int:
    districts = len(district_codes())
    return districts * (districts - 1) * YEARS * MONTHS * len(SEXES) * len(AGE_GROUPS)


def generate_sql(rows: int, seed: int) -> str:
    if not 0 < rows <= max_rows():
        raise ValueError(f"rows must be between 1 and {max_rows():,}")
    codes = district_codes()
    d = len(codes)
    pairs = d * (d - 1)
    code_list = "[" + ", ".join(f"'{c}'" for c in codes) + "]"
    sexes = "[" + ", ".join(f"'{s}'" for s in SEXES) + "]"
    ages = "[" + ", ".join(f"'{a}'" for a in AGE_GROUPS) + "]"
    return f"""
        with idx as (
            select
                i,
                i % {pairs} as p,
                (i // {pairs}) % {YEARS} as y,
                (i // ({pairs} * {YEARS})) % {MONTHS} as m,
                (i // ({pairs} * {YEARS * MONTHS})) % {len(SEXES)} as s,
                i // ({pairs} * {YEARS * MONTHS * len(SEXES)}) as a,
                (hash(i, {int(seed)}) % 1000000)::double / 1000000 as u
            from range({int(rows)}) as t(i)
        ),
        ends as (
            select *, p // {d - 1} as o, p % {d - 1} as j from idx
        ),
        named as (
            select
                *,
                {code_list}[o + 1] as origin,
                {code_list}[(case when j < o then j else j + 1 end) + 1] as destination
            from ends
        )
        select
            {FIRST_YEAR} + y as "Year",
            m + 1 as "month",
            origin as region_emmigr,
            destination as region_immigr,
            {sexes}[s + 1] as sex,
            {ages}[a + 1] as age_group,
            floor(pow(u, 40) * (case when origin[1:2] = destination[1:2] then 30 else 6 end))::int
                as "N"
        from named
    """


def generate(path: Path, rows: int, seed: int = 20240607, threads: int | None = None) -> Path:
    """Write `rows` synthetic flows to `path` (CSV, header, file order = row order)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with duckdb.connect() as con:
        if threads:
            con.execute(f"set threads = {int(threads)}")
        con.execute("set preserve_insertion_order = true")
        con.execute(
            f"copy ({generate_sql(rows, seed)}) to '{tmp}' "
            "(format csv, header true, delimiter ',', quote '\"')"
        )
    tmp.replace(path)
    return path
