"""Built-in road graphs of the four port regions, and shortest routes between their sites.

Each region's graph has, for every site: a *yard* node (a point well inside the geofence where
trucks park), a node at each *gate* (門哨, inside the fence) and an *apron* node just outside the
fence in front of the gate, where the gate road meets the public road. Hand-placed *waypoints*
follow plausible roads between the gates (quay roads, the port's main road, the freeway in
Keelung). Edges carry a speed limit. A site file that the built-in data does not describe (a
deployment's own sites) still works: gates and waypoints the data does not name are ignored,
and every apron left unconnected is joined to its nearest neighbours by a straight road.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import shapely
from shapely.ops import nearest_points

from desktop.models.geo import local_projector
from desktop.models.sites import Site, SiteIndex

YARD: Final = "yard"
GATE: Final = "gate"
APRON: Final = "apron"
ROAD: Final = "road"

APRON_OUTSIDE_M: Final = 35.0  # apron node distance outside the fence, in front of its gate
YARD_KMH: Final = 15.0  # inside a site: yard to gate
GATE_ROAD_KMH: Final = 20.0  # gate to apron
FALLBACK_KMH: Final = 40.0  # straight roads made up for sites the built-in data does not know

# Waypoints (lon, lat) and edges (a, b, km/h) per region. An edge end that is a gate id means
# that gate's apron node.
_Waypoints = Mapping[str, tuple[float, float]]
_Edges = Sequence[tuple[str, str, float]]

ROADS: Final[dict[str, tuple[_Waypoints, _Edges]]] = {
    "keelung": (
        {
            "KEL-W-QUAY-S": (121.7399, 25.1410),  # quay road south of the West terminal
            "KEL-ZHONGSHAN": (121.7385, 25.1340),  # west bank road
            "KEL-HARBOUR-HEAD": (121.7420, 25.1295),  # head of the harbour (downtown)
            "KEL-ZHONGZHENG": (121.7468, 25.1305),  # east bank road
            "KEL-E-QUAY-S": (121.7493, 25.1340),  # quay road south of the East terminal
            "KEL-FWY1-END": (121.7365, 25.1260),  # National Freeway 1, Keelung end
            "KEL-BADU-IC": (121.7338, 25.1112),  # Badu interchange
            "KEL-BADU-RD": (121.7320, 25.1068),
            "KEL-FWY1-BADU": (121.7332, 25.1030),
            "KEL-QIDU-IC": (121.7185, 25.0930),  # Qidu interchange
            "KEL-QIDU-RD": (121.7125, 25.0918),
            "KEL-FWY1-WUDU": (121.6960, 25.0840),
            "KEL-WUDU-IC": (121.6835, 25.0790),  # Wudu interchange
            "KEL-WUDU-RD": (121.6785, 25.0768),
        },
        (
            ("KEL-T-W-G2", "KEL-T-W-G1", 30),
            ("KEL-T-W-G1", "KEL-W-QUAY-S", 30),
            ("KEL-W-QUAY-S", "KEL-ZHONGSHAN", 40),
            ("KEL-ZHONGSHAN", "KEL-HARBOUR-HEAD", 40),
            ("KEL-HARBOUR-HEAD", "KEL-ZHONGZHENG", 40),
            ("KEL-ZHONGZHENG", "KEL-E-QUAY-S", 40),
            ("KEL-E-QUAY-S", "KEL-T-E-G1", 30),
            ("KEL-T-E-G1", "KEL-T-E-G2", 30),
            ("KEL-HARBOUR-HEAD", "KEL-FWY1-END", 50),
            ("KEL-FWY1-END", "KEL-BADU-IC", 80),
            ("KEL-BADU-IC", "KEL-BADU-RD", 40),
            ("KEL-BADU-RD", "KEL-BW-BD-G1", 30),
            ("KEL-BADU-IC", "KEL-FWY1-BADU", 80),
            ("KEL-FWY1-BADU", "KEL-QIDU-IC", 80),
            ("KEL-QIDU-IC", "KEL-QIDU-RD", 40),
            ("KEL-QIDU-RD", "KEL-CY-QD-G1", 30),
            ("KEL-QIDU-IC", "KEL-FWY1-WUDU", 80),
            ("KEL-FWY1-WUDU", "KEL-WUDU-IC", 80),
            ("KEL-WUDU-IC", "KEL-WUDU-RD", 40),
            ("KEL-WUDU-RD", "KEL-CY-WD-G1", 30),
        ),
    ),
    "taipei": (
        {
            "TPE-N1-S": (121.3810, 25.1580),  # south of the North terminal phase 1
            "TPE-N-BEND": (121.3915, 25.1648),  # between the two North terminal phases
            "TPE-MID": (121.3870, 25.1560),  # port main road
            "TPE-S-JCT": (121.3890, 25.1495),
            "TPE-CY-S": (121.3935, 25.1505),
        },
        (
            ("TPE-FTZ-1-G1", "TPE-N1-S", 30),
            ("TPE-N1-S", "TPE-T-N1-G1", 30),
            ("TPE-T-N1-G1", "TPE-T-N1-G2", 30),
            ("TPE-T-N1-G2", "TPE-N-BEND", 30),
            ("TPE-N-BEND", "TPE-T-N2-G1", 30),
            ("TPE-T-N2-G1", "TPE-T-N2-G2", 30),
            ("TPE-N1-S", "TPE-MID", 40),
            ("TPE-MID", "TPE-N-BEND", 40),
            ("TPE-MID", "TPE-S-JCT", 40),
            ("TPE-LC-1-G1", "TPE-S-JCT", 30),
            ("TPE-S-JCT", "TPE-CY-S", 40),
            ("TPE-CY-S", "TPE-CY-1-G1", 30),
        ),
    ),
    "taichung": (
        {
            "TXG-QUAY-M": (120.5045, 24.2850),  # between the West and North terminals
            "TXG-PORT-RD": (120.5150, 24.2800),  # port main road
            "TXG-FTZ-E": (120.5275, 24.2720),
            "TXG-CY-RD": (120.5300, 24.2610),
        },
        (
            ("TXG-T-W-G1", "TXG-T-W-G2", 30),
            ("TXG-T-W-G2", "TXG-QUAY-M", 30),
            ("TXG-QUAY-M", "TXG-T-N-G1", 30),
            ("TXG-T-N-G1", "TXG-T-N-G2", 30),
            ("TXG-QUAY-M", "TXG-PORT-RD", 50),
            ("TXG-PORT-RD", "TXG-FTZ-E", 50),
            ("TXG-FTZ-E", "TXG-FTZ-1-G1", 30),
            ("TXG-FTZ-E", "TXG-BW-1-G1", 30),
            ("TXG-FTZ-E", "TXG-CY-RD", 50),
            ("TXG-CY-RD", "TXG-CY-1-G1", 30),
        ),
    ),
    "kaohsiung": (
        {
            "KHH-MAIN-1": (120.3110, 22.5900),  # main road (Zhongshan Rd corridor), north
            "KHH-MAIN-2": (120.3185, 22.5795),
            "KHH-MAIN-3": (120.3260, 22.5700),
            "KHH-MAIN-4": (120.3330, 22.5610),
            "KHH-MAIN-5": (120.3415, 22.5560),  # south
            "KHH-QZ-S": (120.3120, 22.5925),
            "KHH-T40-S": (120.3065, 22.5780),
            "KHH-T40-E": (120.3100, 22.5805),
            "KHH-T50-NW": (120.3100, 22.5690),
            "KHH-T50-SE": (120.3230, 22.5590),
            "KHH-T60-NW": (120.3250, 22.5560),
            "KHH-T60-S": (120.3380, 22.5460),
            "KHH-T70-N": (120.3190, 22.5470),
            "KHH-T70-NW": (120.3095, 22.5440),
            "KHH-T70-W": (120.3105, 22.5405),
            "KHH-XG-W": (120.3445, 22.5630),
            "KHH-LC-W": (120.3405, 22.5500),
        },
        (
            ("KHH-MAIN-1", "KHH-MAIN-2", 50),
            ("KHH-MAIN-2", "KHH-MAIN-3", 50),
            ("KHH-MAIN-3", "KHH-MAIN-4", 50),
            ("KHH-MAIN-4", "KHH-MAIN-5", 50),
            ("KHH-MAIN-1", "KHH-QZ-S", 40),
            ("KHH-QZ-S", "KHH-CY-QZ-G1", 30),
            ("KHH-MAIN-2", "KHH-BW-1-G1", 30),
            ("KHH-MAIN-2", "KHH-T40-E", 40),
            ("KHH-T40-E", "KHH-T40-S", 40),
            ("KHH-T40-S", "KHH-T-40-G2", 30),
            ("KHH-T-40-G2", "KHH-T-40-G1", 30),
            ("KHH-MAIN-2", "KHH-T50-NW", 40),
            ("KHH-T50-NW", "KHH-T-50-G1", 30),
            ("KHH-T-50-G1", "KHH-T-50-G2", 30),
            ("KHH-T-50-G2", "KHH-T50-SE", 30),
            ("KHH-T50-SE", "KHH-T60-NW", 40),
            ("KHH-T60-NW", "KHH-MAIN-4", 40),
            ("KHH-T60-NW", "KHH-T-60-G1", 30),
            ("KHH-T-60-G1", "KHH-T-60-G2", 30),
            ("KHH-T-60-G2", "KHH-T60-S", 30),
            ("KHH-T60-S", "KHH-LC-1-G1", 30),
            ("KHH-T60-NW", "KHH-T70-N", 40),
            ("KHH-T70-N", "KHH-T70-NW", 40),
            ("KHH-T70-NW", "KHH-T70-W", 30),
            ("KHH-T70-W", "KHH-T-70-G1", 30),
            ("KHH-T-70-G1", "KHH-T-70-G2", 30),
            ("KHH-MAIN-5", "KHH-XG-W", 40),
            ("KHH-XG-W", "KHH-CY-XG-G1", 30),
            ("KHH-MAIN-5", "KHH-LC-W", 40),
            ("KHH-LC-W", "KHH-LC-1-G1", 30),
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class Node:
    """A point of a region's road graph."""

    node_id: str
    kind: str  # YARD, GATE, APRON or ROAD
    lon: float
    lat: float
    site_code: str | None = None  # for YARD and GATE nodes
    gate_id: str | None = None  # for GATE nodes


