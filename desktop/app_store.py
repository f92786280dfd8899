"""The console's store-side helpers for the app (Qt-free): a ticket writer thread, a sampler of
the figures the status bar shows, and the quarantine browser's reader of the stored rows.

The GUI thread never writes the store: a person's action hands a snapshot of the ticket to
:class:`TicketWriter`, whose thread commits it (retrying after a failure, in order) while the
officer goes on working. The status bar reads counts sampled by :class:`StoreSampler`'s thread.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Final

from desktop.models.ticket import Ticket
from desktop.models.validation import QuarantineRecord
from desktop.store.api import Store
from desktop.store.tickets_io import snapshot
from desktop.workflow.quarantine import QuarantineRow

log = logging.getLogger(__name__)

RETRY_S: Final = 1.0


class TicketWriter:
    """Stores tickets on its own thread, in the order they were handed over.

    :meth:`persist` is the ``persist`` hook of ``TicketActions``: called with the lock that
    guards the ticket held, it takes a snapshot (cheap: the events are immutable) and returns at
    once. A failed write is retried every ``retry_s`` until it succeeds; nothing is dropped.

    Args:
        persist: ``Store.persist_tickets``.
    """

    def __init__(self, persist: Callable[[Sequence[Ticket]], None], *, retry_s: float = RETRY_S) -> None:
        self._persist = persist
        self._retry_s = retry_s
        self._queue: deque[Ticket] = deque()
        self._cond = threading.Condition()
        self._busy = 0
        self._stop = False
        self.written = 0
        self.failures = 0
        self.last_error = ""
        self._thread = threading.Thread(target=self._run, name="jmc-ticket-writer", daemon=True)
        self._thread.start()

    def persist(self, ticket: Ticket) -> None:
        """Queue a snapshot of ``ticket`` (call with the ticket's lock held)."""
        copy = snapshot(ticket)
        with self._cond:
            self._queue.append(copy)
            self._cond.notify_all()

    @property
    def pending(self) -> int:
        """Tickets handed over and not yet committed."""
        with self._cond:
            return len(self._queue) + self._busy

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything handed over is committed; return whether it was."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._queue and not self._busy, timeout)

    def close(self, timeout: float = 10.0) -> bool:
        """Commit what is queued (waiting at most ``timeout``), then stop the thread."""
        done = self.flush(timeout)
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join(timeout)
        if not done:
            log.error(
                "%d ticket changes could not be stored before closing: %s", self.pending, self.last_error
            )
        return done

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._queue or self._stop)
                if self._stop:
                    return
                batch = list(self._queue)
                self._queue.clear()
                self._busy = len(batch)
            try:
                self._persist(batch)
            except Exception as exc:
                self.failures += 1
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("could not store %d ticket changes; retrying", len(batch))
                with self._cond:
                    self._queue.extendleft(reversed(batch))  # first in line again, same order
                    self._busy = 0
                    self._cond.wait(self._retry_s)
                continue
            with self._cond:
                self.written += len(batch)
                self.last_error = ""
                self._busy = 0
                self._cond.notify_all()


class StoreSampler:
    """Samples ``Store.quarantine_count()`` every ``every_s`` on its own thread.

    ``quarantined`` is the latest figure (``None`` until the first read, or while reads fail).
    """

    def __init__(self, store: Store, *, every_s: float = 2.0) -> None:
        self._store = store
        self._every_s = every_s
        self._stop = threading.Event()
        self.quarantined: int | None = None
        self.last_error = ""
        self._thread = threading.Thread(target=self._run, name="jmc-store-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def sample(self) -> None:
        try:
            self.quarantined = self._store.quarantine_count()
            self.last_error = ""
        except Exception as exc:
            self.quarantined = None
            self.last_error = str(exc)
            log.warning("cannot count the stored quarantine: %s", exc)

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self._every_s):
                return

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)


class StoredQuarantineReader:
    """The quarantine browser's source over the store: on the first call the newest ``limit``
    stored rows (earlier runs included), then on each call the rows stored since."""

    def __init__(self, rows: Callable[[int], Sequence[QuarantineRecord]], *, limit: int = 5000) -> None:
        self._rows = rows
        self._limit = limit
        self._seen: set[tuple[float, str, bytes]] = set()
        self._newest = float("-inf")

    def __call__(self) -> list[QuarantineRow]:
        fresh = []
        for record in self._rows(self._limit):  # newest first
            key = (record.received_at, record.topic, record.raw)
            if record.received_at < self._newest:
                break
            if key in self._seen:
                continue
            self._seen.add(key)
            fresh.append(record)
        if fresh:
            self._newest = max(self._newest, max(r.received_at for r in fresh))
            self._seen = {k for k in self._seen if k[0] >= self._newest}  # only ties can recur
        fresh.sort(key=lambda r: r.received_at)
        return [QuarantineRow.of(r) for r in fresh]
