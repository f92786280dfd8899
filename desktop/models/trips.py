"""Trips (protocol §5): one per open transport order, derived by folding its messages.

A trip keeps a log of its messages sorted by device time (:attr:`Envelope.key`). Its
:class:`TripProgress` is a pure function of that log: :func:`step` folds one message at a
time, and a message that arrives out of order makes the pipeline fold the whole log again.
Console-clock facts (when a device was last heard, which timers fired) live on the
:class:`Trip` itself and survive such rebuilds.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, NamedTuple

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
CHECKPOINT_EVERY = 16


class SealTrack(NamedTuple):
    """What the fold knows about one seal of the order (immutable: the fold replaces it, so a
    checkpoint copies a trip's seals with one dict copy)."""

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

    def clone(self) -> TripProgress:
        """An independent copy. Each rule state value must have a ``copy()`` that returns an
        independent copy (a dict or list of immutable values, or a class defining it)."""
        return TripProgress(
            self.seals.copy(),
            self.t_dep,
            self.t_arr,
            self.t_complete,
            self.armed,
            self.last_fix,
            self.first_arrival_read,
            self.dest_in_gate,
            {k: v.copy() for k, v in self.rule_state.items()},
        )

    def milestones(self) -> tuple[float | None, ...]:
        """The times the deadline and arrival timers depend on."""
        return (self.t_dep, self.t_arr, self.t_complete, self.dest_in_gate, self.first_arrival_read)

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
        self.checkpoints: list[tuple[int, TripProgress]] = []
        self.tail: tuple[int, TripProgress] | None = None  # progress before the latest ts
        self.keep_tail = False  # set once late input keeps landing near the end of the log
        self.near_tail_rebuilds = 0
        #: findings of the fold, with the log position of the message that produced them
        self.findings: list[tuple[int, Any]] = []
        # console-clock state, kept across rebuilds
        self.timer_state: dict[str, Any] = {}
        self.scheduled: dict[str, float] = {}
        self.lookback_s = 3600.0  # set by the pipeline from the region's order_lookback_min
        self.ended_at: float | None = None  # console time it completed or was cancelled

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

    def insert(self, env: Envelope) -> int:
        """Add a message to the log in device-time order; return its position."""
        entry = (env.key, env)
        log = self.log
        if not log or env.key >= log[-1][0]:
            log.append(entry)
            return len(log) - 1
        position = bisect_right(log, env.key, key=_entry_key)
        log.insert(position, entry)
        return position

    def before_fold(self, position: int, ts: float) -> None:
        """Called before folding the entry at ``position``: when it starts a new device time,
        keep the progress so far, so that a message arriving just after its same-time
        sibling (an OBU and its seal report at the same ``ts``) re-folds only that time.
        Only trips that have had such late input pay for it (``keep_tail``)."""
        if self.keep_tail and position and ts > self.log[position - 1][0][0]:
            self.tail = (position, self.progress.clone())

    def checkpoint(self, folded: int) -> None:
        """Keep a copy of the progress after the first ``folded`` log entries, every
        ``CHECKPOINT_EVERY`` entries, so late input re-folds only the log's tail."""
        if folded % CHECKPOINT_EVERY == 0:
            self.checkpoints.append((folded, self.progress.clone()))

    def restore(self, position: int) -> int:
        """Reset the progress to the latest snapshot at or before ``position``; drop later
        ones and later findings; return how many log entries that progress has folded."""
        if position >= len(self.log) - 3:  # late by a message or two: a habit of this trip?
            self.near_tail_rebuilds += 1
            self.keep_tail = self.near_tail_rebuilds >= 3
        while self.checkpoints and self.checkpoints[-1][0] > position:
            self.checkpoints.pop()
        tail, self.tail = self.tail, None
        if (
            tail is not None
            and tail[0] <= position
            and (not self.checkpoints or tail[0] > self.checkpoints[-1][0])
        ):
            folded, self.progress = tail  # used up: the re-fold takes a new one
        elif self.checkpoints:
            folded, snapshot = self.checkpoints[-1]
            self.progress = snapshot.clone()
        else:
            folded, self.progress = 0, self.fresh_progress()
        while self.findings and self.findings[-1][0] >= folded:
            self.findings.pop()
        return folded


def _entry_key(entry: tuple[tuple[float, int, str, int], Envelope]) -> tuple[float, int, str, int]:
    return entry[0]


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
                # "seen inside the origin" counts from the order on: a truck that left the
                # origin before its order existed (on its previous trip) has not departed it
                if ts >= trip.opened_ts:
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
                p.seals[seal.seal_id] = seal._replace(sealed_ts=ts)
            p.armed = True
        elif msg.event == "unsealed" and seal.released_ts is None:
            if msg.method == "cut_authorised":
                p.seals[seal.seal_id] = seal._replace(released_ts=ts)
            elif msg.method in NORMAL_UNSEAL and _unseal_inside_destination(trip, env):
                p.seals[seal.seal_id] = seal._replace(released_ts=ts, completed=True)
                out.seal_done = True
    elif kind == NFC_READ:
        seal = p.seals.get(msg.seal_id)
        if seal is None or seal.is_active:
            return out
        if msg.kind == "departure":
            if seal.sealed_ts is None:
                p.seals[seal.seal_id] = seal._replace(sealed_ts=ts)
            if not trip.has_obu and p.t_dep is None:
                p.t_dep = ts
                out.departed = True
        elif msg.kind == "arrival" and msg.site_code == trip.dest.code:
            if p.first_arrival_read is None:
                p.first_arrival_read = ts
            p.seals[seal.seal_id] = seal._replace(completed=True, released_ts=seal.released_ts or ts)
            out.seal_done = True
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
