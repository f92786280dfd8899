"""The ingest service: feeds the pipeline off the GUI thread and publishes ticket changes.

Messages are processed on paho's network thread, inside ``on_message``; paho acknowledges a
QoS 1 message only after that callback returns, so a console stopped at any moment gets
again what it had not finished, and the MQTT 5 *Receive Maximum* bounds what is in flight.
A housekeeping thread fires the pipeline's timers and refreshes an immutable
:class:`IngestStatus` snapshot; a lock keeps the two threads out of the pipeline together.
Readers (the UI, the demo's text summary) only ever read the snapshot, so the UI refresh
rate is decoupled from the ingest rate.

With a :class:`~desktop.store.api.Store` the link acknowledges manually: each message's
effects go to an :class:`~desktop.store.ingest_writer.IngestRecorder`, whose writer thread
commits them in batches and only then acknowledges the batch (commit-before-ack). Without a
store, paho acknowledges after the handler returns, as before.

Ticket changes are published retained on ``jmc/v1/{region}/ticket/{id}`` (§6.5) at once;
changes of the occurrence count alone (flood control) are coalesced, at most one per ticket
per ``coalesce_s``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop.ingest.link import ConsoleLink, Delivery
from desktop.models.pipeline import Pipeline
from desktop.models.ticket import Ticket

if TYPE_CHECKING:
    from desktop.store.api import Store
    from desktop.store.ingest_writer import IngestRecorder

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
    backlog: int = 0  # received, not yet processed
    lag_s: float = 0.0  # how long the latest message waited between arrival and processing
    disconnects: int = 0
    trips: int = 0
    open_tickets: dict[str, int] = field(default_factory=dict)  # severity -> count
    last_error: str = ""
    unsaved: int = 0  # received, not yet committed to the store (0 without a store)


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
    """Connects a :class:`ConsoleLink` to a :class:`Pipeline`."""

    def __init__(
        self,
        pipeline: Pipeline,
        link: ConsoleLink,
        *,
        snapshot_every_s: float = 0.5,
        coalesce_s: float = 5.0,
        store: Store | None = None,
        flush_s: float = 0.05,
        flush_msgs: int = 500,
    ) -> None:
        self.pipeline = pipeline
        self.link = link
        self._lock = threading.Lock()
        self._snapshot_every_s = snapshot_every_s
        self._coalesce_s = coalesce_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._housekeeping, name="jmc-housekeeping", daemon=True)
        self._status = IngestStatus()
        self._processed = 0
        self._lag_s = 0.0
        self._rate = _Rate()
        self._reject_rate = _Rate()
        self._dirty: dict[str, Ticket] = {}
        self.worker_errors = 0
        link.handler = self._handle
        pipeline.book.subscribe(self._on_ticket_change)
        self.recorder: IngestRecorder | None = None
        if store is not None:
            from desktop.store.ingest_writer import IngestRecorder

            self.recorder = IngestRecorder(
                store, pipeline, self._lock, link.ack, flush_s=flush_s, flush_msgs=flush_msgs
            )
            link.use_manual_ack(self._handle_delivery)

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        if self.recorder is not None:
            self.recorder.start()
        self._thread.start()
        self.link.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Disconnect (the broker keeps the session) and stop housekeeping."""
        if self.recorder is not None:
            self.recorder.flush()  # commit and acknowledge before saying goodbye
        self.link.stop()
        self._stop.set()
        self._thread.join(timeout)
        with self._lock:
            self._flush_dirty(force=True)
        if self.recorder is not None:
            self.recorder.stop(timeout)  # what arrived meanwhile: committed, delivered again
        with self._lock:
            self._status = self._snapshot()

    @property
    def lock(self) -> threading.Lock:
        """The lock that guards the pipeline: hold it to read or change its trips and tickets
        from another thread (the GUI's feeds, ticket actions, handover, the mirror)."""
        return self._lock

    def _processed_count(self) -> int:
        """Messages handled so far (live counter, for benchmarks and tests)."""
        return self._processed

    @property
    def status(self) -> IngestStatus:
        """The latest snapshot (safe to read from any thread)."""
        return self._status

    # -- paho's network thread -------------------------------------------------------------------

    def _handle(self, topic: str, payload: bytes, received_at: float) -> None:
        with self._lock:
            try:
                self.pipeline.ingest(topic, payload)
            except Exception:  # the pipeline quarantines rather than raises; belt and braces
                self.worker_errors += 1
                log.exception("ingest error on %r", topic)
            self._processed += 1
            self._lag_s = time.time() - received_at

    def _handle_delivery(self, topic: str, payload: bytes, received_at: float, delivery: Delivery) -> None:
        recorder = self.recorder
        assert recorder is not None
        with self._lock:
            try:
                result = self.pipeline.ingest(topic, payload)
            except Exception:  # the pipeline quarantines rather than raises; belt and braces
                self.worker_errors += 1
                result = "error"
                log.exception("ingest error on %r", topic)
            recorder.record(topic, payload, result, delivery)
            self._processed += 1
            self._lag_s = time.time() - received_at

    # -- housekeeping thread ---------------------------------------------------------------------

    def _housekeeping(self) -> None:
        while not self._stop.wait(min(0.2, self._snapshot_every_s)):
            try:
                with self._lock:
                    self.pipeline.advance()
                    self._flush_dirty()
                    self._status = self._snapshot()
            except Exception:
                self.worker_errors += 1
                log.exception("housekeeping error; going on")

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
            backlog=self.link.pending,
            lag_s=self._lag_s,
            disconnects=self.link.disconnects,
            trips=len(self.pipeline.trips),
            open_tickets=dict(severities),
            last_error=(self.recorder.last_error if self.recorder else "") or self.link.last_error,
            unsaved=self.recorder.unsaved if self.recorder else 0,
        )

    # -- ticket changes → the wire (§6.5) --------------------------------------------------------

    def _on_ticket_change(self, change: str, ticket: Ticket) -> None:
        if change == "updated":  # another occurrence: coalesce
            self._dirty.setdefault(ticket.id, ticket)
            return
        self._dirty.pop(ticket.id, None)
        self._publish(change, ticket)

    def _flush_dirty(self, force: bool = False) -> None:
        now = time.time()
        for ticket_id, ticket in list(self._dirty.items()):
            if force or now - ticket.updated_at >= self._coalesce_s or ticket.updated_at > now:
                del self._dirty[ticket_id]
                self._publish("updated", ticket)

    def _publish(self, change: str, ticket: Ticket) -> None:
        topic = f"jmc/v1/{ticket.region}/ticket/{ticket.id}"
        if change == "withdrawn":  # an empty retained message clears the retained ticket
            self.link.publish(topic, b"", retain=True)
            return
        payload = json.dumps(ticket.wire_dict(self.link.console_id), ensure_ascii=False).encode()
        self.link.publish(topic, payload, retain=True)
