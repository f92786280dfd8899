"""A bonded tractor (保稅卡車): OBU telemetry every interval and an active vehicle seal paired
with it, sealed by a rostered officer at the origin and unsealed automatically on entering the
destination's geofence."""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING, Any

from desktop.sim.anomalies import ACTIVE_CODES, ActivePlan, plan_active
from desktop.sim.payloads import OrderContainer, SealEvent, SealStatus, Telemetry, encode
from desktop.sim.profile import Route
from desktop.sim.records import TripRecord
from desktop.sim.vehicle import (
    DEPART,
    FOREVER,
    GATE,
    GPS_CORRELATION_S,
    GPS_SIGMA_M,
    M_PER_DEG,
    NEW_TRIP,
    PARK,
    SEAL,
    SEAL_SIGMA_M,
    TAMPER,
    UNSEAL,
    Vehicle,
)

if TYPE_CHECKING:
    from desktop.sim.engine import Simulator


class ActiveVehicle(Vehicle):
    """A bonded tractor: OBU telemetry every interval, an active seal paired with it."""

    def __init__(self, sim: Simulator, index: int, region: str, site: str, first: int) -> None:
        super().__init__(sim, index, region, site, first)
        code = self.plate[:2]
        self.obu_id = f"OBU-{code}-{index:05d}"
        self.seal_id = f"VS-{code}-{index:05d}"
        self.topic_tel = f"jmc/v1/{region}/obu/{self.obu_id}/telemetry"
        self.topic_status = f"jmc/v1/{region}/seal/{self.seal_id}/status"
        self.topic_event = f"jmc/v1/{region}/seal/{self.seal_id}/event"
        self.next_fix = sim.start_ms + sim.rng.randrange(0, sim.interval_ms)
        # GNSS error as a first-order autoregressive process (multipath drifts slowly): at 1 Hz
        # a fix does not flicker across a fence the truck drives through
        rho = math.exp(-sim.interval_ms / 1000 / GPS_CORRELATION_S)
        self.n_keep, self.n_new = rho, GPS_SIGMA_M * math.sqrt(1 - rho * rho)
        n1, n2 = sim.next_noise()
        self.ex, self.ey = n1 * GPS_SIGMA_M, n2 * GPS_SIGMA_M  # metres east, north
        self.m_lat = 1 / M_PER_DEG
        self.m_lon = self.m_lat / math.cos(math.radians(self.lat))
        self.noisy = True
        self.battery = sim.rng.uniform(45, 100)
        self.plan: ActivePlan | None = None
        self.container = ""
        self.sealed = False
        self.next_status = FOREVER
        self.forced: list[int] = []
        self.awaiting = False  # sealed trip not yet inside the destination
        self.check_from = FOREVER
        self.buffer: list[tuple[str, bytes]] = []
        self.gaps: list[tuple[int, int]] = []
        self.gap_from = self.gap_to = FOREVER
        self.windows: dict[str, tuple[int, int]] = {}
        self.power_from = self.power_to = FOREVER  # A04 window
        self.obu_seq = self.seal_seq = sim.seq_base - 1
        self.jump_t = FOREVER
        self.break_t = FOREVER

    def first_wake(self) -> int:
        return min(self.next_fix, self.agenda[0][0])

    def step(self, t: int) -> int:
        if t == self.next_fix:
            self.fix(t)
            self.next_fix = t + self.sim.interval_ms
        agenda = self.agenda
        if not agenda:
            return self.next_fix
        while agenda and agenda[0][0] <= t:
            _, _, kind, data = heapq.heappop(agenda)
            self.handle(t, kind, data)
        return min(self.next_fix, agenda[0][0]) if agenda else self.next_fix

    # -- reports ---------------------------------------------------------------------------

    def emit(self, t: int, topic: str, payload: bytes) -> None:
        if self.gap_from <= t < self.gap_to:
            self.buffer.append((topic, payload))  # stored, forwarded when coverage returns
        else:
            self.sim.send(t, topic, payload)

    def flush(self, t: int) -> None:
        for topic, payload in self.buffer:
            self.sim.send(t, topic, payload)
        self.buffer = []
        self.gap_from, self.gap_to = self.gaps.pop(0) if self.gaps else (FOREVER, FOREVER)

    def fix(self, t: int) -> None:
        sim = self.sim
        if t >= self.gap_to:
            self.flush(t)
        route = self.route
        if route is None:
            lat, lon, speed, heading = self.lat, self.lon, 0.0, self.heading
        else:
            tau = t - self.drive_t0
            if tau < self.stop_ms:
                lat, lon, speed, heading = route.at(tau)
            elif tau < self.stop_ms + self.hold_ms:
                lat, lon, _, heading = route.at(self.stop_ms)
                speed = 0.0
            else:
                lat, lon, speed, heading = route.at(tau - self.hold_ms)
        true_lat, true_lon = lat, lon
        if self.noisy:
            k = sim.noise_at
            sim.noise_at = (k + 2) & 0xFFFF
            self.ex = ex = self.n_keep * self.ex + self.n_new * sim.noise[k]
            self.ey = ey = self.n_keep * self.ey + self.n_new * sim.noise[k + 1]
            lat += ey * self.m_lat
            lon += ex * self.m_lon
        if t >= self.jump_t:
            self.jump_t = FOREVER
            lat, lon = self.jumped(lat, lon, heading)
        ext_power = t < self.power_from or t >= self.power_to
        lat, lon = round(lat, 6), round(lon, 6)
        self.obu_seq += 1
        payload = encode(
            Telemetry(
                1, self.obu_id, self.obu_seq, sim.ts(t), lat, lon, speed, heading, "3d", ext_power, self.plate
            )
        )
        if self.gap_from <= t < self.gap_to:
            self.buffer.append((self.topic_tel, payload))  # stored, forwarded when coverage returns
        elif sim.plain:
            sim.emit_now((t / 1000.0, self.topic_tel, payload))
        else:
            sim.send(t, self.topic_tel, payload)
        if self.awaiting and t >= self.check_from and sim.sites.sites[self.dest].contains(lon, lat):
            self.awaiting = False
            self.at(t + sim.rng.randrange(1000, 4000), UNSEAL, (lat, lon))
        if self.sealed and t >= self.next_status:
            self.status(t, true_lat, true_lon)

    def jumped(self, lat: float, lon: float, heading: float) -> tuple[float, float]:
        """A GNSS jump (A13): a fix far enough that even at this interval it means > 200 km/h."""
        metres = max(3000.0, 100.0 * self.sim.interval_ms / 1000)
        sites = self.sim.sites
        for turn in (90.0, -90.0, 180.0, 45.0, -45.0):
            rad = math.radians(heading + turn)
            j_lat = lat + metres * math.cos(rad) / M_PER_DEG
            j_lon = lon + metres * math.sin(rad) / (M_PER_DEG * math.cos(math.radians(lat)))
            if not sites.in_any_site(j_lon, j_lat):
                return j_lat, j_lon
        return lat + metres / M_PER_DEG, lon

    def status(self, t: int, lat: float, lon: float) -> None:
        sim = self.sim
        windows = self.windows
        silent = windows.get("A02")
        if silent is not None and silent[0] <= t < silent[1]:
            self.next_status = silent[1]
            return
        far = windows.get("A03")
        if far is not None and far[0] <= t < far[1]:
            assert self.plan is not None
            dx, dy = self.plan.seal_offset_m
            lat += dy / M_PER_DEG
            lon += dx / (M_PER_DEG * math.cos(math.radians(lat)))
        n1, n2 = sim.next_noise()
        lat += n1 * SEAL_SIGMA_M / M_PER_DEG
        lon += n2 * SEAL_SIGMA_M / M_PER_DEG
        pin = windows.get("A01")
        pin_state = "abnormal" if pin is not None and pin[0] <= t < pin[1] else "ok"
        state = "sealed"
        if t >= self.break_t:
            assert self.plan is not None
            if self.plan.break_kind == "cut":
                pin_state = "cut"
            elif self.plan.break_kind == "open":
                state = "open"
        plan = self.plan
        battery = plan.battery if plan is not None and plan.battery is not None else self.battery
        self.battery = max(21.0, self.battery - 0.01)
        payload = SealStatus(
            1, self.seal_id, self.next_seal_seq(), sim.ts(t), self.obu_id, state, pin_state,
            round(battery, 1), round(lat, 6), round(lon, 6),
        )  # fmt: skip
        self.emit(t, self.topic_status, encode(payload))
        while self.forced and self.forced[0] <= t:
            self.forced.pop(0)
        self.next_status = t + sim.rng.randrange(30_000, 60_001)
        if self.forced:
            self.next_status = min(self.next_status, self.forced[0])

    def next_seal_seq(self) -> int:
        self.seal_seq += 1
        return self.seal_seq

    def event(self, t: int, event: str, **fields: Any) -> None:
        sim = self.sim
        payload = SealEvent(1, self.seal_id, self.next_seal_seq(), sim.ts(t), event, **fields)
        self.emit(t, self.topic_event, encode(payload))

    # -- the trip ----------------------------------------------------------------------------

    def handle(self, t: int, kind: int, data: Any) -> None:
        if kind == NEW_TRIP:
            self.new_trip(t)
        elif kind == SEAL:
            self.seal(t)
        elif kind == DEPART:
            self.depart(t, data)
        elif kind == GATE:
            self.gate(t, data, [self.container])
        elif kind == TAMPER:
            lat, lon, _, _ = self.position(t)
            self.event(t, "tamper", lat=round(lat, 6), lon=round(lon, 6))
        elif kind == UNSEAL:
            self.unseal(t, data)
        elif kind == PARK:
            self.park()

    def new_trip(self, t: int) -> None:
        sim = self.sim
        rng = sim.rng
        dest = self.choose_dest(t)
        if dest is None:
            self.at(self.retry_at(), NEW_TRIP)
            return
        codes = sim.rates.draw(rng, (*ACTIVE_CODES[:8], "A11", *ACTIVE_CODES[8:]))
        route = sim.book.route(self.site, dest, self.cruise)
        phase = 0
        if "T1" in codes:
            others = [s for s in sim.network.region_sites(self.region) if s != self.site]
            others = [s for s in others if self.left.get(s, -FOREVER) < t - sim.lookback_ms]
            fake = sim.fake_track(self.site, others)
            if fake is None:
                codes.remove("T1")
            else:
                dest, route, phase = fake
        plan = plan_active(rng, codes, route, sim.interval_ms / 1000, sim.gap_rate)
        plan.phase_ms = phase
        self.plan, self.dest = plan, dest
        self.container = sim.new_container()
        self.battery = self.battery if self.battery >= 35 else rng.uniform(85, 100)
        containers = [OrderContainer(self.container, self.seal_id, "active")]
        self.order(t, dest, containers, plan.max_transit_min, self.obu_id)
        sim.started(
            TripRecord(self.order_no, self.region, "active", self.site, dest, tuple(plan.codes), t / 1000)
        )
        interval = sim.interval_ms
        leave = t + rng.randrange(150_000, 600_000)
        if plan.fake:  # start so that the first fix falls where the fast track needs it
            ticks = -(-(leave + interval - self.next_fix) // interval)
            leave = self.next_fix + ticks * interval - phase
        else:
            leave = self.next_fix + -(-(leave - self.next_fix) // interval) * interval
        if plan.seal_after_s is None:
            self.at(t + rng.randrange(90_000, min(360_000, leave - t - 60_000) + 1), SEAL)
        self.at(leave, DEPART, route)

    def seal(self, t: int) -> None:
        lat, lon, _, _ = self.position(t)
        self.event(
            t, "sealed", order_no=self.order_no, container_no=self.container,
            officer_id=self.sim.officer(self.site), photo_id=f"PH-{self.seal_id}-{self.trip_n}",
            lat=round(lat + self.ey * self.m_lat, 6), lon=round(lon + self.ex * self.m_lon, 6),
        )  # fmt: skip
        self.sealed = True
        self.next_status = t + self.sim.rng.randrange(5_000, 30_000)
        if self.forced:
            self.next_status = min(self.next_status, self.forced[0])

    def depart(self, t: int, route: Route) -> None:
        plan = self.plan
        assert plan is not None
        self.begin_drive(t, route, plan.hold_s)
        self.left[self.site] = t + self.vehicle_ms(route.exit_s + 60)
        self.noisy = not plan.fake
        vt = self.vehicle_ms

        def to_t(vehicle_s: float) -> int:
            return t + round(vehicle_s * 1000)

        windows = {}
        for code, window in (
            ("A01", plan.pin_abnormal),
            ("A02", plan.seal_silent),
            ("A03", plan.seal_far),
            ("A04", plan.power_off),
        ):
            if window is not None:
                windows[code] = (to_t(window[0]), to_t(window[1]))
        self.windows = windows
        self.power_from, self.power_to = windows.get("A04", (FOREVER, FOREVER))
        self.gaps = [(to_t(a), to_t(b)) for a, b in plan.gaps]
        self.gap_from, self.gap_to = self.gaps.pop(0) if self.gaps else (FOREVER, FOREVER)
        forced = [w[0] for code, w in windows.items() if code in ("A01", "A03")]
        if plan.break_kind is not None:
            self.break_t = to_t(plan.break_at_s)
            if plan.break_kind == "tamper":
                self.at(self.break_t, TAMPER)
                self.break_t = FOREVER
            else:
                forced.append(self.break_t)
        self.forced = sorted(forced)
        if self.forced:
            self.next_status = min(self.next_status, self.forced[0])
        self.jump_t = to_t(plan.jump_at_s) if plan.jump_at_s is not None else FOREVER
        if plan.seal_after_s is not None:
            self.at(to_t(plan.seal_after_s), SEAL)
        self.awaiting = True
        self.check_from = t + vt(max(0, route.enter_s - 60))
        out_scan, in_scan = plan.gate_no_scan == "out", plan.gate_no_scan == "in"
        self.at(t + vt(route.gate_out_s), GATE, (route.gate_out, self.site, "out", out_scan))
        self.at(t + vt(route.gate_in_s), GATE, (route.gate_in, route.dest, "in", in_scan))

    def unseal(self, t: int, where: tuple[float, float]) -> None:
        self.event(t, "unsealed", method="auto_geofence", lat=where[0], lon=where[1])
        self.sealed = False
        self.next_status = FOREVER
        self.windows, self.forced, self.jump_t, self.break_t = {}, [], FOREVER, FOREVER
        self.power_from = self.power_to = FOREVER
        self.sim.completed(self.order_no, t)
        if self.plan is not None and self.plan.battery is not None:
            self.battery = self.sim.rng.uniform(85, 100)  # the flat battery is swapped
        self.plan = None
        self.noisy = True
        route_end = self.drive_t0 + self.vehicle_ms(self.route.duration_s) if self.route else t
        self.at(max(t, route_end) + self.sim.dwell(), NEW_TRIP)
