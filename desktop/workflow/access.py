"""Who may do what: the signed-in user and the role policy of :mod:`desktop.auth.roles`.

The workflow names permissions by their :class:`desktop.auth.roles.Permission` member names and
asks the policy through :func:`allowed`; services take the policy as a parameter so that a test
(or a future policy) can supply another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, Protocol

from desktop.models.ticket import Role, SignoffLevel


class User(Protocol):
    """What the workflow needs of ``desktop.auth.accounts.AuthenticatedUser``."""

    @property
    def id(self) -> Any: ...
    @property
    def username(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def role(self) -> Any: ...


Policy = Callable[[Any, str], bool]  # (role, Permission member name) -> allowed


def allowed(role: Any, permission: str) -> bool:
    """``desktop.auth.roles.can(role, Permission[permission])``."""
    from desktop.auth.roles import Permission, can

    return bool(can(role, Permission[permission]))


def role_name(role: Any) -> str:
    """``watch_officer``, ``section_chief``, ... for a role enum member or its value."""
    return str(getattr(role, "value", role))


_DOMAIN_ROLES: Final = {
    "section_chief": Role.SECTION_CHIEF,
    "division_chief": Role.DIVISION_CHIEF,
    "head_of_unit": Role.HEAD_OF_UNIT,
}


def domain_role(role: Any) -> Role:
    """The ticket domain's view of a console role (the highest level it signs; 0 for none)."""
    return _DOMAIN_ROLES.get(role_name(role), Role.WATCH_OFFICER)


SIGNOFF_PERMISSION: Final = {
    SignoffLevel.SECTION_CHIEF: "SIGN_OFF_SECTION",
    SignoffLevel.DIVISION_CHIEF: "SIGN_OFF_DIVISION",
    SignoffLevel.HEAD_OF_UNIT: "SIGN_OFF_HEAD",
}

LEVEL_LABELS: Final = {
    SignoffLevel.SECTION_CHIEF: ("股長", "section chief"),
    SignoffLevel.DIVISION_CHIEF: ("課長", "division chief"),
    SignoffLevel.HEAD_OF_UNIT: ("一級單位主管", "head of the first-level unit"),
}


def can_sign(policy: Policy, role: Any, level: int) -> bool:
    """Whether ``role`` may sign off at ``level`` (a higher level's permission covers lower ones)."""
    return any(policy(role, SIGNOFF_PERMISSION[lv]) for lv in SignoffLevel if lv >= level)
