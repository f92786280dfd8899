"""What a rule is, and what it sees.

A *fold rule* observes a trip's messages in device-time order, after the trip tracker has
folded each one (:func:`desktop.models.trips.step`), and emits findings. Its per-trip state
lives in ``trip.progress.rule_state[code]`` so a rebuild starts it afresh. A *timer rule*
is checked when the console clock passes a time it asked for. Rules never read a clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from desktop.models.catalogue import Severity, handling_unit
from desktop.models.config import Thresholds
from desktop.models.sites import Roster, SiteIndex
from desktop.models.ticketbook import Finding
from desktop.models.trips import Progress, Trip
from desktop.models.validation import Envelope

Emit = Callable[[Finding], None]
Escalate = Callable[[str, str, str, Severity, str], None]


@dataclass(slots=True)
class RuleContext:
    """Everything a rule may consult for one trip."""

    trip: Trip
    limits: Thresholds
    sites: SiteIndex
    roster: Roster
    sink: Emit
    escalator: Escalate

    def emit(self, code: str, subject: str, ts: float, detail: str) -> None:
        """Report one piece of evidence for ``code`` on this trip."""
        trip = self.trip
        self.sink(
            Finding(
                code,
                trip.order_no,
                subject,
                ts,
                trip.region,
                detail,
                handling_unit(code, trip.origin.code, trip.dest.code),
            )
        )

    def escalate(self, code: str, subject: str, severity: Severity, reason: str) -> None:
        """Raise the severity of this trip's open ``code`` ticket on ``subject``."""
        self.escalator(code, self.trip.order_no, subject, severity, reason)

    def state(self, code: str, factory: Callable[[], Any]) -> Any:
        """This rule's per-trip fold state (reset when the trip is rebuilt).

        The value must have a ``copy()`` giving an independent copy (checkpoints use it): a
        dict or list of immutable values, or a small class that defines it.
        """
        store = self.trip.progress.rule_state
        try:
            return store[code]
        except KeyError:
            value = store[code] = factory()
            return value


class FoldRule(Protocol):
    """A rule evaluated on each message of a trip, in device-time order."""

    code: ClassVar[str]
    kinds: ClassVar[frozenset[str]]  # message kinds it wants; empty = every message

    def observe(self, ctx: RuleContext, env: Envelope, changed: Progress) -> None: ...


class TimerRule(Protocol):
    """A rule checked when the console clock reaches a time it asked for."""

    code: ClassVar[str]

    def next_due(self, ctx: RuleContext, heard: HeardLog, now: float) -> float | None:
        """The console time at which :meth:`check` should run next, or ``None``."""
        ...

    def check(self, ctx: RuleContext, heard: HeardLog, now: float) -> None:
        """Evaluate at console time ``now`` (the due time) and emit what is due."""
        ...


class HeardLog(Protocol):
    """When each device was last heard: console arrival time and latest device ts."""

    def heard_at(self, device: str) -> float | None: ...

    def last_ts(self, device: str) -> float | None: ...

    def heard_since(self, device: str) -> float | None:
        """Start of the device's current run of reports without a long silence."""
        ...
