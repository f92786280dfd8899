"""Trucks: a bonded tractor with an OBU and an active vehicle seal, or a truck whose containers
carry passive / e-paper seals read by officers' phones.

A vehicle is stepped by the engine at the times it asks for (its OBU report ticks and the
events on its agenda) and sends what happens then. Each keeps doing transport orders between
the sites of its region: the next order starts from where the last one ended.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Any

from desktop.sim.payloads import OrderContainer, TransportOrder, encode
from desktop.sim.profile import CRUISE_FACTORS, Route

if TYPE_CHECKING:
    from desktop.sim.engine import Simulator

NEW_TRIP, SEAL, DEPART, GATE, TAMPER, UNSEAL, PARK, READ = range(8)
GPS_SIGMA_M = 2.5
GPS_CORRELATION_S = 20.0
SEAL_SIGMA_M = 4.0
PHONE_SIGMA_M = 5.0
M_PER_DEG = 111_195.0
FOREVER = 1 << 62
_CARGO = ("import", "export", "transhipment", "transit", "other")
_RISK = ("low", "low", "low", "medium", "medium", "high")


class Vehicle:
    """What active and passive trucks share: identity, agenda, position on a route."""

    def __init__(self, sim: Simulator, index: int, region: str, site: str, first: int) -> None:
        self.sim = sim
        self.index = index
        self.region = region
        self.site = site
        code = sim.region_code(region)
        self.plate = f"{code}{chr(65 + (index // 10_000) % 26)}-{index % 10_000:04d}"
        self.driver = f"DRV-{code}-{index:05d}"
        self.cruise = index % len(CRUISE_FACTORS)
        self.lat, self.lon = self.yard(site)
        self.heading = 0.0
        self.agenda: list[tuple[int, int, int, Any]] = []
        self._n = 0
        self.trip_n = 0
        self.route: Route | None = None
        self.drive_t0 = 0
        self.stop_ms = FOREVER
        self.hold_ms = 0
        self.dest = site
        self.order_no = ""
        self.left: dict[str, int] = {}  # site -> when the truck last drove out of it
        self.at(first, NEW_TRIP)

    def yard(self, site: str) -> tuple[float, float]:
        """Where trucks park and officers stand at a site: ``(lat, lon)`` of its yard."""
        node = self.sim.network.graphs[self.region].nodes[f"{site}/yard"]
        return node.lat, node.lon

    def at(self, t: int, kind: int, data: Any = None) -> None:
        self._n += 1
        heapq.heappush(self.agenda, (t, self._n, kind, data))

    def route_tau(self, t: int) -> tuple[int, bool]:
        """Route time (ms) at vehicle time ``t`` and whether the truck is moving."""
        tau = t - self.drive_t0
        if tau < self.stop_ms:
            return tau, True
        if tau < self.stop_ms + self.hold_ms:
            return self.stop_ms, False
        return tau - self.hold_ms, True

    def position(self, t: int) -> tuple[float, float, float, float]:
        """True ``(lat, lon, speed, heading)`` at ``t``."""
        route = self.route
        if route is None:
            return self.lat, self.lon, 0.0, self.heading
        tau, moving = self.route_tau(t)
        lat, lon, speed, heading = route.at(tau)
        return lat, lon, speed if moving else 0.0, heading

    def vehicle_ms(self, route_s: float) -> int:
        """Vehicle time (ms after leaving the yard) at which the route reaches ``route_s``."""
        ms = round(route_s * 1000)
        return ms + self.hold_ms if ms >= self.stop_ms else ms

    def begin_drive(self, t: int, route: Route, hold_s: float) -> None:
        self.route = route
        self.drive_t0 = t
        stop = route.stop_s if route.stop_s is not None else (route.exit_s + route.enter_s) // 2
        self.hold_ms = round(hold_s * 1000)
        self.stop_ms = stop * 1000 if self.hold_ms else FOREVER
        self.at(t + self.vehicle_ms(route.duration_s), PARK)

    def park(self) -> None:
        route = self.route
        assert route is not None
        last = route.duration_s
        self.lat, self.lon, self.heading = route.lat[last], route.lon[last], route.heading[last]
        self.site, self.route, self.stop_ms, self.hold_ms = route.dest, None, FOREVER, 0

    def choose_dest(self, t: int) -> str | None:
        """A destination for an order issued at ``t``, or None when every other site is one the
        truck left too recently (the console counts an OBU's positions from up to
        ``order_lookback_min`` before an order: having left the next order's origin within that
        window would depart that order before it was sealed)."""
        sim = self.sim
        others = [s for s in sim.network.region_sites(self.region) if s != self.site]
        allowed = [s for s in others if self.left.get(s, -FOREVER) < t - sim.lookback_ms]
        return sim.rng.choice(allowed) if allowed else None

    def retry_at(self) -> int:
        """When the first other site becomes an allowed destination again."""
        others = [s for s in self.sim.network.region_sites(self.region) if s != self.site]
        return min(self.left.get(s, -FOREVER) for s in others) + self.sim.lookback_ms + 1

    def order(
        self, t: int, dest: str, containers: list[OrderContainer], max_transit: int, obu: str | None
    ) -> None:
        sim = self.sim
        self.trip_n += 1
        self.order_no = sim.order_no(self.region, self.index, self.trip_n)
        rng = sim.rng
        payload = TransportOrder(
            1, self.order_no, sim.ts(t), "open", self.site, dest, self.plate, self.driver, containers,
            sim.ts(t + 600_000), max_transit, rng.choice(_CARGO), rng.choice(_RISK),
        )  # fmt: skip
        if obu is not None:
            payload.obu_id = obu
        sim.send(t, f"jmc/v1/{self.region}/order/{self.order_no}", encode(payload))

    def gate(self, t: int, data: tuple[str, str, str, bool], containers: list[str]) -> None:
        gate_id, site, direction, no_scan = data
        self.sim.gate_pass(t, self.region, gate_id, site, direction, self.plate, containers, no_scan)
