"""Immutable summaries of a trip's tickets for the detail panel and the replay (Qt-free)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from desktop.live.views import SeverityName
from desktop.models.catalogue import CATALOGUE, SEVERITY_RANK, Severity
from desktop.models.ticket import Ticket

SEVERITY_ORDER: tuple[SeverityName, ...] = ("critical", "high", "medium", "low")


@dataclass(frozen=True, slots=True)
class TicketSummary:
    """One ticket as the trip detail panel lists it."""

    ticket_id: str
    code: str
    name_zh: str
    name_en: str
    severity: SeverityName
    status: str  # open, acknowledged, dispatched, awaiting_signoff, closed
    raised_at: float  # device time that opened the episode
    occurrences: int
    subject: str
    detail: str

    @property
    def is_open(self) -> bool:
        return self.status != "closed"


def summarise(ticket: Ticket) -> TicketSummary:
    """A snapshot of a ticket (call it where the ticket may be read: under the pipeline's lock)."""
    entry = CATALOGUE.get(ticket.code)
    severity: SeverityName = _severity_name(ticket.severity)
    return TicketSummary(
        ticket_id=ticket.id,
        code=ticket.code,
        name_zh=entry.name_zh if entry else ticket.code,
        name_en=entry.name.replace("_", " ").lower() if entry else ticket.code,
        severity=severity,
        status=str(ticket.status),
        raised_at=ticket.raised_at,
        occurrences=ticket.occurrences,
        subject=ticket.subject,
        detail=ticket.detail,
    )


def worst_open(tickets: Iterable[Ticket]) -> tuple[SeverityName | None, int]:
    """The worst severity among the open tickets, and how many are open."""
    worst: Severity | None = None
    count = 0
    for t in tickets:
        if t.is_closed:
            continue
        count += 1
        if worst is None or SEVERITY_RANK[t.severity] > SEVERITY_RANK[worst]:
            worst = t.severity
    return (None if worst is None else _severity_name(worst)), count


def in_conflict(tickets: Iterable[Ticket]) -> bool:
    """Whether any of the tickets has an unresolved CONFLICT.

    A closed ticket counts too, as in the ticket queue: a sign-off on one console that met a
    return on another stays in view until a supervisor resolves it.
    """
    return any(t.conflicts for t in tickets)


def _severity_name(severity: Severity) -> SeverityName:
    value = str(severity)
    for name in SEVERITY_ORDER:
        if name == value:
            return name
    raise ValueError(f"unknown severity {value!r}")
