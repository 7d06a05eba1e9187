"""One row per (region_frame, origin_region_code, destination_region_code), origin != destination:
the great-circle distance between the two units' administrative centres (seed
region_admin_centres; formula in analysis/geo.py). marts.dim_region_distance carries the
contract."""

from analysis.distances import region_distances


def model(dbt, session):
    dbt.config(materialized="table")
    return region_distances(dbt.ref("region_admin_centres").df())
