"""TicketFeed: collects ticket changes on the ingest thread as immutable rows for the GUI.

The :class:`~desktop.models.ticketbook.TicketBook` calls its listeners on the ingest thread
with the ingest lock held; :meth:`TicketFeed.on_change` snapshots the ticket there (cheap: no
copy of anything the row does not show) and keeps only the latest row per ticket until the GUI
drains it, so a flood of updates to one ticket costs the GUI one row update per drain.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from desktop.models.pipeline import Pipeline
from desktop.models.ticket import Ticket
from desktop.models.trips import Trip
from desktop.workflow.rows import TicketRow, TripSummary

TripLookup = Callable[[str], Trip | None]


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One drained change: the latest row of a ticket and when the feed first saw the change."""

    row: TicketRow
    change: str  # the first change since the previous drain: "raised", "updated", "escalated", ...
    seen_at: float  # wall clock when the change was collected
    escalated_now: bool  # an escalation happened since the previous drain


class TicketFeed:
    """Thread-safe, coalescing buffer of ticket rows between the ingest side and the GUI.

    Args:
        trip_lookup: ``order_no -> Trip`` (called with the ingest lock held) for trip summaries.
        clock: wall clock for ``seen_at``.
    """

    def __init__(self, trip_lookup: TripLookup | None = None, clock: Callable[[], float] = time.time) -> None:
        self._trip_lookup = trip_lookup
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: dict[str, FeedItem] = {}
        self._trips: dict[str, tuple[int, int, TripSummary]] = {}
        self.collected = 0  # changes collected so far (for benchmarks and tests)

    @classmethod
    def for_pipeline(cls, pipeline: Pipeline, *, seed: bool = True) -> TicketFeed:
        """A feed subscribed to ``pipeline``'s ticket book (seeded with its current tickets).

        Call it while no other thread uses the pipeline, or with its lock held.
        """
        feed = cls(pipeline.trips.get)
        pipeline.book.subscribe(feed.on_change)
        if seed:
            for ticket in pipeline.book.tickets.values():
                feed.on_change("loaded", ticket)
        return feed

    # -- ingest side (caller holds the lock that guards ``ticket``) --------------------------

    def on_change(self, change: str, ticket: Ticket) -> None:
        """TicketBook listener; also called by :class:`TicketActions` after a person's action."""
        row = TicketRow.of(ticket, self._trip_summary(ticket.order_no), withdrawn=change == "withdrawn")
        now = self._clock()
        with self._lock:
            self.collected += 1
            previous = self._pending.get(ticket.id)
            if previous is None:
                self._pending[ticket.id] = FeedItem(row, change, now, change == "escalated")
            else:
                escalated = previous.escalated_now or change == "escalated"
                self._pending[ticket.id] = FeedItem(row, previous.change, previous.seen_at, escalated)

    def _trip_summary(self, order_no: str | None) -> TripSummary | None:
        if order_no is None or self._trip_lookup is None:
            return None
        trip = self._trip_lookup(order_no)
        if trip is None:
            cached = self._trips.get(order_no)
            return cached[2] if cached else None
        # the summary changes with the order (amendment), the progress and the timers
        stamp = (id(trip.order), hash((trip.phase, tuple(trip.scheduled.items()))))
        cached = self._trips.get(order_no)
        if cached is not None and cached[:2] == stamp:
            return cached[2]
        summary = TripSummary.of(trip)
        self._trips[order_no] = (*stamp, summary)
        return summary

    # -- GUI side --------------------------------------------------------------------------

    def drain(self) -> list[FeedItem]:
        """Take every change collected since the previous drain (oldest first)."""
        with self._lock:
            items = list(self._pending.values())
            self._pending.clear()
        return items

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._pending)
