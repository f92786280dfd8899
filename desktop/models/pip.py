"""Point in polygon, boundary included, for the per-fix geofence test of a trip.

shapely answers the same question, but for one point at a time its call overhead is several
times the work of the test itself, and a trip asks it for every fix near its origin or
destination. Site geofences are small polygons (a few to a few dozen vertices), for which a
crossing-number test in Python is faster. ``tests/test_pip.py`` checks it against shapely.
"""

from __future__ import annotations

Ring = tuple[tuple[float, float], ...]


def _ring_side(x: float, y: float, ring: Ring) -> int:
    """1 strictly inside the ring, 0 on its boundary, -1 outside (crossing number)."""
    inside = False
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y1 > y) != (y2 > y) or y1 == y or y2 == y:
            # on the segment? (exact collinearity and within its box)
            cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
            if cross == 0 and min(x1, x2) <= x <= max(x1, x2) and min(y1, y2) <= y <= max(y1, y2):
                return 0
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        x1, y1 = x2, y2
    return 1 if inside else -1


def covers(x: float, y: float, shell: Ring, holes: tuple[Ring, ...] = ()) -> bool:
    """Whether the polygon (``shell`` minus ``holes``) contains the point, boundary included."""
    side = _ring_side(x, y, shell)
    if side < 0:
        return False
    if side == 0:
        return True
    return all(_ring_side(x, y, hole) <= 0 for hole in holes)
