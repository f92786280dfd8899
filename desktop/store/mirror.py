"""The upstream mirror: a worker thread that pushes the outbox and pulls other consoles.

    worker = MirrorWorker(store, resolve_upstream_url(), store.console_id,
                          on_remote_events=lambda batch: ...)   # called on the worker thread
    worker.start()
    worker.wake()              # after a local commit: push now instead of at the next poll
    worker.status()            # MirrorStatus: backlog, last success, last error, connected
    worker.stop()

No upstream configured (``upstream_url`` is ``None``): the worker does nothing and its status
says so; the console works on its local store alone. Each cycle pushes every pending outbox
batch (each batch: one upstream transaction, then the local rows are marked sent; a crash in
between only resends the batch, which changes nothing upstream), then pulls other consoles.
Failures are retried with capped exponential backoff; the outbox keeps everything meanwhile,
so the first successful cycle after an outage back-fills it all.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Final

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from desktop.store.api import Store
from desktop.store.mirror_pull import RemoteBatch, pull_once
from desktop.store.mirror_push import PushResult, push_batch, read_batch
from desktop.store.schema_mirror import TicketConflictRow
from desktop.store.schema_ops import OutboxRow
from desktop.store.schema_tickets import ChainHead
from desktop.store.upstream import describe, ensure_schema, make_upstream_engine

log = logging.getLogger(__name__)

AFTER_UPSTREAM_COMMIT: Final = "after_upstream_commit"
Fault = Callable[[str], None]
RemoteCallback = Callable[[RemoteBatch], None]


@dataclass(frozen=True, slots=True)
class MirrorStatus:
    """What the status bar shows about the mirror (a snapshot; safe on any thread)."""

    configured: bool = False
    connected: bool = False
    backlog: int = 0  # outbox rows not yet upstream
    last_success_at: float | None = None  # end of the last cycle that reached upstream
    last_error: str | None = None  # human-readable; None after a success
    pushed: int = 0  # rows pushed since start
    pulled: int = 0  # foreign audited rows pulled since start
    conflicts: int = 0  # unresolved ticket conflicts in the local store
    divergent: int = 0  # pushed rows that collided with different upstream rows (see the log)
    upstream: str | None = None  # the URL without its password


def human_error(exc: BaseException, where: str) -> str:
    """One line an operator can act on."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        detail = str(exc.orig).strip().splitlines()
        text = detail[0] if detail else type(exc.orig).__name__
        if exc.connection_invalidated or "connect" in text.lower():
            return f"upstream {where} unreachable: {text}"
        return f"upstream {where}: {text}"
    if isinstance(exc, SQLAlchemyError):
        return f"upstream {where}: {str(exc).splitlines()[0]}"
    return f"mirror error ({type(exc).__name__}): {exc}"


