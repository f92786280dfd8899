"""Drive profiles: a route's position, speed and heading, second by second.

A :class:`Route` is computed once per (origin, destination, driver type) and shared by every
vehicle that drives it: a speed profile that accelerates from standstill, cruises near the
limit, slows for junctions and stops at the gates (the gate check), sampled at 1 s. A vehicle
then only indexes arrays for each report.
"""

from __future__ import annotations

import itertools
import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import shapely
from shapely.ops import nearest_points

from desktop.models.sites import SiteIndex
from desktop.sim.roads import APRON, GATE, ROAD, Node, RegionGraph, RoadNetwork

ACCEL = 0.7  # m/s², a loaded tractor pulling away
DECEL = 1.0  # m/s², comfortable braking
STEP_M = 4.0  # discretisation of the speed profile
GATE_HOLD_S = 20.0  # standing at a gate for the check
APRON_KMH = 15.0  # turning between the gate road and the public road
CRUISE_FACTORS = (0.85, 0.93, 1.0)  # drivers: careful, usual, at the limit
FAKE_MS = 54.0  # T1 fake track: 194 km/h, so two fixes are never ≥ 1 km apart at > 200 km/h
STOP_CLEARANCE_M = 40.0  # a stop point is at least this far from every site


@dataclass(slots=True)
class Route:
    """A drive from an origin yard to a destination yard, sampled every second."""

    region: str
    origin: str
    dest: str
    lat: array[float]
    lon: array[float]
    speed: array[float]  # km/h
    heading: array[float]  # degrees from north, clockwise
    gate_out: str  # origin gate passed, and the second the truck stands at it
    gate_out_s: int
    gate_in: str
    gate_in_s: int
    exit_s: int  # first second outside the origin geofence
    enter_s: int  # first second inside the destination geofence
    stop_s: int | None  # a second mid-route at least STOP_CLEARANCE_M from every site
    length_m: float

    @property
    def duration_s(self) -> int:
        return len(self.lat) - 1

    def at(self, tau_ms: int) -> tuple[float, float, float, float]:
        """``(lat, lon, speed_kmh, heading)`` ``tau_ms`` after leaving the origin yard."""
        i, frac = divmod(tau_ms, 1000)
        last = len(self.lat) - 1
        if i >= last:
            return self.lat[last], self.lon[last], 0.0, self.heading[last]
        if i < 0:
            return self.lat[0], self.lon[0], 0.0, self.heading[0]
        if frac == 0:
            return self.lat[i], self.lon[i], self.speed[i], self.heading[i]
        f = frac / 1000.0
        lat, lon, speed = self.lat, self.lon, self.speed
        return (
            lat[i] + (lat[i + 1] - lat[i]) * f,
            lon[i] + (lon[i + 1] - lon[i]) * f,
            round(speed[i] + (speed[i + 1] - speed[i]) * f, 1),
            self.heading[i],
        )


def _turn_kmh(graph: RegionGraph, a: Node, b: Node, c: Node) -> float | None:
    """Speed limit through junction ``b`` coming from ``a`` going to ``c`` (None: no limit)."""
    ax, ay = graph.xy(a.lon, a.lat)
    bx, by = graph.xy(b.lon, b.lat)
    cx, cy = graph.xy(c.lon, c.lat)
    h1 = math.atan2(bx - ax, by - ay)
    h2 = math.atan2(cx - bx, cy - by)
    turn = abs(math.degrees((h2 - h1 + math.pi) % (2 * math.pi) - math.pi))
    if turn < 15:
        return None
    if turn < 45:
        return 40.0
    if turn < 100:
        return 25.0
    return 15.0


