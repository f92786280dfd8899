"""The simulator core: vehicles on a clock, and the time-ordered message stream they produce.

Pure and deterministic: no broker, no wall clock, no threads. The same sites, roster, seed
and parameters give byte-identical messages. Times inside are integer epoch milliseconds.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator, Sequence
from typing import Final

from desktop.models.sites import Roster, SiteIndex
from desktop.models.timeutil import parse_rfc3339
from desktop.sim.active import ActiveVehicle
from desktop.sim.anomalies import AnomalyRates
from desktop.sim.passive import PassiveVehicle
from desktop.sim.payloads import (
    INVALID_KINDS,
    SPOOFED_ID,
    STRING_NUMBER,
    GatePass,
    NfcRead,
    TimeFormatter,
    container_number,
    corrupt,
    encode,
)
from desktop.sim.profile import Route, RouteBook
from desktop.sim.records import SimStats, TripRecord
from desktop.sim.roads import RoadNetwork

DEFAULT_START: Final = parse_rfc3339("2026-11-20T08:00:00.000+08:00")
REGION_CODES: Final = {"keelung": "KL", "taipei": "TP", "taichung": "TC", "kaohsiung": "KH"}
REGION_WEIGHTS: Final = {"kaohsiung": 0.4, "keelung": 0.2, "taipei": 0.2, "taichung": 0.2}
NOISE_SIZE: Final = 1 << 16
_SHIFT: Final = 20  # wake-up keys: time_ms << 20 | vehicle index, so at most 2**20 vehicles
_MASK: Final = (1 << _SHIFT) - 1
_NEVER: Final = 1 << 100
REDELIVERY_MS: Final = (300, 5000)  # a QoS 1 redelivery comes this long after the original
Message = tuple[float, str, bytes]  # (send time, epoch seconds; topic; payload bytes)


class Simulator:
    """Deterministic field traffic for the demo sites (or any sites with a roster).

    Args:
        sites: sites and gates (:func:`desktop.models.sites.load_sites`).
        roster: officers per site; sealing and reads are by rostered officers.
        vehicles: number of trucks; ``active_share`` of them carry an OBU and an active seal.
        seed: the random seed; everything else being equal, it decides every byte.
        interval_s: OBU report interval (1 for load tests).
        rates: per-trip anomaly rates (default 0.02 for every code).
        invalid_rate: per-message probability of also sending a broken copy (quarantine).
        duplicate_rate: per-message probability of a QoS 1 redelivery a few seconds later.
        gap_rate: per-trip probability of a cover gap (tunnel) with store-and-forward.
        start: epoch seconds of the simulation start.
        seq_base: first ``seq`` of every device (raise it when re-running against a console
            that remembers an earlier run's sequence numbers).
        regions: only these regions (default: every region with two sites or more).
        dwell_min: (min, max) minutes a truck waits at a site between trips.
        first_order_within_s: every truck's first order comes within this time of the start.
        network: a prebuilt :class:`RoadNetwork` of ``sites`` (routes are shared through it).
        lookback_min: a truck is not sent to a site it drove out of less than this long ago
            (the console's ``order_lookback_min``, 60, plus a margin; see ``choose_dest``).
    """

    def __init__(
        self,
        sites: SiteIndex,
        roster: Roster | None = None,
        *,
        vehicles: int = 100,
        seed: int = 0,
        interval_s: float = 30.0,
        rates: AnomalyRates | None = None,
        invalid_rate: float = 0.001,
        duplicate_rate: float = 0.002,
        gap_rate: float = 0.1,
        active_share: float = 0.7,
        start: float = DEFAULT_START,
        seq_base: int = 0,
        regions: Sequence[str] | None = None,
        dwell_min: tuple[float, float] = (5.0, 30.0),
        first_order_within_s: float = 120.0,
        network: RoadNetwork | None = None,
        lookback_min: float = 70.0,
    ) -> None:
        if not 0.2 <= interval_s <= 120:
            raise ValueError("interval_s must be between 0.2 and 120 seconds")
        if not 0 <= vehicles <= _MASK:
            raise ValueError(f"vehicles must be between 0 and {_MASK}")
        self.sites = sites
        self.roster: dict[str, list[str]] = {k: sorted(v) for k, v in (roster or {}).items()}
        self.network = network if network is not None and network.sites is sites else RoadNetwork(sites)
        self.book = RouteBook(self.network)
        self.seed = seed
        self.rng = random.Random(seed)
        self.interval_ms = round(interval_s * 1000)
        self.rates = rates if rates is not None else AnomalyRates()
        self.gap_rate = gap_rate
        self.seq_base = seq_base
        self.lookback_ms = round(lookback_min * 60_000)
        self.dwell_ms = (round(dwell_min[0] * 60_000), round(dwell_min[1] * 60_000))
        self.ts = TimeFormatter()
        self.stats = SimStats()
        self.trips: dict[str, TripRecord] = {}
        noise_rng = random.Random(f"noise:{seed}")
        self.noise = [noise_rng.gauss(0.0, 1.0) for _ in range(NOISE_SIZE)]
        self.noise_at = 0
        self._dup_rate = duplicate_rate
        self._extra_rate = duplicate_rate + invalid_rate
        self._device_seq: dict[str, int] = {}
        self._containers = (seed * 7919) % 1_000_000
        self._future: list[tuple[int, int, str, bytes]] = []
        self._future_n = 0
        self._out: list[Message] = []
        #: appends one message to the current batch (vehicles use it when nothing extra is sent)
        self.emit_now = self._out.append
        self.plain = not self._extra_rate
        self.start_ms = round(start * 1000)
        self._now_ms = self.start_ms - 1
        self._t1: dict[tuple[str, str], tuple[Route, int] | None] = {}
        usable = [r for r in self.network.graphs if len(self.network.region_sites(r)) >= 2]
        chosen = [r for r in usable if regions is None or r in regions]
        if not chosen:
            raise ValueError("no region with two sites or more to drive between")
        weights = [REGION_WEIGHTS.get(r, 0.2) for r in chosen]
        self.vehicles: list[ActiveVehicle | PassiveVehicle] = []
        passive_share = 1.0 - active_share
        for index in range(vehicles):
            region = self.rng.choices(chosen, weights)[0]
            site = self.rng.choice(self.network.region_sites(region))
            passive = int((index + 1) * passive_share) > int(index * passive_share)
            first = self.start_ms + round(self.rng.uniform(0, first_order_within_s) * 1000)
            cls = PassiveVehicle if passive else ActiveVehicle
            self.vehicles.append(cls(self, index, region, site, first))
        # wake-ups as one int each, ``time_ms << 20 | vehicle``: cheaper to order than tuples
        self._wake = [(v.first_wake() << _SHIFT) | i for i, v in enumerate(self.vehicles)]
        self._wake.append(_NEVER)
        heapq.heapify(self._wake)

    # -- output ----------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """Epoch seconds up to which messages have been produced."""
        return self._now_ms / 1000.0

    def messages_until(self, t: float) -> list[Message]:
        """Every message sent after the previous call and at or before ``t`` (epoch seconds),
        in send order: ``(send time, topic, payload)``."""
        end = int(t * 1000)
        out: list[Message] = []
        self._out = out
        self.emit_now = out.append
        wake, future, vehicles = self._wake, self._future, self.vehicles
        replace = heapq.heapreplace
        stats = self.stats
        while True:
            tf = future[0][0] if future else _NEVER
            tw = wake[0] >> _SHIFT
            if tf <= tw:  # a redelivery due first (or at the same time)
                if tf > end:
                    break
                sent, _, topic, payload = heapq.heappop(future)
                out.append((sent / 1000.0, topic, payload))
                stats.duplicates += 1
                if "/order/" in topic:
                    stats.duplicate_orders += 1
                continue
            if tw > end:
                break
            # wake-ups up to the next redelivery; a redelivery scheduled meanwhile is at least
            # REDELIVERY_MS[0] later than the wake-up that sent the original
            limit = min(end, tf - 1, tw + REDELIVERY_MS[0] - 1)
            bound = ((limit + 1) << _SHIFT) - 1
            while wake[0] <= bound:
                key = wake[0]
                index = key & _MASK
                replace(wake, (vehicles[index].step(key >> _SHIFT) << _SHIFT) | index)
        self._now_ms = max(self._now_ms, end)
        stats.messages += len(out)
        return out

    def batches(self, step_s: float = 1.0, until: float | None = None) -> Iterator[list[Message]]:
        """Successive :meth:`messages_until` batches of ``step_s`` seconds (forever, or to
        ``until``)."""
        t = self.now
        while until is None or t < until:
            t = t + step_s if until is None else min(until, t + step_s)
            yield self.messages_until(t)

    # -- what vehicles call ------------------------------------------------------------------

    def send(self, t: int, topic: str, payload: bytes) -> None:
        """Publish at ``t`` (ms), sometimes with a redelivery later or a broken copy now."""
        self._out.append((t / 1000.0, topic, payload))
        if not self._extra_rate:
            return
        r = self.rng.random()
        if r < self._dup_rate:
            self._future_n += 1
            heapq.heappush(
                self._future, (t + self.rng.randrange(*REDELIVERY_MS), self._future_n, topic, payload)
            )
        elif r < self._extra_rate:
            kind = self.rng.choice(INVALID_KINDS)
            broken = corrupt(kind, topic, payload)
            if broken is None:  # nothing of that kind to break here (no container number)
                broken = corrupt(self.rng.choice((STRING_NUMBER, SPOOFED_ID)), topic, payload)
            if broken is not None:
                self._out.append((t / 1000.0, *broken))
                self.stats.invalid += 1

    def next_seq(self, device: str) -> int:
        seq = self._device_seq.get(device, self.seq_base - 1) + 1
        self._device_seq[device] = seq
        return seq

    def next_noise(self) -> tuple[float, float]:
        k = self.noise_at
        self.noise_at = (k + 2) & (NOISE_SIZE - 1)
        return self.noise[k], self.noise[k + 1]

    def new_container(self) -> str:
        self._containers += 1
        return container_number(self._containers)

    @staticmethod
    def region_code(region: str) -> str:
        """Two letters for ids and plates: ``KL``, ``TP``, ``TC``, ``KH``."""
        return REGION_CODES.get(region, region[:2].upper())

    def order_no(self, region: str, vehicle: int, trip: int) -> str:
        return f"{self.region_code(region)}{self.seed % 1000:03d}-{vehicle:05d}-{trip:04d}"

    def officer(self, site: str) -> str:
        """A rostered officer of the site (a made-up one when the roster has none)."""
        names = self.roster.get(site)
        return self.rng.choice(names) if names else f"OFF-{site}"[:32]

    def outsider(self, region: str, site: str) -> str:
        """An officer not on the site's roster (another site's, of the same region)."""
        allowed = set(self.roster.get(site, ()))
        others = sorted(
            o
            for code in self.network.region_sites(region)
            for o in self.roster.get(code, ())
            if code != site and o not in allowed
        )
        return self.rng.choice(others) if others else "XX-9999"

    def dwell(self) -> int:
        return self.rng.randrange(self.dwell_ms[0], self.dwell_ms[1] + 1)

    def gate_pass(
        self,
        t: int,
        region: str,
        gate_id: str,
        site: str,
        direction: str,
        plate: str,
        containers: list[str],
        no_scan: bool,
    ) -> None:
        required = no_scan or self.rng.random() < 0.2
        payload = GatePass(
            1, gate_id, self.next_seq("gate:" + gate_id), self.ts(t), site, direction, plate,
            containers, required, required and not no_scan,
        )  # fmt: skip
        self.send(t, f"jmc/v1/{region}/gate/{gate_id}/pass", encode(payload))

    def nfc_read(
        self,
        t: int,
        region: str,
        kind: str,
        seal: tuple[str, str, str],  # seal id, seal type, container no
        order_no: str,
        site: str,
        officer: str,
        position: tuple[float, float],
    ) -> None:
        device = f"APP-{officer}"
        seal_id, seal_type, container = seal
        read = NfcRead(
            1, seal_id, self.next_seq("app:" + device), self.ts(t), device, kind, seal_type,
            order_no, container, site, officer, photo_id=f"PH-{seal_id}-{kind[:3].upper()}",
        )  # fmt: skip
        if self.rng.random() < 0.1:  # no GNSS indoors: the site's location tag was read
            read.location_tag = f"LT-{site}-01"
        else:
            read.lat, read.lon = round(position[0], 6), round(position[1], 6)
        self.send(t, f"jmc/v1/{region}/nfc/{seal_id}/read", encode(read))

    def fake_track(self, origin: str, dests: Sequence[str]) -> tuple[str, Route, int] | None:
        """A destination, fake route and first-fix offset that make an implausibly fast trip
        (T1) without a GNSS jump (A13), or None."""
        candidates = []
        for dest in dests:
            key = (origin, dest)
            if key not in self._t1:
                self._t1[key] = self._fake_phase(origin, dest)
            found = self._t1[key]
            if found is not None:
                candidates.append((dest, *found))
        return self.rng.choice(candidates) if candidates else None

    def _fake_phase(self, origin: str, dest: str) -> tuple[Route, int] | None:
        route = self.book.fake(origin, dest)
        if route is None:
            return None
        o_site, d_site = self.sites.sites[origin], self.sites.sites[dest]
        fastest_ms = self.sites.distance_m(origin, dest) / 25.0 * 1000  # at 90 km/h
        best: tuple[float, int] | None = None
        step = self.interval_ms
        for phase in range(0, step, max(1, step // 30)):
            t_dep = None
            for tau in range(phase, route.duration_s * 1000 + step, step):
                lat, lon, _, _ = route.at(tau)
                lat, lon = round(lat, 6), round(lon, 6)
                if t_dep is None and not o_site.contains(lon, lat):
                    t_dep = tau
                if t_dep is not None and d_site.contains(lon, lat):
                    ratio = (tau - t_dep) / fastest_ms
                    if ratio < 0.8 and (best is None or ratio < best[0]):
                        best = (ratio, phase)
                    break
        return None if best is None else (route, best[1])

    def started(self, record: TripRecord) -> None:
        self.trips[record.order_no] = record
        self.stats.orders += 1
        for code in record.codes:
            self.stats.injected[code] = self.stats.injected.get(code, 0) + 1

    def completed(self, order_no: str, t: int) -> None:
        self.trips[order_no].completed_at = t / 1000.0
        self.stats.completed += 1