class MirrorWorker:
    """Pushes this console's outbox upstream and pulls the others' events (its own thread).

    Args:
        store: the local store.
        upstream_url: ``postgresql+psycopg://...`` (password included), or ``None``: local only.
        console_id: this console (must be the store's; default: the store's).
        on_remote_events: called (on the worker thread) with each non-empty pull.
        fault: test hook, called with :data:`AFTER_UPSTREAM_COMMIT` between each upstream
            commit and the local "sent" mark.
        batch_size: outbox rows per upstream transaction.
        poll_s: seconds between cycles when idle (``wake()`` cuts it short).
        backoff_s: first retry delay after a failure; doubles up to ``backoff_max_s``.
        pull: also pull other consoles (off: push only).
    """

    def __init__(
        self,
        store: Store,
        upstream_url: str | None,
        console_id: str | None = None,
        *,
        on_remote_events: RemoteCallback | None = None,
        fault: Fault | None = None,
        batch_size: int = 1000,
        poll_s: float = 1.0,
        backoff_s: float = 0.5,
        backoff_max_s: float = 30.0,
        pull: bool = True,
    ) -> None:
        if console_id is not None and console_id != store.console_id:
            raise ValueError(f"console id {console_id!r} is not the store's ({store.console_id!r})")
        self.store = store
        self.console_id = store.console_id
        self.url = upstream_url
        self.on_remote_events = on_remote_events
        self.fault = fault
        self.batch_size = batch_size
        self.poll_s = poll_s
        self.backoff_s = backoff_s
        self.backoff_max_s = backoff_max_s
        self.pull = pull
        self._engine: Engine | None = None
        self._schema_ok = False
        self._lock = threading.Lock()
        self._status = MirrorStatus(configured=upstream_url is not None, upstream=self._described())
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def _described(self) -> str | None:
        return describe(self.url) if self.url else None

    # -- thread ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker thread (nothing happens without an upstream)."""
        if self.url is None or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="jmc-mirror", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the current step and release the upstream connections."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def wake(self) -> None:
        """Run a cycle now (e.g. after a local commit) instead of at the next poll."""
        self._wake.set()

    def status(self) -> MirrorStatus:
        with self._lock:
            return self._status

    def _set(self, **changes: object) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)  # type: ignore[arg-type]

    def _run(self) -> None:
        delay = self.backoff_s
        while not self._stop.is_set():
            try:
                self.sync_once()
                delay, wait = self.backoff_s, self.poll_s
            except Exception as exc:
                message = human_error(exc, self._described() or "")
                log.warning("mirror: %s (retry in %.1f s)", message, delay)
                self._failed(message)
                wait = delay * random.uniform(0.8, 1.2)
                delay = min(delay * 2, self.backoff_max_s)
            self._wake.wait(wait)
            self._wake.clear()

    def _failed(self, message: str) -> None:
        self._schema_ok = False
        try:
            backlog, conflicts = self.local_counts()
        except SQLAlchemyError:  # the local store is unwell too: keep the last figures
            log.exception("mirror: cannot count the local backlog")
            backlog, conflicts = self._status.backlog, self._status.conflicts
        self._set(connected=False, last_error=message, backlog=backlog, conflicts=conflicts)

    # -- one cycle --------------------------------------------------------------------------------

    def engine(self) -> Engine:
        if self.url is None:
            raise RuntimeError("no upstream configured")
        if self._engine is None:
            self._engine = make_upstream_engine(self.url)
        if not self._schema_ok:
            with self._engine.begin() as up:
                ensure_schema(up)
            self._schema_ok = True
        return self._engine

    def sync_once(self) -> tuple[int, int]:
        """Push everything pending, then pull; return (rows pushed, rows pulled). Raises on failure."""
        pushed = self.push_pending()
        pulled = 0
        if self.pull:
            while True:
                batch = pull_once(self.store, self.engine())
                pulled += batch.rows
                self._set(pulled=self._status.pulled + batch.rows)
                if batch.events and self.on_remote_events is not None:
                    try:
                        self.on_remote_events(batch)
                    except Exception:  # the app's callback must not stop the mirror
                        log.exception("mirror: on_remote_events failed")
                if not batch.more:
                    break
        backlog, conflicts = self.local_counts()
        self._set(
            connected=True, last_success_at=time.time(), last_error=None, backlog=backlog, conflicts=conflicts
        )
        return pushed, pulled

    def push_pending(self, max_batches: int | None = None) -> int:
        """Push outbox batches until none is left (or ``max_batches``); return rows pushed."""
        total = batches = 0
        while max_batches is None or batches < max_batches:
            result = self.push_one()
            if result.rows == 0:
                break
            total += result.rows
            batches += 1
        return total

    def push_one(self) -> PushResult:
        """Push the oldest outbox batch: upstream commit, fault hook, then the local sent mark."""
        with self.store.read() as conn:
            items = read_batch(conn, self.batch_size)
        if not items:
            return PushResult()
        now = time.time()
        with self.engine().begin() as up:
            result = push_batch(up, items, now)
        if self.fault is not None:
            self.fault(AFTER_UPSTREAM_COMMIT)
        ids = [item.id for item in items]

        def mark(conn: Connection) -> None:
            conn.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(sent_at=now))
            for origin, seq in result.heads:
                conn.execute(
                    update(ChainHead)
                    .where(ChainHead.origin == origin, ChainHead.chain_seq == seq)
                    .values(pushed_at=now)
                )

        self.store.write(mark)
        for problem in result.divergent:
            log.error("mirror: %s", problem)
        self._set(
            pushed=self._status.pushed + len(items),
            divergent=self._status.divergent + len(result.divergent),
            connected=True,
        )
        return result

    def local_counts(self) -> tuple[int, int]:
        """(outbox rows not yet sent, unresolved conflicts) from the local store."""
        with self.store.read() as conn:
            return backlog(conn), int(
                conn.execute(select(func.count()).select_from(TicketConflictRow)).scalar_one()
            )


def backlog(conn: Connection) -> int:
    """Outbox rows not yet sent upstream."""
    return int(conn.execute(select(func.count()).where(OutboxRow.sent_at.is_(None))).scalar_one())
