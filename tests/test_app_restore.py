"""A console restart does not lose open tickets: ``TicketBook.restore`` and the store's reload.

Real pipelines on a simulated clock, a real store on a temporary SQLite file, the workflow's
``TicketActions`` for the officer's acknowledgement.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pytest

from desktop.app_backend import Backend
from desktop.ingest.broker import BrokerAddress
from desktop.ingest.localbroker import LocalMosquitto, mosquitto_available
from desktop.models.ticket import Ticket, TicketStatus
from desktop.sim.publish import MqttPublisher
from desktop.store.api import Store
from desktop.store.audit import verify
from desktop.store.mirror_resolve import load_ticket
from desktop.store.reload import load_open_tickets
from desktop.workflow.actions import TicketActions
from tests.helpers import CONTAINER_2, IN_ORIGIN, ROSTER, SITES, Harness, route
from tests.workflow_support import MID, OFFICER, seal_broken

CONSOLE = "console-kl-01"
ORDER_2 = {"container_no": CONTAINER_2, "seal_id": "VS-2", "seal_type": "active"}


def two_seal_cuts() -> Harness:
    """ORD-1 and ORD-2 depart and each has its seal cut: two open A06 tickets."""
    h = seal_broken()
    h.order("ORD-2", obu_id="OBU-2", containers=[ORDER_2])
    h.fix(1, *IN_ORIGIN, obu_id="OBU-2", speed=0)
    h.event(2, "sealed", seal_id="VS-2", order_no="ORD-2")
    h.status(2.5, seal_id="VS-2", obu_id="OBU-2", pos=IN_ORIGIN)
    h.fix(3, *route(10)[0], obu_id="OBU-2")
    h.fix(4, *MID, obu_id="OBU-2")
    h.status(4.5, seal_id="VS-2", obu_id="OBU-2", pos=MID, pin="cut")
    return h


def ticket_of(h: Harness, order_no: str) -> Ticket:
    return next(t for t in h.pipeline.book.tickets.values() if t.order_no == order_no)


def history(t: Ticket) -> list[tuple[int, str, str, dict[str, object]]]:
    return [(e.seq, e.kind, e.actor, dict(e.data)) for e in t.events]


def cut_again(h: Harness, start: float = 20) -> None:
    """After the restart the field re-sends ORD-1's order and its seal is reported cut again."""
    dep = h.depart_active(start=start)
    h.fix(dep + 1, *MID)
    h.status(dep + 1.5, pos=MID, pin="cut")


# -- the ticket book alone ---------------------------------------------------------------------------


def test_restored_tickets_take_later_findings_of_their_episode() -> None:
    first = seal_broken()
    before = ticket_of(first, "ORD-1")
    h = Harness()
    calls: list[str] = []
    h.pipeline.book.subscribe(lambda change, t: calls.append(change))
    assert h.pipeline.book.restore([before]) == [before]
    assert calls == []  # restoring is not a change anyone must hear of
    assert h.pipeline.book.is_restored(before.id)
    assert h.pipeline.book.open_ticket("A06", "ORD-1", "VS-1") is before
    cut_again(h)
    a06 = [t for t in h.pipeline.book.tickets.values() if t.code == "A06"]
    assert a06 == [before]  # no second ticket for the same episode
    assert before.occurrences == 2
    assert h.pipeline.book.restore([before]) == []  # already there: skipped


def test_a_rebuild_never_withdraws_a_restored_ticket() -> None:
    """The re-sent orders make the pipeline re-derive their fold tickets from what it holds,
    which no longer includes the messages that raised the restored ones."""
    h = Harness()
    restored = h.pipeline.book.restore(two_seal_cuts().pipeline.book.tickets.values())
    cut_again(h)  # ORD-1 re-derived, with new evidence
    h.order("ORD-2", obu_id="OBU-2", containers=[ORDER_2])  # ORD-2 re-derived, with none
    assert h.pipeline.book.withdrawn == []
    assert sorted(h.pipeline.book.tickets) == sorted(t.id for t in restored)
    assert all(e.kind != "withdrawn" for t in restored for e in t.events)
    assert ticket_of(h, "ORD-1").occurrences == 2 and ticket_of(h, "ORD-2").occurrences == 1


# -- through the store -------------------------------------------------------------------------------


