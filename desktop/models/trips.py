"""Trips (protocol §5): one per open transport order, derived by folding its messages.

A trip keeps a log of its messages sorted by device time (:attr:`Envelope.key`). Its
:class:`TripProgress` is a pure function of that log: :func:`step` folds one message at a
time, and a message that arrives out of order makes the pipeline fold the whole log again.
Console-clock facts (when a device was last heard, which timers fired) live on the
:class:`Trip` itself and survive such rebuilds.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, field
from typing import Any

from desktop.models.sites import Site
from desktop.models.validation import (
    GATE_PASS,
    NFC_READ,
    SEAL_EVENT,
    TELEMETRY,
    Envelope,
)
from desktop.models.wire import TransportOrder

NORMAL_UNSEAL = frozenset({"auto_geofence", "manual_app"})


@dataclass(slots=True)
class SealTrack:
    """What the fold knows about one seal of the order."""

    seal_id: str
    seal_type: str
    container_no: str
    sealed_ts: float | None = None  # sealed event (active) or departure read (passive)
    released_ts: float | None = None  # unsealed normally inside the destination, or cut_authorised
    completed: bool = False  # unsealed normally inside the destination / arrival read there

    @property
    def is_active(self) -> bool:
        return self.seal_type == "active"

    def guarded_at(self, ts: float) -> bool:
        """Whether the seal is sealed for this trip and not yet released at ``ts``."""
        return (
            self.sealed_ts is not None
            and ts >= self.sealed_ts
            and (self.released_ts is None or ts < self.released_ts)
        )


@dataclass(slots=True)
class Progress:
    """Flags the fold sets on the message that changed the trip's phase."""

    departed: bool = False
    arrived: bool = False
    completed: bool = False
    seal_done: bool = False  # a seal completed on this message (internal)


@dataclass(slots=True)
class TripProgress:
    """The trip's state as derived from its messages in device-time order."""

    seals: dict[str, SealTrack]
    t_dep: float | None = None
    t_arr: float | None = None
    t_complete: float | None = None
    armed: bool = False  # OBU seen inside the origin, or the order's first seal sealed
    last_fix: tuple[float, float, float] | None = None  # (ts, lat, lon) of the latest OBU fix
    first_arrival_read: float | None = None
    dest_in_gate: float | None = None  # first `in` gate pass at the destination
    rule_state: dict[str, Any] = field(default_factory=dict)

    def in_transit(self, ts: float) -> bool:
        """Departed at or before ``ts`` and not completed by then."""
        return (
            self.t_dep is not None and ts >= self.t_dep and (self.t_complete is None or ts < self.t_complete)
        )


class Trip:
    """One transport order being followed."""

    def __init__(
        self,
        order: TransportOrder,
        region: str,
        origin: Site,
        dest: Site,
        opened_ts: float | None = None,
    ) -> None:
        self.order = order
        # device time of the first version of the order: amendments keep the trip's history
        self.opened_ts = order.ts.timestamp() if opened_ts is None else min(opened_ts, order.ts.timestamp())
        self.order_no = order.order_no
        self.region = region
        self.origin = origin
        self.dest = dest
        self.obu_id: str | None = order.obu_id if isinstance(order.obu_id, str) else None
        self.has_obu = self.obu_id is not None
        self.is_active = any(c.seal_type == "active" for c in order.containers)
        self.seal_ids = frozenset(c.seal_id for c in order.containers)
        self.containers = frozenset(c.container_no for c in order.containers)
        self.max_transit_s = order.max_transit_min * 60.0
        self.cancelled = order.status == "cancelled"
        self.log: list[tuple[tuple[float, int, str, int], Envelope]] = []
        self.progress = self.fresh_progress()
        # console-clock state, kept across rebuilds
        self.timer_state: dict[str, Any] = {}
        self.scheduled: dict[str, float] = {}
        self.lookback_s = 3600.0  # set by the pipeline from the region's order_lookback_min

    def fresh_progress(self) -> TripProgress:
        return TripProgress(
            {c.seal_id: SealTrack(c.seal_id, c.seal_type, c.container_no) for c in self.order.containers}
        )

    @property
    def deadline(self) -> float | None:
        t_dep = self.progress.t_dep
        return None if t_dep is None else t_dep + self.max_transit_s

    @property
    def phase(self) -> str:
        """``planned``, ``sealed``, ``departed``, ``arrived``, ``completed`` or ``cancelled``."""
        p = self.progress
        if self.cancelled:
            return "cancelled"
        if p.t_complete is not None:
            return "completed"
        if p.t_arr is not None:
            return "arrived"
        if p.t_dep is not None:
            return "departed"
        if all(s.sealed_ts is not None for s in p.seals.values()):
            return "sealed"
        return "planned"

    def devices(self) -> list[str]:
        """Dedup-namespace device keys whose messages concern this trip."""
        keys = ["seal:" + s for s in sorted(self.seal_ids)]
        if self.obu_id:
            keys.insert(0, "obu:" + self.obu_id)
        return keys

    def accepts(self, env: Envelope) -> bool:
        """Whether a message belongs to this trip's log (see ``lookback_s``)."""
        if env.ts < self.opened_ts - self.lookback_s:
            return False
        t_complete = self.progress.t_complete
        return t_complete is None or env.ts <= t_complete

    def insert(self, env: Envelope) -> bool:
        """Add a message to the log; return True when it is in device-time order (append)."""
        entry = (env.key, env)
        if not self.log or env.key >= self.log[-1][0]:
            self.log.append(entry)
            return True
        insort(self.log, entry, key=lambda e: e[0])
        return False


