"""TicketActions and HandoverService wired to the real Store on a temporary SQLite file."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.models.ticket import Evidence
from desktop.store.api import Store
from desktop.store.schema_tickets import TicketEventRow
from desktop.workflow.actions import Party
from desktop.workflow.errors import WorkflowError
from desktop.workflow.handover import HandoverService, store_hooks
from desktop.workflow.quarantine import QuarantineRow
from tests.helpers import Harness
from tests.workflow_support import OFFICER, OFFICER_2, Desk, a06, seal_broken


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(str(tmp_path / "console.sqlite3"), console_id="console-1")
    yield s
    s.close()


def stored_events(store: Store, ticket_id: str) -> list[tuple[str, str]]:
    with store.read() as conn:
        rows = conn.execute(
            select(TicketEventRow.kind, TicketEventRow.actor)
            .where(TicketEventRow.ticket_id == ticket_id)
            .order_by(TicketEventRow.seq)
        )
        return [(k, a) for k, a in rows]


def test_every_action_is_stored_as_an_audited_event_with_its_actor(store: Store) -> None:
    d = Desk()
    d.actions._persist = store.persist_ticket
    seal_broken(d.harness)
    t = a06(d.harness)
    d.actions.acknowledge(t.id)
    d.actions.notify(t.id, Party.GATE, "hold at gate 3")
    d.actions.tick(t.id, "gate")
    d.actions.shelve(t.id, "repeated alarm from the same seal", 1800)
    d.actions.record_evidence(t.id, Evidence(operator_cctv=True))
    d.actions.record_findings(t.id, "開櫃查驗：封條遭剪斷，貨物無短少")
    d.actions.submit(t.id)
    events = stored_events(store, t.id)
    assert events[0] == ("raised", "system")
    assert [k for k, _ in events[1:]] == [
        "acknowledged",
        "action",
        "intercept_requested",
        "checklist",
        "shelved",
        "evidence",
        "findings",
        "submitted",
    ]
    assert {a for _, a in events[1:]} == {OFFICER.username}


def test_handover_is_stored_and_acknowledged_once(store: Store) -> None:
    d = Desk()
    seal_broken(d.harness)
    service = HandoverService(
        lambda: d.harness.pipeline.book.tickets.values(), d.lock, user=OFFICER, **store_hooks(store)
    )
    handover = service.compose("A06 ORD-1 待開櫃")
    (stored,) = store.open_handovers()
    assert stored.id == handover.id and stored.notes == "A06 ORD-1 待開櫃"
    service.user = OFFICER_2
    done = service.acknowledge(handover)
    assert done.acknowledged_by == OFFICER_2.username and store.open_handovers() == []
    with pytest.raises(WorkflowError, match="not stored"):
        service.acknowledge(handover)  # the store refuses a second acknowledgement


def test_the_quarantine_browser_rows_read_the_store_table_too(store: Store) -> None:
    h = Harness()
    h.send("obu/OBU-9/telemetry", "{broken")
    record = h.pipeline.quarantine[0]
    with store.session() as session:
        from desktop.store.schema_ops import QuarantineRow as StoredQuarantine

        session.add(
            StoredQuarantine(
                topic=record.topic,
                raw=record.raw,
                received_at=record.received_at,
                reason=record.reason,
                origin="console-1",
                digest=hashlib.sha256(record.topic.encode() + record.raw).hexdigest(),
            )
        )
        session.commit()
    rows = [QuarantineRow.of(r) for r in store.quarantine_rows()]
    assert rows and rows[0].device == "OBU-9" and rows[0].reason == record.reason