class RegionGraph:
    """One region's nodes and edges, with distances in a local metric projection."""

    def __init__(self, region: str, ref_lat: float, ref_lon: float) -> None:
        self.region = region
        self.ref_lat, self.ref_lon = ref_lat, ref_lon
        self.mx, self.my = local_projector(ref_lat, ref_lon)  # metres per degree lon, lat
        self.nodes: dict[str, Node] = {}
        self.adjacent: dict[str, list[tuple[str, float, float]]] = {}  # node -> (other, m, km/h)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """Metres east and north of the region's reference point."""
        return (lon - self.ref_lon) * self.mx, (lat - self.ref_lat) * self.my

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        return self.ref_lon + x / self.mx, self.ref_lat + y / self.my

    def distance_m(self, a: str, b: str) -> float:
        na, nb = self.nodes[a], self.nodes[b]
        ax, ay = self.xy(na.lon, na.lat)
        bx, by = self.xy(nb.lon, nb.lat)
        return math.hypot(bx - ax, by - ay)

    def add_node(self, node: Node) -> None:
        self.nodes[node.node_id] = node
        self.adjacent.setdefault(node.node_id, [])

    def connect(self, a: str, b: str, kmh: float) -> None:
        if a == b or any(other == b for other, _, _ in self.adjacent[a]):
            return
        metres = self.distance_m(a, b)
        self.adjacent[a].append((b, metres, kmh))
        self.adjacent[b].append((a, metres, kmh))


