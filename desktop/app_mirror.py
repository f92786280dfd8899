"""The upstream mirror in the running console (Qt-free): the worker, its figures for the status
bar, and what the console does with events other consoles recorded.

    mirror = ConsoleMirror.configure(store, book, lock, upstream_url, persist=writer.persist)
    mirror.start(); ...; mirror.backlog(); ...; mirror.stop()

No upstream configured: no thread runs and :meth:`ConsoleMirror.backlog` is ``None`` (the status
bar says "n/a"). Either way :meth:`ConsoleMirror.configure` first reads the open CONFLICTs back
from the store (:func:`restore_conflicts`): a conflict marker survives a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from desktop.models.ticket import Ticket
from desktop.models.ticketbook import TicketBook
from desktop.store.api import Store
from desktop.store.mirror import MirrorStatus, MirrorWorker
from desktop.store.mirror_pull import RemoteBatch
from desktop.store.mirror_resolve import apply_merged, conflict_topics
from desktop.store.reload import read_tickets

log = logging.getLogger(__name__)

MERGED = "merged"  # the change name listeners see for a converged state from other consoles


class RemoteApplier:
    """``MirrorWorker.on_remote_events``: sets the live tickets other consoles touched to their
    converged state (under the pipeline lock), tells the book's listeners (the queue, the map,
    the retained ticket state, the ingest writer) and hands each changed ticket to ``persist``.

    Tickets this console does not hold are left to the store (the pull stored their events).
    """

    def __init__(
        self,
        book: TicketBook,
        lock: AbstractContextManager[Any],
        persist: Callable[[Ticket], None] | None = None,
    ) -> None:
        self._book = book
        self._lock = lock
        self._persist = persist
        self.applied = 0

    def __call__(self, batch: RemoteBatch) -> None:
        self.apply(batch)

    def apply(self, batch: RemoteBatch) -> list[str]:
        """Apply one pull; return the ids of the live tickets that changed."""
        changed: list[str] = []
        with self._lock:
            for ticket_id, merged in batch.merged.items():
                ticket = self._book.tickets.get(ticket_id)
                if ticket is None or not apply_merged(ticket, merged):
                    continue
                self._book.announce(MERGED, ticket)
                if self._persist is not None:
                    self._persist(ticket)
                changed.append(ticket_id)
        self.applied += len(changed)
        return changed


def restore_conflicts(store: Store, book: TicketBook, lock: AbstractContextManager[Any]) -> list[str]:
    """At start-up: mark the book's tickets with the store's open conflicts, taking back the
    conflicted tickets the restart did not restore (closed ones: a sign-off that met a return
    must stay in view until a supervisor resolves it); the book's listeners hear of each marked
    ticket. Returns the ids of the tickets marked."""
    topics = conflict_topics(store)
    with lock:
        missing = [tid for tid in topics if tid not in book.tickets]
    if missing:
        with store.read() as conn:
            stored = read_tickets(conn, store.console_id, missing)
    with lock:
        if missing:
            book.restore(stored.values())
        changed = [t for tid, t in book.tickets.items() if t.mark_conflicts(topics.get(tid, ()))]
        for ticket in changed:
            book.announce(MERGED, ticket)
    if changed:
        log.info("%d tickets with an open CONFLICT", len(changed))
    return [t.id for t in changed]


class ConsoleMirror:
    """The mirror worker of a running console, or nothing when no upstream is configured."""

    def __init__(self, worker: MirrorWorker | None) -> None:
        self.worker = worker

    @classmethod
    def configure(
        cls,
        store: Store,
        book: TicketBook,
        lock: AbstractContextManager[Any],
        upstream_url: str | None,
        *,
        persist: Callable[[Ticket], None] | None = None,
    ) -> ConsoleMirror:
        """A worker for ``upstream_url`` (``None``: local only) that wakes after every commit;
        the book's tickets are marked with the stored open conflicts first."""
        restore_conflicts(store, book, lock)
        if upstream_url is None:
            return cls(None)
        worker = MirrorWorker(store, upstream_url, on_remote_events=RemoteApplier(book, lock, persist))
        store.on_commit.append(worker.wake)
        return cls(worker)

    def start(self) -> None:
        if self.worker is not None:
            self.worker.start()

    def status(self) -> MirrorStatus | None:
        return self.worker.status() if self.worker is not None else None

    def backlog(self) -> int | None:
        """Outbox rows not yet upstream; ``None`` when no upstream is configured."""
        status = self.status()
        return None if status is None else status.backlog

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            hooks = self.worker.store.on_commit
            if self.worker.wake in hooks:
                hooks.remove(self.worker.wake)
