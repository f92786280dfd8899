"""Ticket domain: lifecycle, append-only events, sign-off routing, working-day deadlines."""

from __future__ import annotations

import json

import pytest

from desktop.models.catalogue import CATALOGUE, HandlingUnit, Severity, UnitKind, handling_unit
from desktop.models.config import RuleConfig
from desktop.models.ticket import (
    SYSTEM,
    Action,
    Evidence,
    Role,
    SignoffLevel,
    Ticket,
    TicketError,
    TicketStatus,
    required_signoff_level,
    ticket_id,
)
from desktop.models.ticketbook import Finding, TicketBook
from desktop.models.timeutil import parse_rfc3339
from desktop.models.workdays import is_working_day, overdue_after

T0 = parse_rfc3339("2026-11-20T09:00:00+08:00")  # a Friday
UNIT = HandlingUnit(UnitKind.MONITORING_CENTRE, "EX-TERM-B")


def finding(code: str = "A01", ts: float = T0, subject: str = "VS-1", order: str = "ORD-1") -> Finding:
    return Finding(code, order, subject, ts, "keelung", "detail", UNIT)


def raised(code: str = "A01", minimum: int = 0) -> Ticket:
    book = TicketBook(lambda region, c: minimum)
    ticket = book.add(finding(code), T0)
    assert ticket is not None
    return ticket


def test_ticket_id_depends_only_on_content() -> None:
    a = ticket_id("A01", "ORD-1", "VS-1", T0)
    assert a == ticket_id("A01", "ORD-1", "VS-1", T0)
    assert a.startswith("A01-")
    assert (
        len(
            {
                a,
                ticket_id("A02", "ORD-1", "VS-1", T0),
                ticket_id("A01", "ORD-2", "VS-1", T0),
                ticket_id("A01", "ORD-1", "VS-2", T0),
                ticket_id("A01", "ORD-1", "VS-1", T0 + 1),
            }
        )
        == 5
    )


def test_one_ticket_per_episode_with_occurrences_and_listeners() -> None:
    book = TicketBook()
    changes: list[tuple[str, str]] = []
    book.subscribe(lambda change, t: changes.append((change, t.code)))
    first = book.add(finding(ts=T0), T0)
    again = book.add(finding(ts=T0 + 60), T0 + 60)
    assert first is again and first is not None
    assert first.occurrences == 2 and first.first_seen == T0 and first.last_seen == T0 + 60
    assert changes == [("raised", "A01"), ("updated", "A01")]
    assert len(book.tickets) == 1


def test_a_closed_episode_absorbs_older_evidence_and_new_evidence_opens_a_new_ticket() -> None:
    book = TicketBook()
    t1 = book.add(finding(ts=T0), T0)
    assert t1 is not None
    t1.auto_close(T0 + 10, T0 + 10, "test")
    assert book.add(finding(ts=T0 - 5), T0 + 20) is None  # older than the closed episode
    t2 = book.add(finding(ts=T0 + 100), T0 + 100)
    assert t2 is not None and t2.id != t1.id and not t2.is_closed


def test_lifecycle_in_order_with_append_only_events() -> None:
    t = raised()
    t.acknowledge("officer-1", T0 + 1)
    t.dispatch("officer-1", T0 + 2)
    t.record_action("officer-1", Action.NOTIFY_DESTINATION_OFFICER, T0 + 3)
    t.record_findings("officer-1", "seal inspected at the terminal, intact", T0 + 4)
    t.record_evidence("officer-1", Evidence(system_images=True), T0 + 5)
    assert t.submit_for_signoff("officer-1", T0 + 6) is SignoffLevel.SECTION_CHIEF
    t.sign_off("chief-1", Role.SECTION_CHIEF, T0 + 7, reauthenticated=True, seen="timeline, images")
    assert t.status is TicketStatus.CLOSED and t.resolution == "signed_off" and t.closed_at == T0 + 7
    kinds = [e.kind for e in t.events]
    assert kinds == [
        "raised",
        "acknowledged",
        "dispatched",
        "action",
        "findings",
        "evidence",
        "submitted",
        "signed_off",
    ]
    assert [e.seq for e in t.events] == list(range(1, len(kinds) + 1))
    assert t.events[0].actor == SYSTEM and t.events[-1].actor == "chief-1"
    assert t.events[-1].data["seen"] == "timeline, images"
    assert t.touched_by_person


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("acknowledge", TicketStatus.ACKNOWLEDGED),
        ("submit", TicketStatus.OPEN),
        ("sign_off", TicketStatus.OPEN),
    ],
)
def test_transitions_out_of_order_are_refused(action: str, status: TicketStatus) -> None:
    t = raised()
    if status is TicketStatus.ACKNOWLEDGED:
        t.acknowledge("o", T0)
    with pytest.raises(TicketError, match="cannot"):
        if action == "acknowledge":
            t.acknowledge("o", T0)
        elif action == "submit":
            t.submit_for_signoff("o", T0)
        else:
            t.sign_off("c", Role.HEAD_OF_UNIT, T0, reauthenticated=True, seen="")