def _yard_point(site: Site) -> tuple[float, float]:
    point = site.polygon.representative_point()
    return float(point.x), float(point.y)


def _apron_point(graph: RegionGraph, site: Site, lon: float, lat: float) -> tuple[float, float]:
    """A point ``APRON_OUTSIDE_M`` outside the fence, straight out from the gate."""
    boundary = nearest_points(site.polygon.exterior, shapely.Point(lon, lat))[0]
    gx, gy = graph.xy(lon, lat)
    bx, by = graph.xy(float(boundary.x), float(boundary.y))
    dx, dy = bx - gx, by - gy
    norm = math.hypot(dx, dy)
    if norm < 0.5:  # a gate on the fence line: go out perpendicular to it, away from the centre
        cx, cy = graph.xy(*_yard_point(site))
        dx, dy, norm = gx - cx, gy - cy, max(1e-9, math.hypot(gx - cx, gy - cy))
        return graph.lonlat(gx + dx / norm * APRON_OUTSIDE_M, gy + dy / norm * APRON_OUTSIDE_M)
    scale = (norm + APRON_OUTSIDE_M) / norm
    return graph.lonlat(gx + dx * scale, gy + dy * scale)


def _virtual_gate(graph: RegionGraph, site: Site, towards: tuple[float, float]) -> tuple[float, float]:
    """A gate position for a site without gates: just inside the fence, facing ``towards``."""
    inner = site.polygon.buffer(-0.00015)
    target = inner if not inner.is_empty else site.polygon
    point = nearest_points(target.exterior, shapely.Point(*towards))[0]
    return float(point.x), float(point.y)