def _unseal_inside_destination(trip: Trip, env: Envelope) -> bool:
    msg = env.msg
    lat, lon = getattr(msg, "lat", None), getattr(msg, "lon", None)
    if isinstance(lat, float) and isinstance(lon, float):
        return trip.dest.contains(lon, lat)
    fix = trip.progress.last_fix
    return fix is not None and trip.dest.contains(fix[2], fix[1])


def step(trip: Trip, env: Envelope) -> Progress:
    """Fold one message into the trip's progress (§5); return what changed."""
    p = trip.progress
    out = Progress()
    kind = env.kind
    msg: Any = env.msg
    ts = env.ts
    if kind == TELEMETRY:
        if msg.fix == "none":
            return out
        p.last_fix = (ts, msg.lat, msg.lon)
        if not trip.has_obu:
            return out
        if p.t_dep is None:
            if trip.origin.contains(msg.lon, msg.lat):
                p.armed = True
            elif p.armed:
                p.t_dep = ts
                out.departed = True
        if p.t_dep is not None and p.t_arr is None and trip.dest.contains(msg.lon, msg.lat):
            p.t_arr = ts
            out.arrived = True
    elif kind == SEAL_EVENT:
        seal = p.seals.get(msg.seal_id)
        if seal is None:
            return out
        if msg.event == "sealed":
            if isinstance(msg.order_no, str) and msg.order_no != trip.order_no:
                return out
            if seal.sealed_ts is None:
                seal.sealed_ts = ts
            p.armed = True
        elif msg.event == "unsealed" and seal.released_ts is None:
            if msg.method == "cut_authorised":
                seal.released_ts = ts
            elif msg.method in NORMAL_UNSEAL and _unseal_inside_destination(trip, env):
                seal.released_ts = ts
                seal.completed = out.seal_done = True
    elif kind == NFC_READ:
        seal = p.seals.get(msg.seal_id)
        if seal is None or seal.is_active:
            return out
        if msg.kind == "departure":
            if seal.sealed_ts is None:
                seal.sealed_ts = ts
            if not trip.has_obu and p.t_dep is None:
                p.t_dep = ts
                out.departed = True
        elif msg.kind == "arrival" and msg.site_code == trip.dest.code:
            if p.first_arrival_read is None:
                p.first_arrival_read = ts
            seal.completed = out.seal_done = True
            seal.released_ts = seal.released_ts or ts
            if not trip.has_obu and p.t_arr is None:
                p.t_arr = ts
                out.arrived = True
    elif kind == GATE_PASS:
        if msg.direction == "out" and msg.site_code == trip.origin.code:
            if not trip.has_obu and p.t_dep is None:
                p.t_dep = ts
                out.departed = True
        elif msg.direction == "in" and msg.site_code == trip.dest.code:
            if p.dest_in_gate is None:
                p.dest_in_gate = ts
            if not trip.has_obu and p.t_arr is None:
                p.t_arr = ts
                out.arrived = True
    if out.seal_done and p.t_complete is None and all(s.completed for s in p.seals.values()):
        p.t_complete = ts
        out.completed = True
    return out
