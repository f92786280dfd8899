"""The live feed: what changed in the pipeline since the GUI last looked (Qt-free).

The ingest threads fold messages into the :class:`~desktop.models.pipeline.Pipeline` under
the ingest service's lock. The GUI thread calls :meth:`LiveFeed.poll` a few times a second;
it takes the lock briefly, drains the pipeline's ``changed_trips`` set and the ticket changes
the feed heard, and turns only those trips into immutable :class:`TripView` snapshots plus the
new trail points. Cost per poll is proportional to what changed, not to the number of trips.

A position is only ever a *reported* one: the latest OBU fix, or, for a trip without one, the
latest seal event, seal status or NFC read that carried coordinates (for a passive-seal trip:
its departure read, then its arrival read). Nothing is interpolated or estimated.

:meth:`poll`, :meth:`find` and :meth:`view` must be called from one thread (the GUI's).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from desktop.live.search import TripSearchIndex
from desktop.live.trip_tickets import TicketSummary, in_conflict, summarise, worst_open
from desktop.live.views import FeedDelta, TrailPoint, TripView
from desktop.models.pipeline import Pipeline
from desktop.models.ticket import Ticket
from desktop.models.trips import Trip
from desktop.models.validation import NFC_READ, SEAL_EVENT, SEAL_STATUS, TELEMETRY, Envelope

#: the ingest service's lock (a ``threading.Lock`` or anything used as ``with lock:``)
Lock = AbstractContextManager[Any]
_LOCATED_KINDS: Final = frozenset({SEAL_EVENT, SEAL_STATUS, NFC_READ})
#: the pipeline's phase names as TripView spells them (departed = in transit, §5)
_PHASES: Final = {"departed": "in_transit"}


@dataclass(slots=True)
class _Cursor:
    """How far the feed has read one trip's log."""

    trip: Trip  # the object read; an amended order makes a new one, which is read afresh
    last_key: tuple[float, int, str, int] | None = None
    last_trail_ts: float = float("-inf")
    speed: tuple[float, float | None] | None = None  # (ts, km/h) of the latest telemetry
    plate: tuple[float, str] | None = None  # (ts, plate) of the latest telemetry with one
    located: tuple[float, float, float] | None = None  # (ts, lat, lon) of a located seal/NFC message


@dataclass(slots=True)
class _Pending:
    """Changes noted by the ingest threads, drained by :meth:`LiveFeed.poll`."""

    orders: set[str] = field(default_factory=set)