class RoadNetwork:
    """Road graphs of every region of a :class:`SiteIndex`, and shortest routes on them."""

    def __init__(
        self, sites: SiteIndex, roads: Mapping[str, tuple[_Waypoints, _Edges]] | None = None
    ) -> None:
        self.sites = sites
        self.graphs: dict[str, RegionGraph] = {}
        roads = ROADS if roads is None else roads
        by_region: dict[str, list[Site]] = {}
        for site in sites.sites.values():
            by_region.setdefault(site.region, []).append(site)
        for region, members in by_region.items():
            self.graphs[region] = self._build(region, members, roads.get(region, ({}, ())))

    def region_sites(self, region: str) -> list[str]:
        """Site codes of a region, in the sites file's order."""
        return [n.site_code for n in self.graphs[region].nodes.values() if n.kind == YARD and n.site_code]

    def _build(self, region: str, members: list[Site], data: tuple[_Waypoints, _Edges]) -> RegionGraph:
        waypoints, edges = data
        lons = [s.bbox[0] for s in members] + [s.bbox[2] for s in members]
        lats = [s.bbox[1] for s in members] + [s.bbox[3] for s in members]
        centre = ((min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2)
        graph = RegionGraph(region, centre[1], centre[0])
        gates_of: dict[str, list[tuple[str, float, float]]] = {}
        for gate in self.sites.gates.values():
            gates_of.setdefault(gate.site_code, []).append((gate.gate_id, gate.lon, gate.lat))
        apron_of: dict[str, str] = {}
        for site in members:
            yard = f"{site.code}/yard"
            graph.add_node(Node(yard, YARD, *_yard_point(site), site_code=site.code))
            gates = gates_of.get(site.code) or [(f"{site.code}-VG", *_virtual_gate(graph, site, centre))]
            for gate_id, lon, lat in gates:
                apron = f"{gate_id}/apron"
                graph.add_node(Node(gate_id, GATE, lon, lat, site_code=site.code, gate_id=gate_id))
                graph.add_node(Node(apron, APRON, *_apron_point(graph, site, lon, lat)))
                graph.connect(yard, gate_id, YARD_KMH)
                graph.connect(gate_id, apron, GATE_ROAD_KMH)
                apron_of[gate_id] = apron
        for name, (lon, lat) in waypoints.items():
            graph.add_node(Node(name, ROAD, lon, lat))
        for a, b, kmh in edges:
            na, nb = apron_of.get(a, a), apron_of.get(b, b)
            if na in graph.nodes and nb in graph.nodes:
                graph.connect(na, nb, float(kmh))
        self._join_loose_aprons(graph)
        return graph

    @staticmethod
    def _join_loose_aprons(graph: RegionGraph) -> None:
        """Connect aprons the built-in data does not reach to their two nearest road points."""
        road_kinds = (APRON, ROAD)
        points = [n.node_id for n in graph.nodes.values() if n.kind in road_kinds]
        for node_id in points:
            if graph.nodes[node_id].kind != APRON:
                continue
            if any(graph.nodes[o].kind in road_kinds for o, _, _ in graph.adjacent[node_id]):
                continue
            others = sorted(
                (graph.distance_m(node_id, o), o)
                for o in points
                if o != node_id and graph.nodes[o].site_code is None
            )
            for _, other in others[:2]:
                graph.connect(node_id, other, FALLBACK_KMH)

    def path(self, region: str, origin: str, dest: str) -> list[Node]:
        """The quickest path from the origin's yard to the destination's yard (Dijkstra on
        travel time at the speed limits). Never passes through a third site's yard.

        Raises:
            ValueError: when the two sites are not connected.
        """
        graph = self.graphs[region]
        source, target = f"{origin}/yard", f"{dest}/yard"
        best: dict[str, float] = {source: 0.0}
        previous: dict[str, str] = {}
        queue: list[tuple[float, str]] = [(0.0, source)]
        while queue:
            cost, node_id = heapq.heappop(queue)
            if node_id == target:
                break
            if cost > best.get(node_id, math.inf):
                continue
            if node_id != source and graph.nodes[node_id].kind == YARD:
                continue  # a yard is a place to stop, not a road to pass through
            for other, metres, kmh in graph.adjacent[node_id]:
                candidate = cost + metres / (kmh / 3.6)
                if candidate < best.get(other, math.inf):
                    best[other] = candidate
                    previous[other] = node_id
                    heapq.heappush(queue, (candidate, other))
        if target not in best:
            raise ValueError(f"no road from {origin} to {dest} in {region}")
        chain = [target]
        while chain[-1] != source:
            chain.append(previous[chain[-1]])
        return [graph.nodes[n] for n in reversed(chain)]

    def edge_limit(self, region: str, a: str, b: str) -> float:
        """The speed limit (km/h) of the edge between two adjacent nodes."""
        for other, _, kmh in self.graphs[region].adjacent[a]:
            if other == b:
                return kmh
        raise KeyError(f"{a} and {b} are not adjacent")