def _profile(
    xy: Sequence[tuple[float, float]],
    limits_kmh: Sequence[float],
    node_kmh: Sequence[float | None],
    holds: dict[int, float],
    accel: float = ACCEL,
    decel: float = DECEL,
) -> tuple[list[float], list[float], list[float], list[float], dict[int, float]]:
    """Sample a polyline drive at 1 s: returns x, y, speed (km/h), heading (deg) and the time
    each polyline point is reached (``holds``: seconds standing still at a point)."""
    s_pts: list[float] = [0.0]
    vmax: list[float] = [0.0]
    seg_of: list[int] = [0]
    node_at: dict[int, int] = {0: 0}  # discretised index -> polyline point
    total = 0.0
    for i in range(len(xy) - 1):
        (x0, y0), (x1, y1) = xy[i], xy[i + 1]
        length = math.hypot(x1 - x0, y1 - y0)
        n = max(1, math.ceil(length / STEP_M))
        limit = limits_kmh[i] / 3.6
        vmax[-1] = min(vmax[-1], limit) if i else 0.0
        for k in range(1, n + 1):
            s_pts.append(total + length * k / n)
            vmax.append(limit)
            seg_of.append(i)
        total += length
        node_at[len(s_pts) - 1] = i + 1
        cap = node_kmh[i + 1]
        if cap is not None:
            vmax[-1] = min(vmax[-1], cap / 3.6)
    vmax[-1] = 0.0
    v = vmax[:]
    for j in range(1, len(v)):
        v[j] = min(v[j], math.sqrt(v[j - 1] ** 2 + 2 * accel * (s_pts[j] - s_pts[j - 1])))
    for j in range(len(v) - 2, -1, -1):
        v[j] = min(v[j], math.sqrt(v[j + 1] ** 2 + 2 * decel * (s_pts[j + 1] - s_pts[j])))
    # time at each discretised point, holds inserted as a second point at the same place
    ts: list[float] = [0.0]
    ss: list[float] = [0.0]
    vs: list[float] = [0.0]
    reached: dict[int, float] = {0: 0.0}
    t = holds.get(0, 0.0)
    if t:
        ts.append(t)
        ss.append(0.0)
        vs.append(0.0)
    for j in range(1, len(s_pts)):
        ds = s_pts[j] - s_pts[j - 1]
        t += ds / max(0.05, (v[j - 1] + v[j]) / 2)
        ts.append(t)
        ss.append(s_pts[j])
        vs.append(v[j])
        point = node_at.get(j)
        if point is not None:
            reached[point] = t
            hold = holds.get(point, 0.0)
            if hold:
                t += hold
                ts.append(t)
                ss.append(s_pts[j])
                vs.append(0.0)
    # resample at whole seconds
    cum = [0.0]
    for i in range(len(xy) - 1):
        cum.append(cum[-1] + math.hypot(xy[i + 1][0] - xy[i][0], xy[i + 1][1] - xy[i][1]))
    out_x: list[float] = []
    out_y: list[float] = []
    out_v: list[float] = []
    out_h: list[float] = []
    j = seg = 0
    heading = 0.0
    for second in range(math.ceil(ts[-1]) + 1):
        while j < len(ts) - 2 and ts[j + 1] <= second:
            j += 1
        span = ts[j + 1] - ts[j]
        f = 0.0 if span <= 0 else min(1.0, max(0.0, (second - ts[j]) / span))
        s = ss[j] + (ss[j + 1] - ss[j]) * f
        speed = vs[j] + (vs[j + 1] - vs[j]) * f
        while seg < len(xy) - 2 and cum[seg + 1] <= s:
            seg += 1
        (x0, y0), (x1, y1) = xy[seg], xy[seg + 1]
        seg_len = cum[seg + 1] - cum[seg]
        g = 0.0 if seg_len <= 0 else min(1.0, (s - cum[seg]) / seg_len)
        if seg_len > 0:
            heading = math.degrees(math.atan2(x1 - x0, y1 - y0)) % 360.0
        out_x.append(x0 + (x1 - x0) * g)
        out_y.append(y0 + (y1 - y0) * g)
        out_v.append(round(speed * 3.6, 1))
        out_h.append(round(heading, 1))
    return out_x, out_y, out_v, out_h, reached


def _clear_of_sites(sites: SiteIndex, graph: RegionGraph, lon: float, lat: float) -> bool:
    d_lon, d_lat = STOP_CLEARANCE_M / graph.mx, STOP_CLEARANCE_M / graph.my
    return not any(
        sites.in_any_site(lon + dx, lat + dy)
        for dx, dy in ((0, 0), (d_lon, 0), (-d_lon, 0), (0, d_lat), (0, -d_lat))
    )


