"""Two consoles (two SQLite stores) fed the same messages through the real pipeline, mirrored
through one real PostgreSQL: one set of tickets upstream with one history of automatic events;
decisions taken apart show as the same CONFLICT on both; a supervisor's resolution converges."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from desktop.models.clock import SimulatedClock
from desktop.models.config import RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.models.ticket import SYSTEM, Evidence, Role, Ticket, TicketStatus
from desktop.store.api import Store
from desktop.store.audit import verify
from desktop.store.mirror import MirrorWorker
from desktop.store.mirror_conflicts import merge_stored
from desktop.store.mirror_pull import RemoteBatch
from desktop.store.mirror_resolve import ConflictError, apply_merged, list_conflicts, resolve_conflict
from tests.helpers import ROSTER, SITES
from tests.pgdb import temp_database
from tests.scenario_gen import scenario


@dataclass
class Console:
    """A console: pipeline on a simulated clock, its store, and its mirror worker."""

    name: str
    store: Store
    pipeline: Pipeline
    worker: MirrorWorker | None = None
    batches: list[RemoteBatch] = field(default_factory=list)

    @property
    def tickets(self) -> dict[str, Ticket]:
        return self.pipeline.book.tickets

    def on_remote(self, batch: RemoteBatch) -> None:
        """What the app does with pulled events: converge its live tickets and store them."""
        self.batches.append(batch)
        changed = [
            t for tid, m in batch.merged.items() if (t := self.tickets.get(tid)) and apply_merged(t, m)
        ]
        if changed:
            self.store.persist_tickets(changed)

    def act(self, ticket_id: str, steps: list[tuple[str, tuple[object, ...]]], now: float) -> Ticket:
        t = self.tickets[ticket_id]
        for method, args in steps:
            getattr(t, method)(*args, now=now)
            now += 1
        self.store.persist_ticket(t)
        return t


def feed(name: str, path: Path, messages: list[tuple[float, str, bytes]], offset: float) -> Console:
    clock = SimulatedClock(messages[0][0] + offset)
    pipeline = Pipeline(SITES, ROSTER, RuleConfig.load(), clock)
    store = Store.open(str(path / f"{name}.sqlite3"), console_id=name)
    changed: dict[str, Ticket] = {}
    pipeline.book.subscribe(lambda change, t: changed.__setitem__(t.id, t))
    for at, topic, raw in messages:
        clock.advance_to(at + offset)
        pipeline.advance()
        pipeline.ingest(topic, raw)
    clock.advance_by(3600)
    pipeline.advance()
    store.persist_tickets(list(changed.values()), now=clock.now())
    return Console(name, store, pipeline)


@pytest.fixture
def consoles(tmp_path: Path) -> Iterator[tuple[Console, Console, str]]:
    messages = scenario(4, trips=8)
    a = feed("kh-01", tmp_path, messages, 0.0)
    b = feed("tp-02", tmp_path, messages, 0.25)  # same messages, heard a quarter second later
    with temp_database("jmc_mirror_two") as url:
        for c in (a, b):
            c.worker = MirrorWorker(c.store, url, on_remote_events=c.on_remote)
        yield a, b, url
        for c in (a, b):
            assert c.worker is not None
            c.worker.stop()
            c.store.close()


def sync(*consoles: Console) -> None:
    for c in (*consoles, *consoles):  # twice: everyone pushes, then everyone pulls what others pushed
        assert c.worker is not None
        c.worker.sync_once()


def _upstream(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_same_messages_make_one_set_of_tickets_upstream(consoles: tuple[Console, Console, str]) -> None:
    a, b, url = consoles
    assert set(a.tickets) == set(b.tickets) and len(a.tickets) > 10
    sync(a, b)
    upstream = dict(_upstream(url, "SELECT id, status FROM tickets"))
    assert set(upstream) == set(a.tickets)
    assert all(upstream[tid] == str(t.status) for tid, t in a.tickets.items())
    origins = _upstream(url, "SELECT DISTINCT origin FROM ticket_events ORDER BY origin")
    assert origins == [("kh-01",), ("tp-02",)]  # both consoles' chains are upstream, whole
    engine = create_engine(url)
    try:
        assert verify(engine).ok
    finally:
        engine.dispose()
    with a.store.read() as conn:
        merged = merge_stored(conn, list(a.tickets))
    for tid, ticket in a.tickets.items():
        m = merged[tid]
        own_automatic = [e.kind for e in ticket.events if e.actor == SYSTEM]
        assert [e.kind for e in m.history] == own_automatic  # one history, not two
        assert len(m.echoes) == len(own_automatic)  # the other console's copies
        assert not m.conflicts
    assert _upstream(url, "SELECT count(*) FROM ticket_conflicts") == [(0,)]
    assert list_conflicts(a.store) == [] and list_conflicts(b.store) == []


def test_decisions_taken_apart_are_a_conflict_on_both_consoles(
    consoles: tuple[Console, Console, str],
) -> None:
    a, b, url = consoles
    sync(a, b)
    open_ids = sorted(tid for tid, t in a.tickets.items() if t.status is TicketStatus.OPEN)
    t1, t2 = open_ids[:2]
    now = max(t.updated_at for t in a.tickets.values()) + 60
    # t1: both consoles record different findings while apart
    a.act(
        t1, [("acknowledge", ("officer.chen",)), ("record_findings", ("officer.chen", "cargo intact"))], now
    )
    b.act(
        t1,
        [("acknowledge", ("officer.wang",)), ("record_findings", ("officer.wang", "two pallets short"))],
        now,
    )
    # t2: a prepares it for sign-off; b sees that; then a signs off while b returns it
    a.act(
        t2,
        [
            ("acknowledge", ("officer.chen",)),
            ("record_findings", ("officer.chen", "seal intact, fuel stop")),
            ("record_evidence", ("officer.chen", Evidence(system_images=True))),
            ("submit_for_signoff", ("officer.chen",)),
        ],
        now,
    )
    sync(a, b)
    assert b.tickets[t2].status is TicketStatus.AWAITING_SIGNOFF  # applied from a's events
    a.tickets[t2].sign_off("chief.lin", Role.SECTION_CHIEF, now + 100, reauthenticated=True, seen="0" * 64)
    a.store.persist_ticket(a.tickets[t2])
    b.tickets[t2].return_for_rework("chief.wu", Role.SECTION_CHIEF, now + 101, "need the gate photo")
    b.store.persist_ticket(b.tickets[t2])
    sync(a, b)

    on_a, on_b = list_conflicts(a.store), list_conflicts(b.store)
    assert {(c.ticket_id, c.topic) for c in on_a} == {(t1, "findings"), (t2, "decision")}
    assert [c.conflict_id for c in on_a] == [c.conflict_id for c in on_b]  # the same conflicts
    upstream = _upstream(url, "SELECT ticket_id, topic FROM ticket_conflicts ORDER BY ticket_id")
    assert set(upstream) == {(t1, "findings"), (t2, "decision")}
    decision = next(c for c in on_b if c.ticket_id == t2)
    assert {o.kind for o in decision.options} == {"signed_off", "returned"}  # both kept
    assert {o.origin for o in decision.options} == {"kh-01", "tp-02"}

    # a watch officer cannot resolve; a section chief on b picks the return
    returned = next(o for o in decision.options if o.kind == "returned")
    with pytest.raises(ConflictError, match="supervisor"):
        resolve_conflict(b.store, t2, returned.event_id, "officer.wang", "x", role=Role.WATCH_OFFICER)
    merged = resolve_conflict(
        b.store, t2, returned.event_id, "chief.wu", "照片不足", role=Role.SECTION_CHIEF, ticket=b.tickets[t2]
    )
    assert merged.status is TicketStatus.DISPATCHED and not merged.conflicts
    assert b.tickets[t2].events[-1].kind == "conflict_resolved"
    sync(b, a)
    assert {c.ticket_id for c in list_conflicts(a.store)} == {t1}
    assert {c.ticket_id for c in list_conflicts(b.store)} == {t1}
    assert a.tickets[t2].status is TicketStatus.DISPATCHED  # a's live ticket converged via the hook
    assert a.tickets[t2].resolution is None
    assert _upstream(url, f"SELECT status FROM tickets WHERE id = '{t2}'") == [("dispatched",)]
    assert _upstream(url, "SELECT ticket_id FROM ticket_conflicts") == [(t1,)]
    assert any(e.kind == "conflict_resolved" for batch in a.batches for e in batch.events)
    with a.store.read() as conn:
        assert verify(conn).ok  # both chains verify in a's store too