def test_submitting_without_findings_is_refused() -> None:
    t = raised()
    t.acknowledge("o", T0)
    t.record_evidence("o", Evidence(system_images=True), T0)
    with pytest.raises(TicketError, match="findings"):
        t.submit_for_signoff("o", T0)
    assert t.status is TicketStatus.ACKNOWLEDGED


def test_neither_images_nor_cctv_requires_the_cargo_traced() -> None:
    t = raised()
    t.acknowledge("o", T0)
    t.record_findings("o", "driver unreachable", T0)
    with pytest.raises(TicketError, match="whereabouts"):
        t.submit_for_signoff("o", T0)
    t.record_evidence("o", Evidence(whereabouts_traced=True), T0)
    assert t.submit_for_signoff("o", T0) is SignoffLevel.HEAD_OF_UNIT


@pytest.mark.parametrize(
    ("evidence", "minimum", "level"),
    [
        (Evidence(system_images=True, operator_cctv=True), 0, SignoffLevel.SECTION_CHIEF),
        (Evidence(operator_cctv=True), 0, SignoffLevel.DIVISION_CHIEF),
        (Evidence(whereabouts_traced=True), 0, SignoffLevel.HEAD_OF_UNIT),
        (Evidence(system_images=True), 2, SignoffLevel.DIVISION_CHIEF),
        (Evidence(operator_cctv=True), 3, SignoffLevel.HEAD_OF_UNIT),
    ],
)
def test_required_signoff_level_follows_evidence_and_minimum(
    evidence: Evidence, minimum: int, level: SignoffLevel
) -> None:
    assert required_signoff_level(evidence, minimum) is level


def test_signer_below_the_required_level_or_not_reauthenticated_is_refused() -> None:
    t = raised()
    t.acknowledge("o", T0)
    t.record_findings("o", "checked", T0)
    t.record_evidence("o", Evidence(operator_cctv=True), T0)
    t.submit_for_signoff("o", T0)
    with pytest.raises(TicketError, match="level 2"):
        t.sign_off("c", Role.SECTION_CHIEF, T0, reauthenticated=True, seen="")
    with pytest.raises(TicketError, match="password"):
        t.sign_off("c", Role.DIVISION_CHIEF, T0, reauthenticated=False, seen="")
    with pytest.raises(TicketError):
        t.sign_off("o", Role.WATCH_OFFICER, T0, reauthenticated=True, seen="")
    t.sign_off("c", Role.DIVISION_CHIEF, T0 + 1, reauthenticated=True, seen="cctv")
    assert t.is_closed


def test_per_code_minimum_comes_from_the_region_config() -> None:
    config = RuleConfig.from_mapping({"regions": {"kaohsiung": {"signoff_minimum": {"A06": 3}}}})
    book = TicketBook(config.signoff_minimum)
    high = book.add(Finding("A06", "O", "S", T0, "kaohsiung", "", UNIT), T0)
    plain = book.add(Finding("A06", "O2", "S", T0, "keelung", "", UNIT), T0)
    assert high is not None and plain is not None
    high.record_evidence("o", Evidence(system_images=True), T0)
    plain.record_evidence("o", Evidence(system_images=True), T0)
    assert high.required_level is SignoffLevel.HEAD_OF_UNIT
    assert plain.required_level is SignoffLevel.SECTION_CHIEF


def test_escalated_overdue_needs_police_notified_before_submitting() -> None:
    book = TicketBook()
    t = book.add(finding("A09", subject="ORD-1"), T0)
    assert t is not None and t.severity is Severity.MEDIUM
    book.escalate(t, Severity.CRITICAL, T0 + 1, "12 h")
    assert t.severity is Severity.CRITICAL and t.events[-1].kind == "escalated"
    t.acknowledge("o", T0)
    t.record_findings("o", "haulier contacted", T0)
    t.record_evidence("o", Evidence(whereabouts_traced=True), T0)
    with pytest.raises(TicketError, match="police"):
        t.submit_for_signoff("o", T0)
    t.record_action("o", Action.POLICE_NOTIFIED, T0)
    t.submit_for_signoff("o", T0)
    assert t.status is TicketStatus.AWAITING_SIGNOFF


def test_supervisor_can_return_a_disposition() -> None:
    t = raised()
    t.acknowledge("o", T0)
    t.record_findings("o", "x", T0)
    t.record_evidence("o", Evidence(system_images=True), T0)
    t.submit_for_signoff("o", T0)
    with pytest.raises(TicketError):
        t.return_for_rework("o", Role.WATCH_OFFICER, T0, "no")
    t.return_for_rework("c", Role.SECTION_CHIEF, T0, "attach the gate images")
    assert t.status is TicketStatus.DISPATCHED