class RouteBook:
    """Routes between the sites of each region, computed on first use and kept."""

    def __init__(self, network: RoadNetwork) -> None:
        self.network = network
        self.sites = network.sites
        self._routes: dict[tuple[str, str, int], Route] = {}
        self._fakes: dict[tuple[str, str], Route | None] = {}

    def route(self, origin: str, dest: str, variant: int = 1) -> Route:
        """The road route between two sites of a region for a driver type (index into
        :data:`CRUISE_FACTORS`)."""
        key = (origin, dest, variant)
        found = self._routes.get(key)
        if found is None:
            found = self._routes[key] = self._build(origin, dest, CRUISE_FACTORS[variant])
        return found

    def _build(self, origin: str, dest: str, cruise: float) -> Route:
        region = self.sites.sites[origin].region
        graph = self.network.graphs[region]
        nodes = self.network.path(region, origin, dest)
        xy = [graph.xy(n.lon, n.lat) for n in nodes]
        limits = []
        for a, b in itertools.pairwise(nodes):
            kmh = self.network.edge_limit(region, a.node_id, b.node_id)
            on_road = a.kind in (APRON, ROAD) and b.kind in (APRON, ROAD)
            limits.append(kmh * cruise if on_road else kmh)
        caps: list[float | None] = [0.0]
        holds: dict[int, float] = {}
        for i in range(1, len(nodes) - 1):
            node = nodes[i]
            if node.kind == GATE:
                caps.append(0.0)
                holds[i] = GATE_HOLD_S
            elif node.kind == APRON:
                caps.append(APRON_KMH)
            else:
                caps.append(_turn_kmh(graph, nodes[i - 1], node, nodes[i + 1]))
        caps.append(0.0)
        gates = [i for i, n in enumerate(nodes) if n.kind == GATE]
        return self._finish(graph, nodes, xy, limits, caps, holds, gates[0], gates[-1], origin, dest)

    def _finish(
        self,
        graph: RegionGraph,
        nodes: Sequence[Node],
        xy: Sequence[tuple[float, float]],
        limits: Sequence[float],
        caps: Sequence[float | None],
        holds: dict[int, float],
        gate_out_i: int,
        gate_in_i: int,
        origin: str,
        dest: str,
        accel: float = ACCEL,
        decel: float = DECEL,
    ) -> Route:
        xs, ys, speeds, headings, reached = _profile(xy, limits, caps, holds, accel, decel)
        lons: array[float] = array("d")
        lats: array[float] = array("d")
        for x, y in zip(xs, ys, strict=True):
            lon, lat = graph.lonlat(x, y)
            lons.append(lon)
            lats.append(lat)
        o_site, d_site = self.sites.sites[origin], self.sites.sites[dest]
        exit_s = next((i for i in range(len(lats)) if not o_site.contains(lons[i], lats[i])), len(lats) - 1)
        enter_s = next(
            (i for i in range(exit_s, len(lats)) if d_site.contains(lons[i], lats[i])), len(lats) - 1
        )
        length = sum(math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(xy))
        return Route(
            graph.region,
            origin,
            dest,
            lats,
            lons,
            array("d", speeds),
            array("d", headings),
            nodes[gate_out_i].gate_id or "",
            int(reached[gate_out_i] + holds.get(gate_out_i, 0.0) / 2),
            nodes[gate_in_i].gate_id or "",
            int(reached[gate_in_i] + holds.get(gate_in_i, 0.0) / 2),
            exit_s,
            enter_s,
            self._stop_second(graph, lats, lons, speeds, exit_s, enter_s),
            length,
        )

    def _stop_second(
        self,
        graph: RegionGraph,
        lats: Sequence[float],
        lons: Sequence[float],
        speeds: Sequence[float],
        exit_s: int,
        enter_s: int,
    ) -> int | None:
        """The slowest point of the middle of the drive that is clear of every site."""
        span = enter_s - exit_s
        for lo, hi in ((0.25, 0.75), (0.05, 0.95)):
            window = range(exit_s + int(span * lo), exit_s + int(span * hi) + 1)
            best = sorted(window, key=lambda i: (speeds[i], abs(i - (exit_s + span // 2))))
            for i in best:
                if _clear_of_sites(self.sites, graph, lons[i], lats[i]):
                    return i
        return None

    def fake(self, origin: str, dest: str) -> Route | None:
        """A T1 fake track: out of the origin towards the destination at :data:`FAKE_MS`,
        in a straight line between the two geofences (None when the geometry does not allow)."""
        key = (origin, dest)
        if key not in self._fakes:
            self._fakes[key] = self._build_fake(origin, dest)
        return self._fakes[key]

    def _build_fake(self, origin: str, dest: str) -> Route | None:
        o_site, d_site = self.sites.sites[origin], self.sites.sites[dest]
        region = o_site.region
        graph = self.network.graphs[region]
        real = self.network.path(region, origin, dest)
        yard_o, yard_d, gate_d = real[0], real[-1], real[-2]
        # leave by the origin gate whose apron is nearest to the destination, then head
        # straight for the destination's nearest point
        best: tuple[float, Node, Node] | None = None
        for other, _, _ in graph.adjacent[yard_o.node_id]:
            gate = graph.nodes[other]
            apron = next(graph.nodes[a] for a, _, _ in graph.adjacent[other] if graph.nodes[a].kind == APRON)
            metres = d_site.polygon.distance(shapely.Point(apron.lon, apron.lat)) * graph.my
            if best is None or metres < best[0]:
                best = (metres, gate, apron)
        if best is None or best[0] < 100.0:
            return None
        _, gate_o, apron_o = best
        q_d = nearest_points(d_site.polygon, shapely.Point(apron_o.lon, apron_o.lat))[0]
        ax, ay = graph.xy(apron_o.lon, apron_o.lat)
        dx, dy = graph.xy(float(q_d.x), float(q_d.y))
        norm = math.hypot(dx - ax, dy - ay)
        p_in = graph.lonlat(dx + (dx - ax) / norm * 25, dy + (dy - ay) / norm * 25)
        if not d_site.contains(*p_in):
            return None
        nodes = [yard_o, gate_o, apron_o, Node("fake-in", ROAD, *p_in), yard_d]
        xy = [graph.xy(n.lon, n.lat) for n in nodes]
        limits = [15.0, 15.0, FAKE_MS * 3.6, 15.0]
        caps: list[float | None] = [0.0, 0.0, None, None, 0.0]
        route = self._finish(
            graph, nodes, xy, limits, caps, {1: GATE_HOLD_S}, 1, 1, origin, dest, accel=60.0, decel=60.0
        )
        route.gate_in, route.gate_in_s = gate_d.gate_id or "", route.enter_s
        return route