def first_run(db: Path) -> dict[str, Ticket]:
    """Raise two tickets, store them as ingest does, the officer acknowledges ORD-1's; close."""
    store = Store.open(str(db), console_id=CONSOLE)
    h = Harness()
    changed: dict[str, Ticket] = {}
    h.pipeline.book.subscribe(lambda change, t: changed.__setitem__(t.id, t))
    seal_broken(h)
    h.order("ORD-2", obu_id="OBU-2", containers=[ORDER_2])
    h.fix(1, *IN_ORIGIN, obu_id="OBU-2", speed=0)
    h.event(2, "sealed", seal_id="VS-2", order_no="ORD-2")
    h.fix(4, *MID, obu_id="OBU-2")
    h.status(4.5, seal_id="VS-2", obu_id="OBU-2", pos=MID, pin="cut")
    store.persist_tickets(list(changed.values()))
    book = h.pipeline.book
    actions = TicketActions(
        book.tickets.get, threading.Lock(), user=OFFICER, persist=store.persist_ticket, clock=h.clock.now
    )
    actions.acknowledge(ticket_of(h, "ORD-1").id)
    store.close()
    return {t.id: t for t in book.tickets.values()}


def test_a_restart_brings_back_the_open_tickets_with_their_history(tmp_path: Path) -> None:
    db = tmp_path / "console.sqlite3"
    before = first_run(db)
    assert len(before) == 2

    store = Store.open(str(db), console_id=CONSOLE)
    try:
        h = Harness()
        restored = h.pipeline.book.restore(load_open_tickets(store))
        assert {t.id for t in restored} == set(before)
        for t in restored:
            old = before[t.id]
            assert history(t) == history(old)
            assert (t.status, t.severity, t.order_no, t.subject, t.occurrences, t.raised_at) == (
                old.status, old.severity, old.order_no, old.subject, old.occurrences, old.raised_at,
            )  # fmt: skip
        acknowledged = ticket_of(h, "ORD-1")
        assert acknowledged.status is TicketStatus.ACKNOWLEDGED
        assert (
            acknowledged.events[-1].kind == "acknowledged"
            and acknowledged.events[-1].actor == OFFICER.username
        )
        assert ticket_of(h, "ORD-2").status is TicketStatus.OPEN

        cut_again(h)  # new messages fold into the same episode
        assert sorted(h.pipeline.book.tickets) == sorted(before)
        assert acknowledged.occurrences == 2

        # the next person's action continues the history and the chain
        acknowledged.dispatch(OFFICER.username, h.clock.now())
        store.persist_ticket(acknowledged)
        with store.read() as conn:
            kinds = conn.exec_driver_sql(
                "SELECT seq, kind, actor FROM ticket_events WHERE ticket_id = ? ORDER BY seq",
                (acknowledged.id,),
            ).all()
        assert [tuple(r) for r in kinds] == [
            (1, "raised", "system"),
            (2, "acknowledged", OFFICER.username),
            (3, "dispatched", OFFICER.username),
        ]
        result = verify(store.engine)
        assert result.ok, result.problem
    finally:
        store.close()


def test_a_stored_ticket_reads_back_whole_whatever_its_status(tmp_path: Path) -> None:
    """What conflict resolution reads when the console holds no live copy (the restart's reader)."""
    store = Store.open(str(tmp_path / "c.sqlite3"), console_id=CONSOLE)
    try:
        h = two_seal_cuts()
        one, two = ticket_of(h, "ORD-1"), ticket_of(h, "ORD-2")
        one.auto_close(h.clock.now(), h.clock.now(), "test: trip completed")
        store.persist_tickets([one, two])
        with store.read() as conn:
            for ticket in (one, two):
                read = load_ticket(conn, CONSOLE, ticket.id)
                assert read is not None and asdict(read) == asdict(ticket)  # Ticket compares by identity
            assert load_ticket(conn, CONSOLE, "A06-not-stored") is None
            elsewhere = load_ticket(conn, "console-other", one.id)  # another console's events are not its own
        assert elsewhere is not None and elsewhere.events == [] and elsewhere.status is TicketStatus.CLOSED
    finally:
        store.close()


