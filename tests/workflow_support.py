"""Shared set-up for the workflow and ticket-panel tests: real pipelines raising real tickets."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from desktop.auth.accounts import AuthenticatedUser
from desktop.models.ticket import Ticket
from desktop.store.users_schema import UserRole
from desktop.workflow.actions import TicketActions
from desktop.workflow.feed import TicketFeed
from tests.helpers import Harness, route

MID = route(10)[5]

OFFICER = AuthenticatedUser(1, "lin.officer", "林值勤", UserRole.WATCH_OFFICER)
OFFICER_2 = AuthenticatedUser(2, "wang.officer", "王接班", UserRole.WATCH_OFFICER)
SECTION = AuthenticatedUser(3, "chen.section", "陳股長", UserRole.SECTION_CHIEF)
HEAD = AuthenticatedUser(4, "huang.head", "黃主管", UserRole.HEAD_OF_UNIT)
GATE = AuthenticatedUser(5, "gate.kl", "門哨", UserRole.GATE_OFFICER)


def seal_broken(h: Harness | None = None, *, order_no: str = "ORD-1") -> Harness:
    """A trip that departs and whose seal is then cut: one A06 (critical) ticket."""
    h = h or Harness()
    dep = h.depart_active()
    h.fix(dep + 1, *MID)
    h.status(dep + 1.5, pos=MID, pin="cut")
    return h


def seal_cut_and_power_off() -> Desk:
    """Two trips: ORD-1 with a cut seal (A06 critical) and power removed (A04 high); ORD-2 quiet."""
    d = Desk()
    seal_broken(d.harness)
    d.harness.fix(6, *MID, ext_power=False)
    return d


def a06(h: Harness) -> Ticket:
    return next(t for t in h.pipeline.book.tickets.values() if t.code == "A06")


@dataclass
class Desk:
    """A pipeline with a feed and actions, as the console wires them."""

    harness: Harness = field(default_factory=Harness)
    lock: threading.Lock = field(default_factory=threading.Lock)
    persisted: list[str] = field(default_factory=list)
    published: list[tuple[str, bytes, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        pipeline = self.harness.pipeline
        self.feed = TicketFeed.for_pipeline(pipeline)
        self.actions = TicketActions(
            pipeline.book.tickets.get,
            self.lock,
            user=OFFICER,
            feed=self.feed,
            persist=lambda t: self.persisted.append(t.id),
            publish=self._publish,
            console_id="console-1",
            trip_lookup=pipeline.trips.get,
            clock=self.harness.clock.now,
        )

    def _publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        self.published.append((topic, payload, retain))
