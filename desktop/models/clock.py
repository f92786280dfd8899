"""Injectable clocks: every timer in the domain reads one of these, never the wall clock directly."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Source of the console's notion of "now" (epoch seconds)."""

    def now(self) -> float:
        """Return the current console time in epoch seconds."""
        ...


class SystemClock:
    """The real wall clock, for the live console."""

    def now(self) -> float:
        return time.time()


class SimulatedClock:
    """A clock that only moves when told to; replay and tests drive it.

    It never runs backwards: ``advance_to`` an earlier time is ignored.
    """

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance_to(self, t: float) -> None:
        """Move the clock forward to ``t`` (no-op if ``t`` is in the past)."""
        if t > self._now:
            self._now = t

    def advance_by(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``."""
        if seconds > 0:
            self._now += seconds
