"""The message journal and the restart it makes exact (no broker: the ingest service's part is
played in-process on a simulated clock, so whole runs can be compared field by field).

* what is journaled (accepted only, in order, with the clock reading), in the batch's transaction;
* crash → restart from the store → the rest of the traffic: trips, timers and tickets (ids,
  status, counters, histories) equal an uninterrupted run's, in memory and in the store, with
  officers' actions taken mid-stream.

Timers after a restart and pruning: tests/test_store_journal_timers.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop.models.ticket import TicketStatus
from desktop.store.api import Store
from desktop.store.audit import verify
from desktop.store.journal import iter_journal, journal_count
from tests.journal_support import (
    CONSOLE,
    Actions,
    Console,
    acknowledge_first_open,
    action_points,
    feed,
    sign_off_busiest,
    stored,
    ticket_key,
    tickets_of,
    trips_of,
)
from tests.pgdb import temp_database
from tests.scenario_gen import scenario

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
    assert [t for t in book.tickets.values() if ticket_key(t) == ticket_key(signed) and t is not signed]
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
