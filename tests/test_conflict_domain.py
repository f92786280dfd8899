"""The ticket's CONFLICT marker (Qt-free, no database): sign-off and submission refused with a
bilingual reason while a conflict is open, the wire state carrying it, and the converged state of
the merge setting and clearing it."""

from __future__ import annotations

from typing import Any

import pytest

from desktop.models.catalogue import HandlingUnit, UnitKind
from desktop.models.ticket import (
    SYSTEM,
    Evidence,
    Role,
    Ticket,
    TicketConflictError,
    TicketError,
    TicketStatus,
)
from desktop.models.ticketbook import Finding, TicketBook
from desktop.models.timeutil import parse_rfc3339
from desktop.store.merge import RESOLVED, MergeEvent, merge_ticket
from desktop.store.mirror_resolve import apply_merged
from desktop.workflow.errors import WorkflowError

T0 = parse_rfc3339("2026-11-20T09:00:00+08:00")
UNIT = HandlingUnit(UnitKind.MONITORING_CENTRE, "EX-TERM-B")


def prepared() -> Ticket:
    """An A01 ticket acknowledged, with findings and system images: ready to submit."""
    ticket = TicketBook().add(Finding("A01", "ORD-1", "VS-1", T0, "keelung", "pin", UNIT), T0)
    assert ticket is not None
    ticket.acknowledge("officer.chen", T0 + 10)
    ticket.record_findings("officer.chen", "seal intact, fuel stop", T0 + 20)
    ticket.record_evidence("officer.chen", Evidence(system_images=True), T0 + 30)
    return ticket


def sign(ticket: Ticket, at: float) -> None:
    ticket.sign_off("chief.lin", Role.SECTION_CHIEF, at, reauthenticated=True, seen="0" * 64)


def test_submission_is_refused_while_a_conflict_is_open() -> None:
    ticket = prepared()
    assert ticket.mark_conflicts(["findings"])
    events = len(ticket.events)
    with pytest.raises(TicketConflictError) as refused:
        ticket.submit_for_signoff("officer.chen", T0 + 40)
    assert isinstance(refused.value, TicketError)  # the workflow's catch-all still applies
    assert "衝突" in refused.value.zh and "股長" in refused.value.zh and "送簽" in refused.value.zh
    assert "CONFLICT (findings)" in refused.value.en and "supervisor" in refused.value.en
    assert str(refused.value) == f"{refused.value.zh}\n{refused.value.en}"  # zh-TW first
    assert ticket.status is TicketStatus.ACKNOWLEDGED and len(ticket.events) == events  # nothing recorded
    assert ticket.mark_conflicts([]) and not ticket.mark_conflicts(())  # cleared; clearing again: no change
    assert ticket.submit_for_signoff("officer.chen", T0 + 50) == 1  # level 1: system images
    assert ticket.events[-1].kind == "submitted"


def test_sign_off_is_refused_while_a_conflict_is_open_and_allowed_once_resolved() -> None:
    ticket = prepared()
    ticket.submit_for_signoff("officer.chen", T0 + 40)
    ticket.mark_conflicts(["evidence", "decision", "evidence"])
    assert ticket.conflicts == ("decision", "evidence")  # sorted, each once
    with pytest.raises(TicketConflictError, match=r"簽核") as refused:
        sign(ticket, T0 + 60)
    assert "decision, evidence" in refused.value.en
    assert ticket.status is TicketStatus.AWAITING_SIGNOFF and ticket.resolution is None
    as_workflow = WorkflowError.from_domain(refused.value)  # what the ticket screens show
    assert (as_workflow.zh, as_workflow.en) == (refused.value.zh, refused.value.en)
    ticket.mark_conflicts([])
    sign(ticket, T0 + 70)
    assert ticket.is_closed


def test_the_wire_state_carries_the_open_conflicts_only_while_open() -> None:
    ticket = prepared()
    plain = ticket.wire_dict("kh-01")
    assert "conflicts" not in plain
    ticket.mark_conflicts(["findings"])
    marked = ticket.wire_dict("kh-01")
    assert marked["conflicts"] == ["findings"]
    assert {k: v for k, v in marked.items() if k != "conflicts"} == plain  # the §6.5 fields unchanged
    ticket.mark_conflicts([])
    assert "conflicts" not in ticket.wire_dict("kh-01")


def event(
    origin: str, seq: int, kind: str, at: float, actor: str, knows: dict[str, int], **data: Any
) -> MergeEvent:
    return MergeEvent(f"{origin}-{seq}", origin, seq, TICKET_ID, seq, kind, at, actor, data, knows)


TICKET_ID = prepared().id


def test_the_merge_sets_the_marker_and_a_resolution_clears_it() -> None:
    ticket = prepared()
    a = [  # what prepared() did on kh-01
        event("kh-01", 1, "raised", T0, SYSTEM, {}),
        event("kh-01", 2, "acknowledged", T0 + 10, "officer.chen", {}),
        event("kh-01", 3, "findings", T0 + 20, "officer.chen", {}, text="seal intact, fuel stop"),
        event("kh-01", 4, "evidence", T0 + 30, "officer.chen", {}, system_images=True),
    ]
    b = [
        event("tp-02", 1, "raised", T0, SYSTEM, {}),
        event("tp-02", 2, "findings", T0 + 25, "officer.wang", {}, text="two pallets short"),
    ]
    merged = merge_ticket([*a, *b])
    assert apply_merged(ticket, merged)  # the marker alone is a change the listeners must hear of
    assert ticket.conflicts == ("findings",)
    with pytest.raises(TicketConflictError):
        ticket.submit_for_signoff("officer.chen", T0 + 40)
    assert not apply_merged(ticket, merged)  # the same state again: no change
    chosen = b[1].event_id
    resolution = event(
        "kh-01",
        5,
        RESOLVED,
        T0 + 90,
        "chief.lin",
        {"tp-02": 2},
        conflict_id=merged.conflicts[0].conflict_id,
        topic="findings",
        chosen_event_id=chosen,
        reason="photos",
    )
    assert apply_merged(ticket, merge_ticket([*a, *b, resolution]))
    assert not ticket.conflicts and ticket.findings == "two pallets short"
    ticket.submit_for_signoff("officer.chen", T0 + 100)
    assert ticket.status is TicketStatus.AWAITING_SIGNOFF
