"""Great-circle distances between administrative centres."""

from __future__ import annotations

import numpy as np

# The mean Earth radius of the IUGG (R1 = (2a + b) / 3 of WGS 84), in km.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km on the sphere of radius EARTH_RADIUS_KM (haversine formula,
    well conditioned for short distances). Accepts scalars or arrays of degrees."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = np.radians(np.asarray(lon2) - np.asarray(lon1)) / 2
    h = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
