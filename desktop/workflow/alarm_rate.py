"""Alarm rate per operator against EEMUA 191 (steady state: at most 1 alarm per 10 minutes)."""

from __future__ import annotations

from collections import deque
from typing import Final

EEMUA_LIMIT_PER_10_MIN: Final = 1.0


class AlarmRateMeter:
    """Annunciated alarms per ``per_s`` (10 min) per operator, averaged over ``window_s`` (1 h).

    Args:
        operators: officers on watch sharing the queue (the load divides among them).
    """

    def __init__(
        self,
        *,
        window_s: float = 3600.0,
        per_s: float = 600.0,
        operators: int = 1,
        limit: float = EEMUA_LIMIT_PER_10_MIN,
    ) -> None:
        if window_s <= 0 or per_s <= 0 or operators < 1:
            raise ValueError("window and period must be positive, operators at least 1")
        self.window_s = window_s
        self.per_s = per_s
        self.operators = operators
        self.limit = limit
        self._times: deque[float] = deque()

    def record(self, at: float) -> None:
        """One annunciated alarm (a raised ticket, or an escalation) at wall time ``at``."""
        self._times.append(at)

    def _trim(self, now: float) -> None:
        times = self._times
        while times and times[0] <= now - self.window_s:
            times.popleft()

    def count(self, now: float) -> int:
        self._trim(now)
        return sum(1 for t in self._times if t <= now)

    def rate(self, now: float) -> float:
        """Alarms per ``per_s`` per operator over the last ``window_s``."""
        return self.count(now) * self.per_s / self.window_s / self.operators

    def over_limit(self, now: float) -> bool:
        return self.rate(now) > self.limit
