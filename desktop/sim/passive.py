"""A truck with passive or e-paper seals (被動式 / 電子紙封條): no OBU, so the console hears of it
only through the officers' NFC reads (departure at the origin, arrival at the destination) and
the gate passes on the way out and in."""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from desktop.sim.anomalies import PASSIVE_CODES, PassivePlan, plan_passive
from desktop.sim.payloads import OrderContainer
from desktop.sim.profile import Route
from desktop.sim.records import TripRecord
from desktop.sim.vehicle import DEPART, GATE, M_PER_DEG, NEW_TRIP, PARK, PHONE_SIGMA_M, READ, Vehicle

if TYPE_CHECKING:
    from desktop.sim.engine import Simulator

_CODES = ("A11", *PASSIVE_CODES)


class PassiveVehicle(Vehicle):
    """Passive / e-paper seals on one or two containers, read by officers' phones."""

    def __init__(self, sim: Simulator, index: int, region: str, site: str, first: int) -> None:
        super().__init__(sim, index, region, site, first)
        self.plan: PassivePlan | None = None
        self.origin = site
        self.seals: list[tuple[str, str, str]] = []  # (seal id, seal type, container no)
        self.readers: dict[str, str] = {}  # read kind -> officer
        self.arrivals_read = 0
        self.route_end = 0

    def first_wake(self) -> int:
        return self.agenda[0][0]

    def step(self, t: int) -> int:
        agenda = self.agenda
        while agenda and agenda[0][0] <= t:
            _, _, kind, data = heapq.heappop(agenda)
            if kind == NEW_TRIP:
                self.new_trip(t)
            elif kind == READ:
                self.read(t, data)
            elif kind == DEPART:
                self.depart(t, data)
            elif kind == GATE:
                self.gate(t, data, [s[2] for s in self.seals])
            elif kind == PARK:
                self.park()
        return agenda[0][0]

    def new_trip(self, t: int) -> None:
        sim = self.sim
        rng = sim.rng
        codes = sim.rates.draw(rng, _CODES)
        dest = self.choose_dest(t)
        if dest is None:
            self.at(self.retry_at(), NEW_TRIP)
            return
        route = sim.book.route(self.site, dest, self.cruise)
        wait_s = rng.uniform(60, 240)
        plan = plan_passive(rng, codes, route, wait_s)
        self.plan, self.dest, self.origin = plan, dest, self.site
        count = 2 if rng.random() < 0.3 else 1
        prefix = self.plate[:2]
        self.seals = []
        for i in range(count):
            epaper = rng.random() < 0.3
            seal_id = f"{'EP' if epaper else 'PS'}-{prefix}-{self.index:05d}-{self.trip_n + 1:04d}{i}"
            self.seals.append((seal_id, "epaper" if epaper else "passive", sim.new_container()))
        containers = [OrderContainer(c, s, kind) for s, kind, c in self.seals]
        self.order(t, dest, containers, plan.max_transit_min, None)
        sim.started(
            TripRecord(self.order_no, self.region, "passive", self.site, dest, tuple(plan.codes), t / 1000)
        )
        self.readers = {
            "departure": sim.officer(self.site),
            "arrival": sim.outsider(self.region, dest) if plan.unauthorised_reader else sim.officer(dest),
        }
        self.arrivals_read = 0
        read_t = t + rng.randrange(120_000, 480_000)
        for i in range(count):
            if plan.departure_read:
                self.at(read_t, READ, ("departure", i))
            read_t += rng.randrange(15_000, 45_000)
        self.at(read_t + round(wait_s * 1000), DEPART, route)

    def depart(self, t: int, route: Route) -> None:
        plan = self.plan
        assert plan is not None
        self.begin_drive(t, route, plan.hold_s)
        self.route_end = t + self.vehicle_ms(route.duration_s)
        out_scan, in_scan = plan.gate_no_scan == "out", plan.gate_no_scan == "in"
        self.at(t + self.vehicle_ms(route.gate_out_s), GATE, (route.gate_out, self.site, "out", out_scan))
        gate_in = t + self.vehicle_ms(route.gate_in_s)
        self.at(gate_in, GATE, (route.gate_in, route.dest, "in", in_scan))
        read_t = gate_in + round(plan.arrival_read_after_s * 1000)
        for i in range(len(self.seals)):
            self.at(read_t, READ, ("arrival", i))
            read_t += self.sim.rng.randrange(15_000, 45_000)

    def read(self, t: int, data: tuple[str, int]) -> None:
        kind, i = data
        sim = self.sim
        site = self.origin if kind == "departure" else self.dest
        lat, lon = self.yard(site)
        n1, n2 = sim.next_noise()
        position = (lat + n1 * PHONE_SIGMA_M / M_PER_DEG, lon + n2 * PHONE_SIGMA_M / M_PER_DEG)
        sim.nfc_read(t, self.region, kind, self.seals[i], self.order_no, site, self.readers[kind], position)
        if kind == "arrival":
            self.arrivals_read += 1
            if self.arrivals_read == len(self.seals):
                sim.completed(self.order_no, t)
                self.at(max(t, self.route_end) + sim.dwell(), NEW_TRIP)
