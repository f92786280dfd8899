"""The GUI-thread poller: every 250 ms it asks the live feed what changed and hands it on.

Ingestion runs on the ingest service's threads; this timer only drains the feed (a brief hold
of the pipeline lock), so the GUI never processes messages itself.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.live.feed import LiveFeed
from desktop.live.views import FeedDelta

log = logging.getLogger(__name__)


class LivePoller(QObject):
    """Emits :attr:`delta` with each non-empty :class:`FeedDelta`."""

    delta = Signal(object)  # FeedDelta

    def __init__(self, feed: LiveFeed, interval_ms: int = 250, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.feed = feed
        self.errors = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll_now)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def poll_now(self) -> FeedDelta | None:
        """Poll once (the timer calls this); return the delta handed on, if any."""
        try:
            delta = self.feed.poll()
        except Exception:  # a bug in building views must not take the window down
            self.errors += 1
            log.exception("live feed poll failed; going on")
            return None
        if delta.changed or delta.removed or delta.trail:
            self.delta.emit(delta)
            return delta
        return None
