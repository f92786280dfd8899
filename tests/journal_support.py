"""Helpers of the message journal tests: a console played in-process on a simulated clock
(pipeline + store + ingest recorder), officers' actions, and comparable views of the result."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from desktop.models.clock import SimulatedClock
from desktop.models.config import RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.models.ticket import Action, Evidence, Role, Ticket, TicketStatus
from desktop.models.ticketbook import TicketBook
from desktop.store.api import Store
from desktop.store.ingest_writer import IngestRecorder
from desktop.store.journal_replay import RestoreReport, restore_pipeline
from desktop.store.tickets_io import snapshot
from tests.helpers import ROSTER, SITES
from tests.scenario_gen import Message

CONSOLE = "console-journal"
OFFICER, CHIEF = "lin.officer", "chen.section"


class Console:
    """A console without a broker: pipeline, ingest recorder and store, as the ingest service
    wires them (ingest and record under the lock; ``flush`` commits, then acknowledges).
    A new one over an existing store restarts the way the app does."""

    def __init__(self, store: Store, start: float) -> None:
        self.store = store
        self.clock = SimulatedClock(start)
        self.pipeline = Pipeline(SITES, ROSTER, RuleConfig.load(), self.clock)
        self.report: RestoreReport = restore_pipeline(store, self.pipeline)
        self.lock = threading.Lock()
        self.acked: list[int] = []
        self.recorder = IngestRecorder(store, self.pipeline, self.lock, self.acked.extend, prune_every_s=None)
        with self.lock:
            self.recorder.adopt(self.pipeline.trips.values())
            self.pipeline.advance()  # timers that fell due while "down"

    def deliver(self, token: int, at: float, topic: str, raw: bytes) -> str:
        with self.lock:
            self.clock.advance_to(at)
            self.pipeline.advance()  # the housekeeping thread's job
            result = self.pipeline.ingest(topic, raw)
            self.recorder.record(topic, raw, result, token)
        return result

    def act(self, at: float, action: Callable[[TicketBook, float], Ticket | None]) -> str | None:
        """An officer's action at console time ``at``, stored as the ticket writer stores it."""
        self.recorder.flush()
        with self.lock:
            self.clock.advance_to(at)
            self.pipeline.advance()
            ticket = action(self.pipeline.book, self.clock.now())
            copy = None if ticket is None else snapshot(ticket)
        if copy is not None:
            self.store.persist_ticket(copy)
        return None if copy is None else copy.id


def acknowledge_first_open(book: TicketBook, now: float) -> Ticket | None:
    for ticket in sorted(book.tickets.values(), key=lambda t: t.id):
        if ticket.status is TicketStatus.OPEN:
            ticket.acknowledge(OFFICER, now)
            return ticket
    return None


def sign_off_busiest(book: TicketBook, now: float) -> Ticket | None:
    """The whole disposition of the open ticket with the most findings so far (its episode is
    likely to go on: a later finding then opens a new ticket), closed by a section chief."""
    for ticket in sorted(book.tickets.values(), key=lambda t: (-t.occurrences, t.id)):
        if ticket.status is TicketStatus.OPEN and not ticket.escalated:
            ticket.acknowledge(OFFICER, now)
            ticket.record_action(OFFICER, Action.CONTACT_HAULIER, now, "called the haulier")
            ticket.record_findings(OFFICER, "driver stopped for fuel; seal intact", now)
            ticket.record_evidence(OFFICER, Evidence(system_images=True), now)
            ticket.submit_for_signoff(OFFICER, now)
            if ticket.required_level > Role.SECTION_CHIEF:
                continue
            ticket.sign_off(CHIEF, Role.SECTION_CHIEF, now, reauthenticated=True, seen="0" * 64)
            return ticket
    return None


Actions = dict[int, Callable[[TicketBook, float], Ticket | None]]


def feed(
    console: Console,
    messages: Sequence[Message],
    start: int,
    stop: int,
    actions: Actions,
    flush_every: int = 23,
) -> None:
    """Deliver ``messages[start:stop]`` (token = index), flushing every ``flush_every``; after
    message ``k`` in ``actions``, that officer's action (taken out of ``actions``), between ``k``
    and ``k + 1``."""
    for k in range(start, stop):
        at, topic, raw = messages[k]
        console.deliver(k, at, topic, raw)
        if (k + 1) % flush_every == 0:
            console.recorder.flush()
        if k in actions:  # once: an officer does not act again on messages delivered again
            console.act(_between(messages, k), actions.pop(k))


def _between(messages: Sequence[Message], k: int) -> float:
    later = next(m[0] for m in messages[k + 1 :] if m[0] > messages[k][0])
    return (messages[k][0] + later) / 2


def action_points(messages: Sequence[Message], *fractions: float) -> list[int]:
    """Indices near these fractions of the traffic after which the clock moves on."""
    points = []
    for f in fractions:
        k = int(len(messages) * f)
        while messages[k + 1][0] <= messages[k][0]:
            k += 1
        points.append(k)
    return points


# -- comparing runs ------------------------------------------------------------------------------------


def tickets_of(book: TicketBook) -> dict[str, tuple[Any, ...]]:
    return {
        t.id: (
            t.code,
            str(t.status),
            str(t.severity),
            t.order_no,
            t.occurrences,
            t.first_seen,
            t.last_seen,
            t.assignee,
            t.findings,
            tuple(t.actions),
            [(e.seq, e.kind, e.at, e.actor) for e in t.events],
        )
        for t in book.tickets.values()
    }


def ticket_key(t: Ticket) -> tuple[str, str | None, str]:
    return (t.code, t.order_no, t.subject)


def trips_of(pipeline: Pipeline) -> dict[str, tuple[Any, ...]]:
    return {
        n: (
            t.phase,
            t.progress.milestones(),
            dict(t.progress.seals),
            dict(t.scheduled),
            [key for key, _ in t.log],
            t.ended_at,
        )
        for n, t in pipeline.trips.items()
    }


def stored(db: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with sqlite3.connect(db) as conn:
        tickets = conn.execute(
            "SELECT id, code, status, occurrences, first_seen, last_seen, events_stored"
            " FROM tickets ORDER BY id"
        ).fetchall()
        events = conn.execute(
            "SELECT ticket_id, seq, kind, at, actor FROM ticket_events ORDER BY ticket_id, seq"
        ).fetchall()
    return tickets, events
