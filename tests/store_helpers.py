"""Shared helpers of the store tests: tickets with a full history, raw chain access."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.models.catalogue import HandlingUnit, Severity, UnitKind
from desktop.models.ticket import Action, Evidence, Role, Ticket
from desktop.store.api import Store

AUDITED = ("ticket_events", "dispositions", "signoffs")


def new_ticket(
    code: str = "A06", subject: str = "VS-1", order_no: str = "ORD-1", at: float = 1.8e9
) -> Ticket:
    ticket = Ticket(
        id=f"{code}-{subject}",
        code=code,
        severity=Severity.CRITICAL,
        order_no=order_no,
        subject=subject,
        region="keelung",
        raised_at=at,
        handling=HandlingUnit(UnitKind.DESTINATION_OFFICE, "KEE-T1"),
    )
    ticket.record_occurrence(at, at + 1, "pin cut")
    return ticket


def work_ticket(store: Store, ticket: Ticket, at: float = 1.8e9, signer_saw: str | None = None) -> None:
    """Acknowledge, act, record findings and evidence, submit, sign off: persisting each step."""
    ticket.acknowledge("officer.lin", at + 10)
    store.persist_ticket(ticket)
    ticket.record_action("officer.lin", Action.GATE_INTERCEPTION, at + 20, "stopped at gate 3")
    ticket.record_findings("officer.lin", "seal replaced by the haulier; cargo intact", at + 30)
    ticket.record_evidence("officer.lin", Evidence(system_images=True), at + 40)
    ticket.submit_for_signoff("officer.lin", at + 50)
    store.persist_ticket(ticket)
    seen = store.chain_head() if signer_saw is None else signer_saw
    ticket.sign_off("chief.chen", Role.SECTION_CHIEF, at + 60, reauthenticated=True, seen=seen)
    store.persist_ticket(ticket)


def chain_rows(db: Path, origin: str | None = None) -> list[tuple[int, str, int]]:
    """``(chain_seq, table, id)`` of every audited row, in chain order."""
    with sqlite3.connect(db) as conn:
        rows = [
            (seq, table, row_id)
            for table in AUDITED
            for seq, row_id in conn.execute(
                f"SELECT chain_seq, id FROM {table}" + (" WHERE origin = ?" if origin else ""),
                (origin,) if origin else (),
            )
        ]
    return sorted(rows)