class LiveFeed:
    """Immutable views of the live trips, delivered as deltas.

    Args:
        pipeline: the pipeline the ingest service feeds.
        lock: the lock the ingest service holds while it touches the pipeline.
        trail_every_s: at most one trail point per trip per this many seconds of device time.
        trail_window_s: on a trip's first poll, trail points this far back from its latest message.
    """

    def __init__(
        self,
        pipeline: Pipeline,
        lock: Lock,
        *,
        trail_every_s: float = 10.0,
        trail_window_s: float = 300.0,
    ) -> None:
        self._pipeline = pipeline
        self._lock = lock
        self._trail_every_s = trail_every_s
        self._trail_window_s = trail_window_s
        self._pending = _Pending()
        self._ticket_orders: dict[str, str] = {}  # ticket id -> order no. it was last seen on
        self._views: dict[str, TripView] = {}
        self._cursors: dict[str, _Cursor] = {}
        self._index = TripSearchIndex()
        with lock:
            known = pipeline.changed_trips or set()
            pipeline.changed_trips = known | set(pipeline.trips)
            for ticket in pipeline.book.tickets.values():
                if ticket.order_no:
                    self._ticket_orders[ticket.id] = ticket.order_no
            pipeline.book.subscribe(self._on_ticket_change)

    # -- the ingest threads (under the lock) -------------------------------------------------

    def ticket_changed(self, change: str, ticket: Ticket) -> None:
        """Note a ticket change the book does not announce (a person's action on the ticket, e.g.
        a sign-off that closes it); call with the lock held."""
        self._on_ticket_change(change, ticket)

    def _on_ticket_change(self, change: str, ticket: Ticket) -> None:
        previous = self._ticket_orders.get(ticket.id)
        if previous is not None and previous != ticket.order_no:
            self._pending.orders.add(previous)  # the ticket moved to another order (A11 link)
        if ticket.order_no:
            self._ticket_orders[ticket.id] = ticket.order_no
            self._pending.orders.add(ticket.order_no)

    # -- the GUI thread ------------------------------------------------------------------------

    def poll(self) -> FeedDelta:
        """The trips that changed since the previous poll, their new trail points, and the trips
        that are gone (retired by the pipeline)."""
        delta = FeedDelta()
        pipeline = self._pipeline
        with self._lock:
            changed = pipeline.changed_trips or set()
            pipeline.changed_trips = set()
            changed |= self._pending.orders
            self._pending.orders = set()
            trips = pipeline.trips
            for trip_id in sorted(changed):
                trip = trips.get(trip_id)
                if trip is None:
                    if self._views.pop(trip_id, None) is not None:
                        delta.removed.append(trip_id)
                    self._cursors.pop(trip_id, None)
                    self._index.remove(trip_id)
                    continue
                view, trail = self._read(trip)
                self._views[trip_id] = view
                delta.changed.append(view)
                if trail:
                    delta.trail[trip_id] = trail
                self._index.update(trip_id, _search_keys(view))
        return delta

    def find(self, text: str, limit: int = 50) -> list[TripView]:
        """Trips whose order no., plate or container no. is or starts with ``text`` (case, spaces
        and hyphens ignored); for four characters or more also those that contain it."""
        found = (self._views.get(trip_id) for trip_id in self._index.lookup(text, limit))
        return [view for view in found if view is not None]

    def view(self, trip_id: str) -> TripView | None:
        """The latest view of a trip (as of the last poll)."""
        return self._views.get(trip_id)

    def views(self) -> list[TripView]:
        """Every trip as of the last poll."""
        return list(self._views.values())

    def tickets(self, trip_id: str) -> list[TicketSummary]:
        """The trip's tickets (open and closed), oldest first; reads the pipeline under the lock."""
        with self._lock:
            return [summarise(t) for t in self._pipeline.book.for_order(trip_id)]

    # -- building views ------------------------------------------------------------------------

    def _read(self, trip: Trip) -> tuple[TripView, list[TrailPoint]]:
        cursor = self._cursors.get(trip.order_no)
        if cursor is None or cursor.trip is not trip:
            fresh = _Cursor(trip)
            if cursor is not None:  # an amended order: its trail so far was already delivered
                fresh.last_trail_ts = cursor.last_trail_ts
            cursor = self._cursors[trip.order_no] = fresh
        trail = self._scan(trip, cursor)
        return self._make_view(trip, cursor), trail

    def _scan(self, trip: Trip, cursor: _Cursor) -> list[TrailPoint]:
        """Read the log entries after the cursor (newest first, so a first read of a long log
        stops once it has the trail window and the latest speed)."""
        log = trip.log
        if not log:
            return []
        floor = cursor.last_key
        window_start = log[-1][0][0] - self._trail_window_s if floor is None else float("-inf")
        whole = floor is None and not trip.has_obu  # short logs: positions come from reads
        fixes: list[TrailPoint] = []
        i = len(log) - 1
        while i >= 0:
            key, env = log[i]
            if floor is not None and key <= floor:
                break
            if floor is None and not whole and key[0] < window_start and cursor.speed is not None:
                break
            self._note(env, cursor, fixes if key[0] >= window_start else None)
            i -= 1
        cursor.last_key = log[-1][0]
        trail: list[TrailPoint] = []
        for point in reversed(fixes):
            if point.ts >= cursor.last_trail_ts + self._trail_every_s:
                trail.append(point)
                cursor.last_trail_ts = point.ts
        return trail

    @staticmethod
    def _note(env: Envelope, cursor: _Cursor, fixes: list[TrailPoint] | None) -> None:
        msg: Any = env.msg
        if env.kind == TELEMETRY:
            if cursor.speed is None or env.ts > cursor.speed[0]:
                speed = msg.speed_kmh if isinstance(msg.speed_kmh, float | int) else None
                cursor.speed = (env.ts, None if speed is None else float(speed))
            if isinstance(msg.plate, str) and (cursor.plate is None or env.ts > cursor.plate[0]):
                cursor.plate = (env.ts, msg.plate)
            if fixes is not None and msg.fix != "none":
                fixes.append(TrailPoint(env.ts, msg.lat, msg.lon))
        elif env.kind in _LOCATED_KINDS:
            lat, lon = getattr(msg, "lat", None), getattr(msg, "lon", None)
            newer = cursor.located is None or env.ts > cursor.located[0]
            if isinstance(lat, float) and isinstance(lon, float) and newer:
                cursor.located = (env.ts, lat, lon)

    def _make_view(self, trip: Trip, cursor: _Cursor) -> TripView:
        order = trip.order
        position = trip.progress.last_fix or cursor.located
        fix_ts, lat, lon = position if position is not None else (None, None, None)
        speed = None
        if cursor.speed is not None and trip.progress.last_fix is not None:
            speed = cursor.speed[1]
        plate = order.plate if isinstance(order.plate, str) else None
        if plate is None and cursor.plate is not None:
            plate = cursor.plate[1]
        tickets = self._pipeline.book.for_order(trip.order_no)
        worst, count = worst_open(tickets)
        kind: Literal["active", "passive"] = "active" if trip.is_active else "passive"
        return TripView(
            trip_id=trip.order_no,
            order_no=trip.order_no,
            region=trip.region,
            kind=kind,
            phase=_PHASES.get(trip.phase, trip.phase),
            plate=plate,
            driver=order.driver_id if isinstance(order.driver_id, str) else None,
            containers=tuple(c.container_no for c in order.containers),
            seals=tuple(c.seal_id for c in order.containers),
            origin=trip.origin.code,
            destination=trip.dest.code,
            deadline=trip.deadline,
            lat=lat,
            lon=lon,
            fix_ts=fix_ts,
            speed_kmh=speed,
            worst_severity=worst,
            open_tickets=count,
            conflict=in_conflict(tickets),
        )


def _search_keys(view: TripView) -> Iterable[str]:
    yield view.trip_id
    if view.order_no:
        yield view.order_no
    if view.plate:
        yield view.plate
    yield from view.containers