def test_auto_closure_skips_tickets_awaiting_signoff_and_reopens_when_no_longer_eligible() -> None:
    book = TicketBook()
    a01 = book.add(finding("A01"), T0)
    a04 = book.add(finding("A04", subject="OBU-1"), T0)
    a06 = book.add(finding("A06"), T0)
    assert a01 and a04 and a06
    a04.acknowledge("o", T0)
    a04.record_findings("o", "x", T0)
    a04.record_evidence("o", Evidence(system_images=True), T0)
    a04.submit_for_signoff("o", T0)
    book.apply_auto_closure("ORD-1", True, T0 + 50, T0 + 60, "completed")
    assert a01.resolution == "auto_closed" and a01.closed_at == T0 + 50
    assert a04.status is TicketStatus.AWAITING_SIGNOFF  # a supervisor decides
    assert not a06.is_closed  # A06 is never auto-closed
    book.apply_auto_closure("ORD-1", False, T0 + 50, T0 + 70, "late A06")
    assert a01.status is TicketStatus.OPEN and a01.resolution is None
    assert [e.kind for e in a01.events][-2:] == ["auto_closed", "reopened"]


def test_wire_form_of_section_6_5() -> None:
    t = raised()
    doc = t.wire_dict("console-1")
    assert set(doc) == {
        "id",
        "code",
        "severity",
        "status",
        "order_no",
        "subject",
        "region",
        "raised_at",
        "updated_at",
        "closed_at",
        "resolution",
        "signoff_level",
        "console_id",
    }
    assert doc["status"] == "open" and doc["raised_at"] == "2026-11-20T09:00:00.000+08:00"
    assert doc["signoff_level"] == 3 and doc["console_id"] == "console-1"


def test_handling_units_follow_section_6_4() -> None:
    assert handling_unit("A07", "O", "D").kind is UnitKind.ORIGIN_OFFICE
    assert handling_unit("S2", "O", "D").site_code == "O"
    for code in ("A08", "S3", "S4", "S8"):
        assert handling_unit(code, "O", "D") == HandlingUnit(UnitKind.DESTINATION_OFFICE, "D")
    assert handling_unit("A11", "O", "D", "out").kind is UnitKind.ORIGIN_OFFICE
    assert handling_unit("A11", "O", "D", "in").kind is UnitKind.DESTINATION_OFFICE
    assert handling_unit("A05", "O", "D") == HandlingUnit(UnitKind.MONITORING_CENTRE, "D")
    assert "聯合管理中心" in handling_unit("A01", "O", "D").label_zh()
    assert len(CATALOGUE) == 19


def test_seven_taiwan_working_days_skip_weekends_and_national_holidays() -> None:
    friday = parse_rfc3339("2026-11-20T09:00:00+08:00")
    # Mon 23 .. Fri 27 (5), Mon 30 (6), Tue 1 Dec (7): overdue from Wed 2 Dec 00:00
    assert overdue_after(friday) == parse_rfc3339("2026-12-02T00:00:00+08:00")
    before_national_day = parse_rfc3339("2026-09-30T09:00:00+08:00")
    # Oct 9 (National Day observed) is skipped
    assert overdue_after(before_national_day) == parse_rfc3339("2026-10-13T00:00:00+08:00")
    assert not is_working_day(parse_date("2026-10-10")) and is_working_day(parse_date("2026-10-12"))
    t = raised()
    assert not t.is_overdue(parse_rfc3339("2026-12-01T23:59:00+08:00"))
    assert t.is_overdue(parse_rfc3339("2026-12-02T00:00:00+08:00"))


def parse_date(text: str):  # type: ignore[no-untyped-def]
    from datetime import date

    return date.fromisoformat(text)


def test_late_evidence_withdraws_an_untouched_fold_ticket_but_never_one_a_person_acted_on() -> None:
    from tests.helpers import Harness

    for touched in (False, True):
        h = Harness()
        h.depart_active(1, seal=False)  # departs at minute 3 with the seal not sealed: A07
        (a07,) = [t for t in h.tickets() if t.code == "A07"]
        if touched:
            a07.acknowledge("officer-1", T0)
        h.event(2, "sealed", at=4)  # the sealing (device time 2) arrives late
        codes = h.codes()
        if touched:
            assert "A07" in codes and a07.status is TicketStatus.ACKNOWLEDGED
        else:
            assert "A07" not in codes
            assert [t.id for t in h.pipeline.book.withdrawn] == [a07.id]
            assert a07.events[-1].kind == "withdrawn"


def test_ticket_events_carry_the_console_time_of_the_message_that_caused_them() -> None:
    from tests.helpers import Harness, T, iso

    h = Harness()
    h.depart_active(1)
    h.clock.advance_to(T(5.5))  # the live console's clock moves on its own (no advance())
    payload = {
        "v": 1,
        "seal_id": "VS-1",
        "seq": 99,
        "ts": iso(5),
        "obu_id": "OBU-1",
        "state": "sealed",
        "pin": "abnormal",
        "battery_pct": 80,
        "lat": 25.13,
        "lon": 121.755,
    }
    assert h.pipeline.ingest("jmc/v1/keelung/seal/VS-1/status", json.dumps(payload).encode()) == "accepted"
    (a01,) = [t for t in h.tickets() if t.code == "A01"]
    assert a01.raised_at == T(5)  # the episode opens at the device time
    assert a01.events[0].at == T(5.5) == a01.updated_at  # when the console received it
