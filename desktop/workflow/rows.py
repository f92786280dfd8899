"""Immutable snapshots of tickets and trips, handed from the ingest side to the GUI.

A :class:`TicketRow` is built while the caller holds the lock that guards the ticket (the ingest
lock), and is never changed afterwards, so the GUI thread may read it freely.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from desktop.models.catalogue import CATALOGUE, SEVERITY_RANK, Severity
from desktop.models.ticket import Evidence, Ticket, TicketEvent, TicketStatus
from desktop.models.timeutil import format_rfc3339
from desktop.models.trips import Trip


@dataclass(frozen=True, slots=True)
class TripSummary:
    """What the detail panel and the text filter need of a ticket's trip."""

    order_no: str
    plate: str | None
    driver: str | None
    containers: tuple[str, ...]
    seals: tuple[str, ...]
    origin: str
    origin_name: str
    destination: str
    destination_name: str
    deadline: float | None
    phase: str
    timers: tuple[tuple[str, float], ...] = ()  # pending rule timers: (code, due epoch s)

    @classmethod
    def of(cls, trip: Trip) -> TripSummary:
        order = trip.order
        plate = order.plate if isinstance(order.plate, str) else None
        driver = order.driver_id if isinstance(order.driver_id, str) else None
        return cls(
            order_no=trip.order_no,
            plate=plate,
            driver=driver,
            containers=tuple(c.container_no for c in order.containers),
            seals=tuple(c.seal_id for c in order.containers),
            origin=trip.origin.code,
            origin_name=trip.origin.name_zh,
            destination=trip.dest.code,
            destination_name=trip.dest.name_zh,
            deadline=trip.deadline,
            phase=trip.phase,
            timers=tuple(sorted(trip.scheduled.items(), key=lambda kv: kv[1])),
        )


@dataclass(frozen=True, slots=True)
class WorkflowState:
    """What the events say beyond the lifecycle status: alarm acknowledgement, shelving, ticks."""

    needs_ack: bool
    shelved_until: float | None
    shelve_reason: str
    checklist: Mapping[str, bool]
    attachments: tuple[tuple[str, str], ...]  # (reference, label)
    intercept_requested: bool

    @classmethod
    def of(cls, ticket: Ticket) -> WorkflowState:
        events = ticket.events
        last_escalated = last_ack = 0
        shelved_until: float | None = None
        reason = ""
        checklist: dict[str, bool] = {}
        attachments: list[tuple[str, str]] = []
        intercept = False
        for e in events:
            kind = e.kind
            if kind == "escalated":
                last_escalated = e.seq
            elif kind in ("acknowledged", "alarm_acknowledged"):
                last_ack = e.seq
            elif kind == "shelved":
                shelved_until, reason = float(e.data.get("until", 0.0)), str(e.data.get("reason", ""))
            elif kind == "unshelved":
                shelved_until, reason = None, ""
            elif kind == "checklist":
                checklist[str(e.data.get("step", ""))] = bool(e.data.get("done", False))
            elif kind == "attachment":
                attachments.append((str(e.data.get("ref", "")), str(e.data.get("label", ""))))
            elif kind == "intercept_requested":
                intercept = True
            elif kind == "intercept_cancelled":
                intercept = False
        open_ = not ticket.is_closed
        needs_ack = open_ and (ticket.status is TicketStatus.OPEN or last_escalated > last_ack)
        return cls(
            needs_ack=needs_ack,
            shelved_until=shelved_until if open_ else None,
            shelve_reason=reason,
            checklist=checklist,
            attachments=tuple(attachments),
            intercept_requested=intercept and open_,
        )


_EMPTY_STATE = WorkflowState(False, None, "", {}, (), False)


@dataclass(frozen=True, slots=True)
class TicketRow:
    """One ticket as the queue and the detail panel show it."""

    id: str
    code: str
    name_zh: str
    name_en: str
    severity: Severity
    status: TicketStatus
    resolution: str | None
    order_no: str | None
    subject: str
    region: str
    raised_at: float
    updated_at: float
    closed_at: float | None
    first_seen: float
    last_seen: float
    occurrences: int
    detail: str
    handling_kind: str
    handling_site: str | None
    handling_label_zh: str
    assignee: str | None
    escalated: bool
    findings: str
    evidence: Evidence
    required_level: int
    actions: tuple[str, ...]
    events: tuple[TicketEvent, ...]
    state: WorkflowState = _EMPTY_STATE
    trip: TripSummary | None = None
    withdrawn: bool = False
    conflict: tuple[str, ...] = ()  # topics of the open CONFLICTs (a supervisor must resolve them)

    @classmethod
    def of(cls, ticket: Ticket, trip: TripSummary | None = None, *, withdrawn: bool = False) -> TicketRow:
        """Snapshot ``ticket`` (call with the lock that guards it held)."""
        kind = CATALOGUE.get(ticket.code)
        return cls(
            id=ticket.id,
            code=ticket.code,
            name_zh=kind.name_zh if kind else ticket.code,
            name_en=kind.name if kind else ticket.code,
            severity=ticket.severity,
            status=ticket.status,
            resolution=str(ticket.resolution) if ticket.resolution else None,
            order_no=ticket.order_no,
            subject=ticket.subject,
            region=ticket.region,
            raised_at=ticket.raised_at,
            updated_at=ticket.updated_at,
            closed_at=ticket.closed_at,
            first_seen=ticket.first_seen,
            last_seen=ticket.last_seen,
            occurrences=ticket.occurrences,
            detail=ticket.detail,
            handling_kind=str(ticket.handling.kind),
            handling_site=ticket.handling.site_code,
            handling_label_zh=ticket.handling.label_zh(),
            assignee=ticket.assignee,
            escalated=ticket.escalated,
            findings=ticket.findings,
            evidence=ticket.evidence,
            required_level=int(ticket.required_level),
            actions=tuple(ticket.actions),
            events=tuple(ticket.events),
            state=WorkflowState.of(ticket),
            trip=trip,
            withdrawn=withdrawn,
            conflict=ticket.conflicts,
        )

    # -- derived --------------------------------------------------------------------------

    @property
    def severity_rank(self) -> int:
        return SEVERITY_RANK[self.severity]

    @property
    def is_closed(self) -> bool:
        return self.status is TicketStatus.CLOSED

    @property
    def in_conflict(self) -> bool:
        """Two consoles decided differently while apart: shown as CONFLICT until resolved."""
        return bool(self.conflict)

    @property
    def is_active(self) -> bool:
        """Shown in the working queue: neither closed nor withdrawn."""
        return not self.is_closed and not self.withdrawn

    def is_shelved(self, now: float) -> bool:
        until = self.state.shelved_until
        return until is not None and until > now

    @property
    def last_event(self) -> TicketEvent | None:
        return self.events[-1] if self.events else None

    @property
    def last_person_event(self) -> TicketEvent | None:
        """The latest thing a person did (the handover's "last action")."""
        for e in reversed(self.events):
            if e.actor != "system":
                return e
        return None

    def search_text(self) -> str:
        """What the text filter matches: ticket id, order, subject, plate, containers, seals."""
        parts = [self.id, self.order_no or "", self.subject]
        if self.trip is not None:
            parts += [self.trip.plate or "", *self.trip.containers, *self.trip.seals]
        return " ".join(parts).casefold()


def fmt_time(ts: float | None) -> str:
    """Taipei local time for screens, e.g. ``2026-11-20 09:00:05``."""
    text = format_rfc3339(ts)
    return "" if text is None else text[:19].replace("T", " ")
