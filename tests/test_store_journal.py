"""The message journal and the restart it makes exact (no broker: the ingest service's part is
played in-process on a simulated clock, so whole runs can be compared field by field).

* what is journaled (accepted only, in order, with the clock reading), in the batch's transaction;
* crash → restart from the store → the rest of the traffic: trips, timers and tickets (ids,
  status, counters, histories) equal an uninterrupted run's, in memory and in the store, with
  officers' actions taken mid-stream;
* timers of a trip (OBU silence A05, overdue A09) fire after a restart;
* pruning removes retired trips' messages (and old unattributed ones) only.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from desktop.models.clock import SimulatedClock
from desktop.models.config import RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.models.ticket import Action, Evidence, Role, Ticket, TicketStatus
from desktop.models.ticketbook import TicketBook
from desktop.store.api import Store
from desktop.store.audit import verify
from desktop.store.ingest_writer import IngestRecorder
from desktop.store.journal import iter_journal, journal_count, prune_journal
from desktop.store.journal_replay import RestoreReport, restore_pipeline
from desktop.store.tickets_io import snapshot
from tests.helpers import IN_DEST, ROSTER, SITES, Harness, T
from tests.pgdb import temp_database
from tests.scenario_gen import Message, scenario

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


def _key(t: Ticket) -> tuple[str, str | None, str]:
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


@pytest.fixture
def open_store(tmp_path: Path) -> Callable[[str], Store]:
    opened: list[Store] = []

    def open_(name: str) -> Store:
        store = Store.open(str(tmp_path / f"{name}.sqlite3"), console_id=CONSOLE)
        opened.append(store)
        return store

    yield open_  # type: ignore[misc]
    for store in opened:
        store.engine.dispose()


# -- what goes into the journal -----------------------------------------------------------------------


def test_accepted_messages_are_journaled_in_order_with_their_clock_reading(
    open_store: Callable[[str], Store],
) -> None:
    store = open_store("j")
    messages = scenario(5, trips=4)[:200]
    console = Console(store, messages[0][0])
    results = [console.deliver(k, at, topic, raw) for k, (at, topic, raw) in enumerate(messages)]
    at, topic, raw = messages[10]
    assert console.deliver(900, at + 1, topic, raw) == "duplicate"  # same device and seq
    assert console.deliver(901, at + 1, "jmc/v1/keelung/obu/OBU-1/telemetry", b"{not json") == "rejected"
    console.recorder.flush()
    assert results == ["accepted"] * len(messages)
    rows = list(iter_journal(store, chunk=64))  # several read chunks
    assert [(r.received_at, r.topic, r.payload) for r in rows] == [(m[0], m[1], m[2]) for m in messages]
    assert [r.id for r in rows] == sorted(r.id for r in rows)
    assert store.journal_count() == len(messages)
    assert store.quarantine_count() == 1
    assert sorted(console.acked) == [*range(len(messages)), 900, 901]


def test_journal_rows_are_committed_with_the_rest_of_the_batch_or_not_at_all(
    open_store: Callable[[str], Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store("j")
    messages = scenario(5, trips=4)[:60]
    console = Console(store, messages[0][0])
    for k, (at, topic, raw) in enumerate(messages):
        console.deliver(k, at, topic, raw)

    def fail(*_: object) -> None:
        raise RuntimeError("disk full")

    # track points and quarantine rows are written after the journal rows, in the same transaction
    monkeypatch.setattr("desktop.store.ingest_writer.insert_ignore", fail)
    with pytest.raises(RuntimeError):
        console.recorder.flush()
    with store.read() as conn:
        assert journal_count(conn) == 0
    assert console.acked == []
    monkeypatch.undo()
    assert console.recorder.flush() == len(messages)  # the same batch, retried
    with store.read() as conn:
        assert journal_count(conn) == len(messages)


# -- crash, restart, the rest: the same as never stopping ---------------------------------------------


def test_a_console_crashed_twice_ends_exactly_as_one_that_never_stopped(
    open_store: Callable[[str], Store], tmp_path: Path
) -> None:
    messages = scenario(23, trips=14)
    ack_at, sign_at, ack2_at = action_points(messages, 0.3, 0.45, 0.7)
    actions: Actions = {
        ack_at: acknowledge_first_open,
        sign_at: sign_off_busiest,
        ack2_at: acknowledge_first_open,
    }
    reference = Console(open_store("reference"), messages[0][0])
    feed(reference, messages, 0, len(messages), dict(actions))
    reference.recorder.flush()

    store = open_store("crashed")
    console = Console(store, messages[0][0])
    crashes = [int(len(messages) * 0.4) + 5, int(len(messages) * 0.8) + 11]
    start = 0
    for cut in [*crashes, len(messages)]:
        feed(console, messages, start, cut, actions)
        if cut == len(messages):
            break
        # crash: the pending batch is lost; the broker delivers again what was not acknowledged
        # (and a few that were: a kill between commit and acknowledgement)
        first_unacked = min(set(range(cut)) - set(console.acked))
        assert first_unacked < cut  # something was in flight
        start = max(0, first_unacked - 4)
        console = Console(store, messages[first_unacked][0])
        assert console.report.replayed >= first_unacked
    console.recorder.flush()

    book = console.pipeline.book
    assert any(t.status is TicketStatus.ACKNOWLEDGED for t in book.tickets.values())
    [signed] = [t for t in book.tickets.values() if t.resolution == "signed_off"]
    # the episode went on after the sign-off: a second ticket, which the replay must not fold
    # into the signed-off one (officers' actions are replayed at their time)
    assert [t for t in book.tickets.values() if _key(t) == _key(signed) and t is not signed]
    assert tickets_of(console.pipeline.book) == tickets_of(reference.pipeline.book)
    assert trips_of(console.pipeline) == trips_of(reference.pipeline)
    assert console.pipeline.duplicates > 0  # the redelivered ones were recognised
    assert stored(tmp_path / "crashed.sqlite3") == stored(tmp_path / "reference.sqlite3")
    result = verify(store.engine)
    assert result.ok, result.problem


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        store = Store.open(str(tmp_path / "j.sqlite3"), console_id=CONSOLE)
        yield store
        store.engine.dispose()
        return
    with temp_database("jmc_journal") as url:
        store = Store.open(url, console_id=CONSOLE)
        yield store
        store.engine.dispose()


def test_restart_after_a_clean_stop_reproduces_trips_and_tickets(any_store: Store) -> None:
    store = any_store
    messages = scenario(23, trips=10)
    first = Console(store, messages[0][0])
    feed(first, messages, 0, len(messages), {})
    first.recorder.flush()
    again = Console(store, messages[-1][0])
    assert again.report.replayed == len(messages)
    assert again.report.stored_new == 0  # nothing derived that the store did not have
    assert tickets_of(again.pipeline.book) == tickets_of(first.pipeline.book)
    assert trips_of(again.pipeline) == trips_of(first.pipeline)
    assert {t.id for t in again.report.open_tickets} == {
        t.id for t in first.pipeline.book.tickets.values() if not t.is_closed
    }


# -- timers ------------------------------------------------------------------------------------------


class Journaled(Harness):
    """A harness whose messages go through a :class:`Console` (recorded and committed)."""

    def use(self, console: Console) -> None:
        self.console = console
        self.clock = console.clock
        self.pipeline = console.pipeline
        self.token = 0

    def send(self, topic: str, payload: dict[str, Any] | bytes | str, at: float | None = None) -> str:
        import json

        raw = json.dumps(payload).encode() if isinstance(payload, dict) else payload
        raw = raw.encode() if isinstance(raw, str) else raw
        when = T(at) if at is not None else self.clock.now()
        self.token += 1
        result = self.console.deliver(self.token, when, f"jmc/v1/{self.region}/{topic}", raw)
        self.console.recorder.flush()
        return result


def departed_then_silent(store: Store) -> Journaled:
    """ORD-1 (deadline 60 min after departure) departs at minute 3; its OBU reports until 6."""
    h = Journaled()
    h.use(Console(store, T(0)))
    dep = h.depart_active()
    h.fix(dep + 1, 25.13, 121.755)
    h.fix(dep + 3, 25.128, 121.757)
    return h


def _codes(book: TicketBook) -> dict[str, str]:
    return {t.code: t.id for t in book.tickets.values()}


@pytest.mark.parametrize("restart_at", [7.0, 70.0], ids=["restart-before-due", "restart-after-due"])
def test_a_trips_timers_fire_after_a_restart(open_store: Callable[[str], Store], restart_at: float) -> None:
    """A05 (OBU silent 5 min, console clock) is due at minute 11, A09 (overdue) at 63: both
    fire whether the console comes back before they are due or after, with the ids an
    uninterrupted console gives them."""
    reference = departed_then_silent(open_store("reference"))
    store = open_store("j")
    crashed = departed_then_silent(store)
    assert "A05" not in _codes(crashed.pipeline.book)
    del crashed  # crash
    console = Console(store, T(restart_at))
    assert set(console.pipeline.trips) == {"ORD-1"}
    assert console.pipeline.trips["ORD-1"].scheduled  # the timers are back
    with console.lock:
        console.clock.advance_to(T(75))
        console.pipeline.advance()
    reference.at(75)
    fired = _codes(console.pipeline.book)
    assert {"A05", "A09"} <= set(fired)
    assert fired == _codes(reference.pipeline.book)
    console.recorder.flush()
    with store.read() as conn:
        codes = {c for (c,) in conn.exec_driver_sql("SELECT code FROM tickets")}
    assert {"A05", "A09"} <= codes


# -- pruning -----------------------------------------------------------------------------------------


def test_pruning_removes_retired_trips_messages_and_old_strays_only(
    open_store: Callable[[str], Store],
) -> None:
    store = open_store("j")
    h = Journaled()
    h.use(Console(store, T(0)))
    h.fix(0.5, 25.13, 121.75, obu_id="OBU-STRAY")  # a vehicle no order names
    h.depart_active()  # ORD-1 ...
    h.drive(3, points=6)
    h.arrive_and_unseal(12)  # ... completes at minute 12.5
    other = [{"container_no": "TGHU1234567", "seal_id": "VS-2", "seal_type": "active"}]
    h.order("ORD-2", minutes=1, obu_id="OBU-2", containers=other)  # still under way a day later
    h.fix(2, 25.13, 121.755, obu_id="OBU-2")
    with store.read() as conn:
        before = journal_count(conn)
    ord1 = {(k[2], k[3]) for k, _ in h.pipeline.trips["ORD-1"].log}
    day = 24 * 60
    h.fix(day + 14, 25.125, 121.76, obu_id="OBU-2")  # ORD-1 retired (ended 24 h ago) by now
    h.fix(day + 14.5, 25.13, 121.75, obu_id="OBU-STRAY")  # a fresh stray
    assert "ORD-1" not in h.pipeline.trips and "ORD-2" in h.pipeline.trips
    live = trips_of(h.pipeline)

    deleted = prune_journal(store, h.pipeline, h.console.lock)
    rows = list(iter_journal(store))
    kept = {(r.topic.split("/")[3], r.topic.split("/")[4]) for r in rows}
    assert deleted == before - 2  # everything old but ORD-2's order and fix
    assert kept == {("order", "ORD-2"), ("obu", "OBU-2"), ("obu", "OBU-STRAY")}
    assert len(rows) == 4 and [r.received_at for r in rows if "STRAY" in r.topic] == [T(day + 14.5)]
    assert len(ord1) > 10
    assert prune_journal(store, h.pipeline, h.console.lock) == 0  # nothing else is due

    restarted = Console(store, T(day + 15))  # the pruned journal still rebuilds the live trip
    assert trips_of(restarted.pipeline) == live


def test_a_message_that_came_after_its_trip_retired_stays_unattributed_after_a_restart(
    open_store: Callable[[str], Store],
) -> None:
    """The replay retires trips when the live console did (housekeeping's ``advance`` before
    each message), so a late message of a retired trip raises nothing on replay either."""
    store = open_store("j")
    h = Journaled()
    h.use(Console(store, T(0)))
    h.depart_active()
    h.drive(3, points=6)
    h.arrive_and_unseal(12)
    assert h.pipeline.trips["ORD-1"].phase == "completed"
    day = 24 * 60
    # a day later the seal reports, about minute 10 (in transit then), that its pin was cut
    h.clock.advance_to(T(day + 13))
    h.status(10, pin="cut", pos=IN_DEST, at=day + 13)
    assert "ORD-1" not in h.pipeline.trips
    before = tickets_of(h.pipeline.book)
    assert "A06" not in {t.code for t in h.pipeline.book.tickets.values()}

    restarted = Console(store, T(day + 14))
    assert "ORD-1" not in restarted.pipeline.trips
    assert tickets_of(restarted.pipeline.book) == before


def test_a_ticket_from_before_the_journal_keeps_taking_its_episode_and_is_not_counted_twice(
    open_store: Callable[[str], Store],
) -> None:
    """Run 1 (no journal: an older console) stored an A06; run 2 restored it and folded a second
    cut into it from journaled messages; run 3 must hold it from the start of the replay (or the
    replayed cut would open a second ticket), and must not count that cut again."""
    from tests.workflow_support import MID, seal_broken

    store = open_store("j")
    first = seal_broken()  # on its own pipeline: nothing journaled
    store.persist_tickets(list(first.pipeline.book.tickets.values()))
    [a06] = [t.id for t in first.pipeline.book.tickets.values() if t.code == "A06"]

    h = Journaled()
    h.use(Console(store, T(10)))
    assert [t.id for t in h.console.report.pre_restored] == [a06]
    dep = h.depart_active(start=20)  # the order comes again, the seal is cut again
    h.fix(dep + 1, *MID)
    h.status(dep + 1.5, pos=MID, pin="cut")
    assert [t.id for t in h.pipeline.book.tickets.values() if t.code == "A06"] == [a06]
    assert h.pipeline.book.tickets[a06].occurrences == 2
    h.at(30)  # where the restart below takes up (the OBU has been silent long enough for A05)
    h.console.recorder.flush()
    second = tickets_of(h.pipeline.book)

    third = Console(store, T(30))
    assert [t.id for t in third.report.pre_restored] == [a06]
    assert third.report.replayed > 0
    assert tickets_of(third.pipeline.book) == second
    assert third.report.stored_new == 0


def test_the_ingest_writer_prunes_the_journal_on_its_own(open_store: Callable[[str], Store]) -> None:
    store = open_store("j")
    h = Journaled()
    h.use(Console(store, T(0)))
    h.depart_active()
    h.drive(3, points=6)
    h.arrive_and_unseal(12)
    h.fix(24 * 60 + 14, 25.13, 121.75, obu_id="OBU-STRAY")  # a day later: ORD-1 retired
    assert "ORD-1" not in h.pipeline.trips
    recorder = h.console.recorder
    recorder.prune_every_s = 0.05
    recorder.start()
    try:
        deadline = time.monotonic() + 20
        while store.journal_count() > 1 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        recorder.stop()
    assert [r.topic for r in iter_journal(store)] == ["jmc/v1/keelung/obu/OBU-STRAY/telemetry"]
    assert recorder.pruned > 10
