"""The map's batch thread: merges feed deltas and builds the 4 Hz batches off the GUI thread.

The GUI thread only hands things over (``put_delta``, ``put_command``: a list append under a
lock); this thread folds them into the :class:`~desktop.map.batch.BatchBuilder`, and every 250 ms
(or at once before a command) emits what changed. Batches and commands leave through one queued
Qt signal, so the page receives them in the order they were asked for. The flushes are kept half
an interval away from the GUI thread's ``apply`` calls, so a feed polled every 250 ms never
competes with a flush for the interpreter.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Final

from PySide6.QtCore import QObject, Signal

from desktop.live.views import FeedDelta
from desktop.map.batch import BatchBuilder

log = logging.getLogger(__name__)

BATCH: Final = "batch"
COMMAND: Final = "command"


class BatchSender(QObject):
    """Owns the builder; ``outgoing(kind, text)`` carries batches and commands, in order."""

    outgoing = Signal(str, str)

    def __init__(self, builder: BatchBuilder, interval_s: float = 0.25) -> None:
        super().__init__()
        self.builder = builder
        self.interval = interval_s
        self._inbox: list[tuple[str, Any]] = []
        self._cond = threading.Condition()
        self._ready = False
        self._stopping = False
        self._flush_asked = False
        self._last_apply = 0.0
        self._thread = threading.Thread(target=self._run, name="jmc-map-batches", daemon=True)
        self._thread.start()

    # -- the GUI thread -----------------------------------------------------------------------
    def put_delta(self, delta: FeedDelta) -> None:
        with self._cond:
            self._inbox.append(("delta", delta))
            self._last_apply = time.monotonic()

    def put_command(self, text: str) -> None:
        """Sent after everything handed over before it (pending changes go first)."""
        with self._cond:
            self._inbox.append((COMMAND, text))
            self._cond.notify()

    def flush_soon(self) -> None:
        with self._cond:
            self._flush_asked = True
            self._cond.notify()

    def set_ready(self, ready: bool, *, resync: bool = False) -> None:
        """Whether the page can take batches; ``resync`` after a reload resends every trip."""
        with self._cond:
            if resync:
                self._inbox.append(("resync", None))
            self._ready = ready
            self._flush_asked = ready  # what was merged meanwhile goes out now
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join(timeout=5)

    # -- the batch thread ----------------------------------------------------------------------
    def _run(self) -> None:
        due = time.monotonic() + self.interval
        while True:
            with self._cond:
                while not self._stopping:
                    wait = due - time.monotonic()
                    urgent = self._flush_asked or any(kind == COMMAND for kind, _ in self._inbox)
                    if (self._ready and urgent) or (wait <= 0 and self._inbox):
                        break
                    if wait <= 0:  # nothing to send: look again an interval later
                        due += self.interval
                        wait = self.interval
                    self._cond.wait(wait)
                if self._stopping:
                    return
                items, self._inbox = self._inbox, []
                self._flush_asked = False
                last_apply = self._last_apply
                ready = self._ready
            try:
                self._send(items, ready)
            except Exception:  # a bug here must not stop the live map for good
                log.exception("map: building a batch failed; going on")
            due = self._next_due(last_apply)

    def _send(self, items: list[tuple[str, Any]], ready: bool) -> None:
        builder = self.builder
        for kind, item in items:
            if kind == "delta":
                builder.merge(item)
            elif kind == "resync":
                builder.resync()
            else:  # a command: what came before it goes first
                text = builder.build()
                if text is not None:
                    self.outgoing.emit(BATCH, text)
                self.outgoing.emit(COMMAND, item)
        if not ready:  # keep merging; the page gets it all once it is ready
            return
        text = builder.build()
        if text is not None:
            self.outgoing.emit(BATCH, text)

    def _next_due(self, last_apply: float) -> float:
        """The next flush: 0.8 to 1.8 intervals from now (2-5 Hz), half an interval off the applies."""
        now = time.monotonic()
        if not last_apply:
            return now + self.interval
        phase = (now - last_apply) % self.interval
        wait = (self.interval / 2 - phase) % self.interval
        while wait < 0.8 * self.interval:
            wait += self.interval
        return now + wait
