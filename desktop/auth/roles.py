"""What each role may do, its labels, and the ticket-domain role it signs off as.

The permission table is the one place that decides who may do what; views ask
:func:`can` and never compare role names themselves::

    if can(user.role, Permission.SIGN_OFF_SECTION):
        ...

Sign-off levels are cumulative: a division chief (課長) may sign what a section chief (股長)
may, and the head of the first-level unit (一級單位主管) anything (protocol §6.4). The admin
manages accounts and sees the monitor but handles no ticket (separation of duties); the gate
officer (門哨關員) only works the gate kiosk.
"""

from __future__ import annotations

from enum import StrEnum

from desktop.models.ticket import Role
from desktop.store.users_schema import UserRole


class Permission(StrEnum):
    """One thing a signed-in user may be allowed to do."""

    VIEW_MONITOR = "view_monitor"  # live map, trips, ticket lists (read-only)
    ACK_TICKET = "ack_ticket"  # acknowledge a raised ticket
    DISPOSE_TICKET = "dispose_ticket"  # record actions, findings, evidence; dispatch; submit
    SHELVE_ALARM = "shelve_alarm"  # temporarily silence a nuisance alarm
    SIGN_OFF_SECTION = "sign_off_section"  # sign level 1 (股長)
    SIGN_OFF_DIVISION = "sign_off_division"  # sign level 2 (課長)
    SIGN_OFF_HEAD = "sign_off_head"  # sign level 3 (一級單位主管)
    RESOLVE_CONFLICT = "resolve_conflict"  # decide between diverging edits of a ticket
    WRITE_HANDOVER = "write_handover"  # shift handover notes (交接)
    KIOSK_INTERCEPT = "kiosk_intercept"  # gate kiosk: see and confirm interceptions
    VIEW_QUARANTINE = "view_quarantine"  # rejected wire messages
    ADMIN_USERS = "admin_users"  # create, disable, unlock accounts; reset passwords


P = Permission

_OFFICER = frozenset(
    {P.VIEW_MONITOR, P.ACK_TICKET, P.DISPOSE_TICKET, P.SHELVE_ALARM, P.WRITE_HANDOVER, P.VIEW_QUARANTINE}
)
_SECTION = _OFFICER | {P.SIGN_OFF_SECTION, P.RESOLVE_CONFLICT}
_DIVISION = _SECTION | {P.SIGN_OFF_DIVISION}
_HEAD = _DIVISION | {P.SIGN_OFF_HEAD}

#: the permission table (documented in docs/auth.md; a test keeps the two in step)
PERMISSIONS: dict[UserRole, frozenset[Permission]] = {
    UserRole.WATCH_OFFICER: _OFFICER,
    UserRole.SECTION_CHIEF: _SECTION,
    UserRole.DIVISION_CHIEF: _DIVISION,
    UserRole.HEAD_OF_UNIT: _HEAD,
    UserRole.GATE_OFFICER: frozenset({P.KIOSK_INTERCEPT}),
    UserRole.ADMIN: frozenset({P.ADMIN_USERS, P.VIEW_MONITOR, P.VIEW_QUARANTINE}),
}

_SIGNOFF_ROLE: dict[UserRole, Role] = {
    UserRole.WATCH_OFFICER: Role.WATCH_OFFICER,
    UserRole.SECTION_CHIEF: Role.SECTION_CHIEF,
    UserRole.DIVISION_CHIEF: Role.DIVISION_CHIEF,
    UserRole.HEAD_OF_UNIT: Role.HEAD_OF_UNIT,
}

#: (zh-TW, English) label of each role
ROLE_LABELS: dict[UserRole, tuple[str, str]] = {
    UserRole.WATCH_OFFICER: ("監控關員", "Watch officer"),
    UserRole.SECTION_CHIEF: ("股長", "Section chief"),
    UserRole.DIVISION_CHIEF: ("課長", "Division chief"),
    UserRole.HEAD_OF_UNIT: ("一級單位主管", "Head of first-level unit"),
    UserRole.GATE_OFFICER: ("門哨關員", "Gate officer"),
    UserRole.ADMIN: ("系統管理員", "Administrator"),
}


class UnknownRoleError(ValueError):
    """A role name that is not one of :class:`UserRole`."""


def parse_role(role: UserRole | str) -> UserRole:
    """The :class:`UserRole` for a role or its value (``"section_chief"``), else :class:`UnknownRoleError`."""
    try:
        return UserRole(role)
    except ValueError:
        known = ", ".join(r.value for r in UserRole)
        raise UnknownRoleError(f"unknown role {role!r} (未知的角色); known roles: {known}") from None


def permissions(role: UserRole | str) -> frozenset[Permission]:
    """Everything ``role`` may do; an unknown role may do nothing."""
    try:
        return PERMISSIONS[parse_role(role)]
    except UnknownRoleError:
        return frozenset()


def can(role: UserRole | str, perm: Permission) -> bool:
    """Whether ``role`` has ``perm``. An unknown role (e.g. a stale database value) has none."""
    return perm in permissions(role)


def signoff_role(role: UserRole | str) -> Role | None:
    """The ticket-domain :class:`~desktop.models.ticket.Role` passed to ``Ticket.sign_off`` and
    ``Ticket.return_for_rework``; ``None`` for roles outside the ticket chain (gate officer,
    admin) and for unknown roles."""
    try:
        return _SIGNOFF_ROLE.get(parse_role(role))
    except UnknownRoleError:
        return None


def role_label(role: UserRole | str, lang: str = "zh_TW") -> str:
    """The role's label: zh-TW by default, English for any ``lang`` starting with ``en``."""
    try:
        zh, en = ROLE_LABELS[parse_role(role)]
    except UnknownRoleError:
        return str(role)
    return en if lang.lower().startswith("en") else zh
