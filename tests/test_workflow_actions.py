"""TicketActions on real tickets: audit trail, roles, validation, sign-off levels, persistence."""

from __future__ import annotations

import json

import pytest

from desktop.models.catalogue import Severity
from desktop.models.ticket import Evidence, SignoffLevel, TicketStatus
from desktop.workflow.actions import Party
from desktop.workflow.errors import ActionDeniedError, PersistError, WorkflowError
from tests.workflow_support import GATE, HEAD, OFFICER, SECTION, Desk, a06, seal_broken


def desk() -> Desk:
    d = Desk()
    seal_broken(d.harness)
    d.feed.drain()
    return d


def test_every_action_is_an_event_with_the_signed_in_user_and_reaches_feed_store_and_wire() -> None:
    d = desk()
    t = a06(d.harness)
    d.actions.acknowledge(t.id)
    d.actions.assign(t.id, "lin.officer")
    d.actions.notify(t.id, Party.DESTINATION_OFFICER, "call placed")
    d.actions.tick(t.id, "notify_dest")
    d.actions.attach(t.id, "DOC-2026-0042", "inspection report")
    d.actions.record_findings(t.id, "開櫃查驗無異常")
    kinds = [e.kind for e in t.events if e.actor != "system"]
    assert kinds == ["acknowledged", "assigned", "action", "checklist", "attachment", "findings"]
    assert {e.actor for e in t.events if e.actor != "system"} == {"lin.officer"}
    assert t.status is TicketStatus.ACKNOWLEDGED
    assert d.persisted == [t.id] * 6
    topic, payload, retain = d.published[-1]
    assert topic == f"jmc/v1/keelung/ticket/{t.id}" and retain
    assert json.loads(payload)["status"] == "acknowledged"
    (item,) = d.feed.drain()
    assert item.row.state.checklist == {"notify_dest": True}
    assert item.row.state.attachments == (("DOC-2026-0042", "inspection report"),)
    assert not item.row.state.needs_ack


def test_submit_without_findings_is_refused_in_both_languages() -> None:
    d = desk()
    t = a06(d.harness)
    d.actions.acknowledge(t.id)
    with pytest.raises(WorkflowError) as err:
        d.actions.submit(t.id)
    assert err.value.zh == "請先填寫處理情形再送簽。"
    assert "Record the findings" in err.value.en
    assert t.status is TicketStatus.ACKNOWLEDGED  # nothing changed


def test_submit_without_any_evidence_is_refused_then_level_follows_the_evidence() -> None:
    d = desk()
    t = a06(d.harness)
    d.actions.acknowledge(t.id)
    d.actions.record_findings(t.id, "查驗完畢")
    with pytest.raises(WorkflowError, match="追查貨物去向"):
        d.actions.submit(t.id)
    assert d.actions.record_evidence(t.id, Evidence(whereabouts_traced=True)) is SignoffLevel.HEAD_OF_UNIT
    assert d.actions.record_evidence(t.id, Evidence(operator_cctv=True)) is SignoffLevel.DIVISION_CHIEF
    assert d.actions.record_evidence(t.id, Evidence(system_images=True)) is SignoffLevel.SECTION_CHIEF
    assert d.actions.submit(t.id) is SignoffLevel.SECTION_CHIEF
    assert t.status is TicketStatus.AWAITING_SIGNOFF


def test_blank_or_overlong_input_is_refused_with_a_reason() -> None:
    d = desk()
    t = a06(d.harness)
    for call in (
        lambda: d.actions.record_findings(t.id, "   "),
        lambda: d.actions.record_findings(t.id, "x" * 5000),
        lambda: d.actions.assign(t.id, ""),
        lambda: d.actions.attach(t.id, ""),
        lambda: d.actions.shelve(t.id, "", 600),
        lambda: d.actions.shelve(t.id, "nuisance", 9 * 3600),
        lambda: d.actions.acknowledge("no-such-ticket"),
    ):
        with pytest.raises(WorkflowError):
            call()
    assert all(e.actor == "system" for e in t.events)


