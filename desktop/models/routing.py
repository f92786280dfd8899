"""Which trips a message concerns, and the messages waiting for a trip that is not known yet.

A device may report before its transport order arrives (store and forward, or simply an
order sent late); such messages are kept, bounded, and handed to the trip when it is created.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any, Final

from desktop.models.trips import Trip
from desktop.models.validation import GATE_PASS, NFC_READ, Envelope

_ORPHAN_MESSAGES: Final = 512  # per device, for orders that arrive after their devices' messages
_RECENT_GATE_CONTAINERS: Final = 20_000  # containers whose recent gate passes are kept
_PENDING_ORDERS: Final = 20_000  # orders not yet received whose NFC reads are kept


def _bounded_get(store: dict[str, deque[Envelope]], key: str, limit: int, maxlen: int) -> deque[Envelope]:
    """The deque for ``key``, created if needed; the oldest key is dropped past ``limit``."""
    found = store.get(key)
    if found is None:
        if len(store) >= limit:
            del store[next(iter(store))]
        found = store[key] = deque(maxlen=maxlen)
    return found


class TripRouter:
    """Indexes of the trips by device and container, and the waiting messages."""

    def __init__(self) -> None:
        self.trips: dict[str, Trip] = {}
        self._by_device: dict[str, list[Trip]] = {}
        self._by_container: dict[str, list[Trip]] = {}
        self._orphans: dict[str, deque[Envelope]] = {}  # device -> recent unrouted messages
        self._pending_reads: dict[str, deque[Envelope]] = {}  # order no -> reads before it
        self._recent_gates: dict[str, deque[Envelope]] = {}  # container -> its recent passes

    def add(self, trip: Trip) -> None:
        self.trips[trip.order_no] = trip
        for device in trip.devices():
            self._by_device.setdefault(device, []).append(trip)
        for number in trip.containers:
            self._by_container.setdefault(number, []).append(trip)

    def remove(self, trip: Trip) -> None:
        if self.trips.get(trip.order_no) is trip:
            del self.trips[trip.order_no]
        for device in trip.devices():
            self._by_device[device] = [t for t in self._by_device.get(device, []) if t is not trip]
        for number in trip.containers:
            self._by_container[number] = [t for t in self._by_container.get(number, []) if t is not trip]

    def holders(self, container_nos: Iterable[str]) -> list[Trip]:
        """Trips whose order holds one of these containers."""
        found = {t.order_no: t for n in container_nos for t in self._by_container.get(n, ())}
        return list(found.values())

    @staticmethod
    def gate_concerns(trip: Trip, env: Envelope) -> bool:
        """Whether a gate pass is at the trip's origin or destination and holds its container."""
        msg: Any = env.msg
        site = msg.site_code
        if site != trip.origin.code and site != trip.dest.code:
            return False
        return any(n in trip.containers for n in msg.container_nos)

    def targets(self, env: Envelope) -> list[Trip]:
        """The trips a device message belongs to; keeps it for later when there is none yet."""
        msg: Any = env.msg
        if env.kind == NFC_READ:
            trip = self.trips.get(msg.order_no)
            if trip is None:
                _bounded_get(self._pending_reads, msg.order_no, _PENDING_ORDERS, 64).append(env)
                return []
            return [trip] if not trip.cancelled and trip.accepts(env) else []
        if env.kind == GATE_PASS:
            for number in msg.container_nos:
                _bounded_get(self._recent_gates, number, _RECENT_GATE_CONTAINERS, 16).append(env)
            return [
                t
                for t in self.holders(msg.container_nos)
                if not t.cancelled and self.gate_concerns(t, env) and t.accepts(env)
            ]
        found = [t for t in self._by_device.get(env.device, ()) if not t.cancelled and t.accepts(env)]
        if not found:
            _bounded_get(self._orphans, env.device, 1 << 62, _ORPHAN_MESSAGES).append(env)
        return found

    def gather(self, trip: Trip, previous: Trip | None) -> list[Envelope]:
        """Messages already received that belong to a new (or amended) trip."""
        found: dict[tuple[float, int, str, int], Envelope] = {}
        devices = set(trip.devices())
        sources: list[Iterable[Envelope]] = [self._pending_reads.pop(trip.order_no, ())]
        if previous is not None:
            sources.append(e for _, e in previous.log)
        for device in devices:
            sources.append(self._orphans.get(device, ()))
            for other in self._by_device.get(device, ()):
                sources.append(e for _, e in other.log if e.device == device)
        for number in trip.containers:
            passes = self._recent_gates.get(number, ())
            sources.append(g for g in passes if self.gate_concerns(trip, g))
        for source in sources:
            for env in source:
                concerns = env.kind in (NFC_READ, GATE_PASS) or env.device in devices
                if concerns and trip.accepts(env):
                    found[env.key] = env
        return list(found.values())
