"""Small geodesy helpers (WGS84, metres)."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def local_projector(lat0: float, lon0: float) -> tuple[float, float]:
    """Metres per degree of (lon, lat) for an equirectangular projection around a point.

    Good to well under 1 % over the few tens of kilometres between port sites.
    """
    m_per_deg_lat = math.pi * EARTH_RADIUS_M / 180.0
    return m_per_deg_lat * math.cos(math.radians(lat0)), m_per_deg_lat


_DEG_M = math.pi * EARTH_RADIUS_M / 180.0


def surely_within_m(lat1: float, lon1: float, lat2: float, lon2: float, metres: float) -> bool:
    """Cheap test that two points are certainly closer than ``metres`` (an upper bound on the
    distance that ignores the shrinking of longitude degrees, so it never says yes wrongly)."""
    limit = metres / _DEG_M
    dlat = lat2 - lat1
    dlon = lon2 - lon1
    return dlat * dlat + dlon * dlon < limit * limit * 0.999