def test_shelving_needs_a_reason_and_expires() -> None:
    d = desk()
    t = a06(d.harness)
    now = d.harness.clock.now()
    until = d.actions.shelve(t.id, "感測器誤報 sensor chatter", 3600)
    assert until == now + 3600
    (item,) = d.feed.drain()
    assert item.row.is_shelved(now + 10) and not item.row.is_shelved(now + 3600)
    assert item.row.state.shelve_reason == "感測器誤報 sensor chatter"
    d.actions.unshelve(t.id)
    (item,) = d.feed.drain()
    assert not item.row.is_shelved(now + 10)


def test_roles_decide_what_may_be_done() -> None:
    d = desk()
    t = a06(d.harness)
    d.actions.user = GATE
    with pytest.raises(ActionDeniedError):
        d.actions.acknowledge(t.id)
    assert not d.actions.may("DISPOSE_TICKET")
    d.actions.user = OFFICER
    assert d.actions.may("DISPOSE_TICKET") and not d.actions.may_sign(1)
    d.actions.user = SECTION
    assert d.actions.may_sign(1) and not d.actions.may_sign(2)
    d.actions.user = HEAD
    assert d.actions.may_sign(3)


def test_sign_off_needs_the_password_and_the_level() -> None:
    d = desk()
    t = a06(d.harness)
    passwords = {"chen.section": "s3cret", "huang.head": "h3ad"}

    def reauth(username: str, password: str) -> object:
        if passwords.get(username) != password:
            raise ValueError("密碼錯誤 wrong password")
        return {"chen.section": SECTION, "huang.head": HEAD}[username]

    d.actions._reauthenticate = reauth  # type: ignore[assignment]
    d.actions.acknowledge(t.id)
    d.actions.record_findings(t.id, "無法查得影像，已追查去向")
    d.actions.record_evidence(t.id, Evidence(whereabouts_traced=True))
    d.actions.submit(t.id)
    d.actions.user = OFFICER
    with pytest.raises(WorkflowError):
        d.actions.sign_off(t.id, "whatever")
    d.actions.user = SECTION
    with pytest.raises(WorkflowError, match="密碼驗證失敗"):
        d.actions.sign_off(t.id, "wrong")
    with pytest.raises(ActionDeniedError, match="第 3 層級"):
        d.actions.sign_off(t.id, "s3cret")
    d.actions.user = HEAD
    d.actions.sign_off(t.id, "h3ad")
    assert t.is_closed and t.events[-1].kind == "signed_off" and t.events[-1].actor == "huang.head"


def test_gate_notice_puts_an_intercept_request_on_the_retained_ticket_state() -> None:
    d = desk()
    t = a06(d.harness)
    d.actions.notify(t.id, Party.GATE, "hold at gate")
    state = json.loads(d.published[-1][1])
    assert state["intercept"]["requested_by"] == "lin.officer"
    assert state["intercept"]["containers"] == ["CSQU3054383"]
    assert state["intercept"]["sites"] == ["EX-YARD-A", "EX-TERM-B"]
    assert "gate_interception" in t.actions
    d.actions.cancel_intercept(t.id, "vehicle found")
    assert "intercept" not in json.loads(d.published[-1][1])


def test_a_store_failure_keeps_the_action_and_is_retried() -> None:
    d = desk()
    t = a06(d.harness)
    failing = [True]
    stored: list[str] = []

    def persist(ticket: object) -> None:
        if failing[0]:
            raise OSError("disk full")
        stored.append(t.id)

    d.actions._persist = persist
    with pytest.raises(PersistError, match="disk full"):
        d.actions.acknowledge(t.id)
    assert t.status is TicketStatus.ACKNOWLEDGED and d.actions.unsaved == 1
    failing[0] = False
    d.actions.assign(t.id, "lin.officer")
    assert stored == [t.id] and d.actions.unsaved == 0


def test_an_escalation_after_acknowledgement_needs_acknowledging_again() -> None:
    d = desk()
    t = a06(d.harness)
    d.actions.acknowledge(t.id)
    d.feed.drain()
    t.severity = Severity.HIGH  # as if raised high; the book escalates it (as A09/S7 are)
    d.harness.pipeline.book.escalate(t, Severity.CRITICAL, d.harness.clock.now(), "12 h overdue")
    (item,) = d.feed.drain()
    assert item.row.state.needs_ack and item.escalated_now
    d.actions.acknowledge(t.id)
    (item,) = d.feed.drain()
    assert not item.row.state.needs_ack and t.events[-1].kind == "alarm_acknowledged"
