"""After a restart from the message journal, a trip's timers still fire (OBU silence A05, overdue
A09), and pruning removes retired trips' messages (and old unattributed ones) only."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from desktop.models.ticketbook import TicketBook
from desktop.store.api import Store
from desktop.store.journal import iter_journal, journal_count, prune_journal
from tests.helpers import IN_DEST, Harness, T
from tests.journal_support import (
    Console,
    tickets_of,
    trips_of,
)

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
