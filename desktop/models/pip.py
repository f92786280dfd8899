"""Point in polygon, boundary included, for the per-fix geofence test of a trip.

shapely answers the same question, but for one point at a time its call overhead is several
times the work of the test itself, and a trip asks it for every fix near its origin or
destination. Site geofences are small polygons (a few to a few dozen vertices), for which a
crossing-number test in Python is faster. ``tests/test_pip.py`` checks it against shapely.
"""

from __future__ import annotations

from fractions import Fraction

#: relative rounding error of the 2×2 orientation determinant in double precision (with margin)
_ERROR_BOUND = 1e-14

Ring = tuple[tuple[float, float], ...]


def _exact_sign(x1: float, y1: float, x2: float, y2: float, x: float, y: float) -> int:
    """Sign of the orientation determinant in exact rational arithmetic (floats convert exactly)."""
    fx1, fy1, fx, fy = Fraction(x1), Fraction(y1), Fraction(x), Fraction(y)
    det = (Fraction(x2) - fx1) * (fy - fy1) - (Fraction(y2) - fy1) * (fx - fx1)
    return (det > 0) - (det < 0)


def _side_of_edge(x1: float, y1: float, x2: float, y2: float, x: float, y: float) -> int:
    """1 if (x, y) is left of the directed edge, -1 right, 0 on its line: robust, as shapely's
    predicates are. Floating point decides when the determinant clearly exceeds its rounding
    error; otherwise (a point within ~1e-15 of the line) exact arithmetic does."""
    a = (x2 - x1) * (y - y1)
    b = (y2 - y1) * (x - x1)
    det = a - b
    if abs(det) > _ERROR_BOUND * (abs(a) + abs(b)):
        return 1 if det > 0 else -1
    return _exact_sign(x1, y1, x2, y2, x, y)


def _ring_side(x: float, y: float, ring: Ring) -> int:
    """1 strictly inside the ring, 0 on its boundary, -1 outside (crossing number)."""
    inside = False
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y1 > y) != (y2 > y):  # the edge spans the point's height: y in [low, high)
            side = _side_of_edge(x1, y1, x2, y2, x, y)
            if side == 0:
                return 0  # on the edge's line within its height: on the edge
            if (side > 0) == (y2 > y1):  # the edge passes to the right of the point
                inside = not inside
        elif (
            (y1 == y or y2 == y)
            and min(x1, x2) <= x <= max(x1, x2)
            and _side_of_edge(x1, y1, x2, y2, x, y) == 0
        ):
            return 0  # on a horizontal edge or at a vertex
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
