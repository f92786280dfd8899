"""The ingest worker: feeds the pipeline off the GUI thread and publishes ticket changes.

One thread owns the :class:`~desktop.models.pipeline.Pipeline`: it takes messages from the
link's inbox, processes them, acknowledges them, fires timers, and publishes every ticket
change retained on ``jmc/v1/{region}/ticket/{id}`` (§6.5). Readers (the UI, the demo's text
summary) get an immutable :class:`IngestStatus` snapshot, refreshed at most every
``snapshot_every_s`` — the UI's refresh rate is decoupled from the ingest rate.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field

from desktop.ingest.link import ConsoleLink, Inbound
from desktop.models.pipeline import Pipeline
from desktop.models.ticket import Ticket

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IngestStatus:
    """What the status bar shows."""

    connected: bool = False
    since: float = 0.0  # when the connection state last changed
    msgs_per_s: float = 0.0
    rejected_per_s: float = 0.0
    processed: int = 0
    rejected: int = 0
    duplicates: int = 0
    backlog: int = 0
    disconnects: int = 0
    trips: int = 0
    open_tickets: dict[str, int] = field(default_factory=dict)  # severity -> count
    last_error: str = ""


class _Rate:
    """Events per second over a sliding window."""

    def __init__(self, window_s: float = 5.0) -> None:
        self._window_s = window_s
        self._marks: deque[tuple[float, int]] = deque()

    def update(self, now: float, total: int) -> float:
        marks = self._marks
        marks.append((now, total))
        while len(marks) > 2 and now - marks[0][0] > self._window_s:
            marks.popleft()
        t0, n0 = marks[0]
        return (total - n0) / (now - t0) if now > t0 else 0.0


class IngestService:
    """Runs the pipeline on its own thread, fed by a :class:`ConsoleLink`."""

    def __init__(self, pipeline: Pipeline, link: ConsoleLink, *, snapshot_every_s: float = 0.5) -> None:
        self.pipeline = pipeline
        self.link = link
        self.inbox: queue.Queue[Inbound] = link.inbox
        self._snapshot_every_s = snapshot_every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="jmc-ingest", daemon=True)
        self._status = IngestStatus()
        self._processed = 0
        self._rate = _Rate()
        self._reject_rate = _Rate()
        self.worker_errors = 0
        pipeline.book.subscribe(self._on_ticket_change)

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()
        self.link.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop taking messages, finish the one in hand, disconnect (the session stays)."""
        self.link.stop()
        self._stop.set()
        self._thread.join(timeout)

    @property
    def status(self) -> IngestStatus:
        """The latest snapshot (safe to read from any thread)."""
        return self._status

    # -- worker thread -------------------------------------------------------------------------

    def _run(self) -> None:
        next_snapshot = 0.0
        while not self._stop.is_set():
            try:
                item = self.inbox.get(timeout=0.2)
            except queue.Empty:
                item = None
            try:
                if item is not None:
                    self._process(item)
                    # drain what is waiting without going back to the timeout path
                    while True:
                        try:
                            self._process(self.inbox.get_nowait())
                        except queue.Empty:
                            break
                        if time.monotonic() >= next_snapshot:
                            break
                self.pipeline.advance()
            except Exception:
                self.worker_errors += 1
                log.exception("ingest worker error; going on")
            if time.monotonic() >= next_snapshot:
                self._status = self._snapshot()
                next_snapshot = time.monotonic() + self._snapshot_every_s
        self._status = self._snapshot()

    def _process(self, item: Inbound) -> None:
        try:
            self.pipeline.ingest(item.topic, item.payload)
        finally:  # never leave a message unacknowledged: the pipeline quarantines, not raises
            self.link.ack(item.mid, item.qos)
            self._processed += 1

    def _snapshot(self) -> IngestStatus:
        now = time.time()
        stats = self.pipeline.stats
        severities: Counter[str] = Counter(
            str(t.severity) for t in self.pipeline.book.tickets.values() if not t.is_closed
        )
        return IngestStatus(
            connected=self.link.connected,
            since=self.link.since,
            msgs_per_s=self._rate.update(now, self._processed),
            rejected_per_s=self._reject_rate.update(now, stats.rejected),
            processed=self._processed,
            rejected=stats.rejected,
            duplicates=self.pipeline.duplicates,
            backlog=self.inbox.qsize(),
            disconnects=self.link.disconnects,
            trips=len(self.pipeline.trips),
            open_tickets=dict(severities),
            last_error=self.link.last_error,
        )

    # -- ticket changes → the wire (§6.5) ------------------------------------------------------

    def _on_ticket_change(self, change: str, ticket: Ticket) -> None:
        topic = f"jmc/v1/{ticket.region}/ticket/{ticket.id}"
        if change == "withdrawn":  # an empty retained message clears the retained ticket
            self.link.publish(topic, b"", retain=True)
            return
        payload = json.dumps(ticket.wire_dict(self.link.console_id), ensure_ascii=False).encode()
        self.link.publish(topic, payload, retain=True)