def test_closed_and_withdrawn_tickets_stay_in_the_store_only(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "c.sqlite3"), console_id=CONSOLE)
    try:
        h = two_seal_cuts()
        one, two = ticket_of(h, "ORD-1"), ticket_of(h, "ORD-2")
        one.auto_close(h.clock.now(), h.clock.now(), "test: trip completed")
        two.withdraw(h.clock.now(), "test: no longer supported")
        store.persist_tickets([one, two])
        assert load_open_tickets(store) == []
        one.reopen(h.clock.now(), "test: later evidence")
        store.persist_ticket(one)
        assert [t.id for t in load_open_tickets(store)] == [one.id]
        other = Store(store.engine, "console-other")  # a console that never had it does not take it
        assert load_open_tickets(other) == []
    finally:
        store.close()


def test_the_backend_restores_before_ingest_and_the_ticket_feed_starts_with_them(tmp_path: Path) -> None:
    db = tmp_path / "console.sqlite3"
    before = first_run(db)
    store = Store.open(str(db), console_id=CONSOLE)
    backend = Backend(SITES, ROSTER, store=store)
    try:
        backend.prepare()
        assert sorted(t.id for t in backend.restored) == sorted(before)
        assert backend.ticket_feed is not None
        items = backend.ticket_feed.drain()
        assert {i.row.id: i.change for i in items} == dict.fromkeys(before, "loaded")
        assert {i.row.id: str(i.row.status) for i in items} == {
            tid: str(t.status) for tid, t in before.items()
        }
    finally:
        backend.stop()
        store.close()


# -- through a real broker: commit-before-ack ingest, then a restart ----------------------------------


class Recorder(Harness):
    """Builds the same messages as the harness and keeps them (topic, payload) to publish."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.sent: list[tuple[str, bytes]] = []

    def send(self, topic: str, payload: dict[str, object] | bytes | str, at: float | None = None) -> str:
        raw = json.dumps(payload).encode() if isinstance(payload, dict) else payload
        self.sent.append((f"jmc/v1/{self.region}/{topic}", raw if isinstance(raw, bytes) else raw.encode()))
        return "sent"


def publish(url: str, messages: list[tuple[str, bytes]]) -> None:
    publisher = MqttPublisher(
        BrokerAddress.parse(url), client_id="restart-test-field", stop=threading.Event()
    )
    publisher.connect()
    for topic, payload in messages:
        assert publisher.send(topic, payload)
    assert publisher.flush(10)
    publisher.close()


def wait(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.skipif(not mosquitto_available(), reason="no mosquitto")
def test_a_console_restart_on_a_real_broker_keeps_its_open_tickets(tmp_path: Path) -> None:
    db = str(tmp_path / "console.sqlite3")
    field = Recorder()
    seal_broken(field)
    first_messages = list(field.sent)
    with LocalMosquitto() as broker:
        store = Store.open(db, console_id=CONSOLE)
        backend = Backend(SITES, ROSTER, store=store, broker_url=broker.url)
        backend.prepare()
        backend.start()
        try:
            wait(lambda: backend.service is not None and backend.service.link.connected)
            publish(broker.url, first_messages)
            wait(lambda: any(t.code == "A06" for t in load_open_tickets(store)))
            assert backend.service is not None and backend.writer is not None
            actions = TicketActions.for_service(backend.service, persist=backend.writer.persist, user=OFFICER)
            [a06_id] = [t.id for t in load_open_tickets(store) if t.code == "A06"]
            actions.acknowledge(a06_id)
        finally:
            backend.stop()
            store.close()

        store = Store.open(db, console_id=CONSOLE)
        backend = Backend(SITES, ROSTER, store=store, broker_url=broker.url)
        try:
            backend.prepare()
            restored = {t.id: t for t in backend.restored}
            assert restored[a06_id].status is TicketStatus.ACKNOWLEDGED
            assert [e.kind for e in restored[a06_id].events] == ["raised", "acknowledged"]
            backend.start()
            wait(lambda: backend.service is not None and backend.service.link.connected)
            field.sent.clear()
            cut_again(field)
            publish(broker.url, field.sent)
            wait(lambda: restored[a06_id].occurrences == 2)
            with backend.lock:
                a06s = [t.id for t in backend.pipeline.book.tickets.values() if t.code == "A06"]
            assert a06s == [a06_id]
            wait(lambda: [t.occurrences for t in load_open_tickets(store) if t.id == a06_id] == [2])
        finally:
            backend.stop()
            store.close()
