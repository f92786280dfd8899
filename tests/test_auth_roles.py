"""Roles: the permission table, sign-off through the ticket domain, labels, docs in step."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from desktop.auth.roles import (
    PERMISSIONS,
    Permission,
    UnknownRoleError,
    can,
    parse_role,
    role_label,
    signoff_role,
)
from desktop.models.catalogue import HandlingUnit, UnitKind
from desktop.models.ticket import Evidence, Role, SignoffLevel, Ticket, TicketError
from desktop.models.ticketbook import Finding, TicketBook
from desktop.store.users_schema import UserRole

DOCS = Path(__file__).resolve().parent.parent / "docs" / "auth.md"
R, P = UserRole, Permission
SIGN_OFF = {
    SignoffLevel.SECTION_CHIEF: P.SIGN_OFF_SECTION,
    SignoffLevel.DIVISION_CHIEF: P.SIGN_OFF_DIVISION,
    SignoffLevel.HEAD_OF_UNIT: P.SIGN_OFF_HEAD,
}
EVIDENCE = {
    SignoffLevel.SECTION_CHIEF: Evidence(system_images=True),
    SignoffLevel.DIVISION_CHIEF: Evidence(operator_cctv=True),
    SignoffLevel.HEAD_OF_UNIT: Evidence(whereabouts_traced=True),
}


def awaiting_signoff(level: SignoffLevel) -> Ticket:
    unit = HandlingUnit(UnitKind.MONITORING_CENTRE, "EX-TERM-B")
    ticket = TicketBook().add(Finding("A01", "ORD-1", "VS-1", 0.0, "keelung", "d", unit), 0.0)
    assert ticket is not None
    ticket.acknowledge("officer", 1.0)
    ticket.record_findings("officer", "seal checked", 2.0)
    ticket.record_evidence("officer", EVIDENCE[level], 3.0)
    assert ticket.submit_for_signoff("officer", 4.0) is level
    return ticket


@pytest.mark.parametrize("role", list(UserRole))
@pytest.mark.parametrize("level", list(SignoffLevel))
def test_sign_off_permissions_agree_with_the_ticket_domain(role: UserRole, level: SignoffLevel) -> None:
    """A role may sign a level exactly when Ticket.sign_off accepts its domain role there."""
    ticket = awaiting_signoff(level)
    domain_role = signoff_role(role)
    if domain_role is None:
        assert not can(role, SIGN_OFF[level])
        return
    try:
        ticket.sign_off("signer", domain_role, 5.0, reauthenticated=True, seen="timeline")
        accepted = True
    except TicketError:
        accepted = False
    assert can(role, SIGN_OFF[level]) == accepted
    assert ticket.is_closed == accepted


def test_who_may_do_what() -> None:
    assert can("watch_officer", P.DISPOSE_TICKET) and not can(R.WATCH_OFFICER, P.SIGN_OFF_SECTION)
    assert can(R.SECTION_CHIEF, P.RESOLVE_CONFLICT) and not can(R.WATCH_OFFICER, P.RESOLVE_CONFLICT)
    assert PERMISSIONS[R.GATE_OFFICER] == {P.KIOSK_INTERCEPT}
    assert not any(can(r, P.KIOSK_INTERCEPT) for r in UserRole if r is not R.GATE_OFFICER)
    assert [r for r in UserRole if can(r, P.ADMIN_USERS)] == [R.ADMIN]
    # separation of duties: the admin handles no ticket
    assert not any(can(R.ADMIN, p) for p in (P.ACK_TICKET, P.DISPOSE_TICKET, *SIGN_OFF.values()))
    # each supervisor may do everything the role below may
    chain = [R.WATCH_OFFICER, R.SECTION_CHIEF, R.DIVISION_CHIEF, R.HEAD_OF_UNIT]
    for lower, higher in itertools.pairwise(chain):
        assert PERMISSIONS[lower] < PERMISSIONS[higher]


def test_an_unknown_role_may_do_nothing() -> None:
    assert not any(can("retired_role", p) for p in Permission)
    assert signoff_role("retired_role") is None
    assert role_label("retired_role") == "retired_role"
    with pytest.raises(UnknownRoleError, match="known roles: watch_officer"):
        parse_role("boss")


def test_signoff_roles() -> None:
    assert [signoff_role(r) for r in UserRole] == [
        Role.WATCH_OFFICER,
        Role.SECTION_CHIEF,
        Role.DIVISION_CHIEF,
        Role.HEAD_OF_UNIT,
        None,
        None,
    ]


def test_labels_in_zh_tw_and_english() -> None:
    assert role_label(R.SECTION_CHIEF) == "股長"
    assert role_label("head_of_unit", "zh_TW") == "一級單位主管"
    assert role_label(R.GATE_OFFICER, "en") == "Gate officer"
    assert role_label(R.ADMIN, "en_US") == "Administrator"
    assert len({role_label(r) for r in UserRole}) == len({role_label(r, "en") for r in UserRole}) == 6


def test_the_permission_table_in_the_docs_matches_the_code() -> None:
    """docs/auth.md has one row per permission: `name` | x or blank per role, in UserRole order."""
    rows: dict[str, set[UserRole]] = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*`([A-Z_]+)`\s*\|(.*)\|\s*$", line)
        if m:
            cells = [c.strip() for c in m.group(2).split("|")]
            assert len(cells) == len(UserRole), line
            rows[m.group(1)] = {r for r, c in zip(UserRole, cells, strict=True) if c == "x"}
    assert set(rows) == {p.name for p in Permission}
    for perm in Permission:
        assert rows[perm.name] == {r for r in UserRole if can(r, perm)}, perm.name
