"""Anomaly tickets: lifecycle, append-only events, disposition and sign-off (§6.2-6.5).

Lifecycle ``open → acknowledged → dispatched → awaiting_signoff → closed``; the system may
also close with resolution ``auto_closed`` (§6.3). Every change appends a
:class:`TicketEvent` with actor and time; events are never edited or removed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from desktop.models.catalogue import ESCALATING, HandlingUnit, Severity

# sign-off levels, roles and evidence live in signoff.py; imported from here as before
from desktop.models.signoff import Evidence as Evidence
from desktop.models.signoff import Role as Role
from desktop.models.signoff import SignoffLevel as SignoffLevel
from desktop.models.signoff import required_signoff_level as required_signoff_level
from desktop.models.timeutil import format_rfc3339, format_utc
from desktop.models.workdays import is_overdue

SYSTEM = "system"


class TicketStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    DISPATCHED = "dispatched"
    AWAITING_SIGNOFF = "awaiting_signoff"
    CLOSED = "closed"


class Resolution(StrEnum):
    AUTO_CLOSED = "auto_closed"
    SIGNED_OFF = "signed_off"


class Action(StrEnum):
    """Disposition actions (處理情形) an officer can record."""

    NOTIFY_DESTINATION_OFFICER = "notify_destination_officer"
    GATE_INTERCEPTION = "gate_interception"
    CONTAINER_OPENED = "container_opened"
    XRAY = "xray"
    POLICE_NOTIFIED = "police_notified"
    DRIVER_STATEMENT = "driver_statement"
    CHARGE_REMINDER = "charge_reminder"
    CONTACT_HAULIER = "contact_haulier"
    OTHER = "other"


class TicketError(ValueError):
    """An action the ticket's state or the procedures do not allow; the message says why."""


class TicketConflictError(TicketError):
    """Refused while a CONFLICT is open; ``zh`` and ``en`` say why (``str()``: both, zh-TW first)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh}\n{en}")
        self.zh = zh
        self.en = en


#: Audited workflow events that change no lifecycle state (recorded by :meth:`Ticket.annotate`).
WORKFLOW_EVENTS = frozenset(
    {
        "alarm_acknowledged",  # an escalation acknowledged on an already acknowledged ticket
        "checklist",  # a procedure step ticked or unticked
        "attachment",  # a document attached by reference
        "shelved",  # a nuisance alarm shelved, with reason and expiry
        "unshelved",
        "intercept_requested",  # the gate (kiosk) asked to intercept the vehicle/containers
        "intercept_cancelled",
    }
)


def ticket_id(code: str, order_no: str | None, subject: str, opened_ts: float) -> str:
    """Deterministic id from message content only (§6.2)."""
    basis = f"{code}|{order_no or ''}|{subject}|{format_utc(opened_ts)}"
    return f"{code}-{hashlib.sha256(basis.encode()).hexdigest()[:16]}"


@dataclass(frozen=True, slots=True)
class TicketEvent:
    """One append-only entry of a ticket's history."""

    seq: int
    kind: str
    at: float
    actor: str
    data: dict[str, Any] = field(default_factory=dict)


_HUMAN_FROM: dict[str, frozenset[TicketStatus]] = {
    "acknowledge": frozenset({TicketStatus.OPEN}),
    "dispatch": frozenset({TicketStatus.OPEN, TicketStatus.ACKNOWLEDGED}),
    "submit": frozenset({TicketStatus.ACKNOWLEDGED, TicketStatus.DISPATCHED}),
    "sign_off": frozenset({TicketStatus.AWAITING_SIGNOFF}),
    "return": frozenset({TicketStatus.AWAITING_SIGNOFF}),
}


@dataclass(eq=False)
class Ticket:
    """One anomaly episode (§6.2) and everything done about it."""

    id: str
    code: str
    severity: Severity
    order_no: str | None
    subject: str
    region: str
    raised_at: float  # device time that opened the episode
    handling: HandlingUnit
    signoff_minimum: int = 0
    status: TicketStatus = TicketStatus.OPEN
    resolution: Resolution | None = None
    closed_at: float | None = None
    updated_at: float = 0.0
    occurrences: int = 0
    first_seen: float = 0.0
    last_seen: float = 0.0
    detail: str = ""
    escalated: bool = False
    assignee: str | None = None
    findings: str = ""
    evidence: Evidence = field(default_factory=Evidence)
    actions: list[str] = field(default_factory=list)
    events: list[TicketEvent] = field(default_factory=list)
    #: topics of the open CONFLICTs (``findings``, ``decision``, ...): a cache of the store's
    #: ``ticket_conflicts`` rows (docs/mirror.md), set by :meth:`mark_conflicts`; not an event
    conflicts: tuple[str, ...] = ()

    # -- history ------------------------------------------------------------------------------

    def _log(self, kind: str, at: float, actor: str, **data: Any) -> None:
        self.events.append(TicketEvent(len(self.events) + 1, kind, at, actor, data))
        self.updated_at = max(self.updated_at, at)

    @property
    def touched_by_person(self) -> bool:
        """Whether anyone but the system has acted on the ticket."""
        return any(e.actor != SYSTEM for e in self.events)

    @property
    def is_closed(self) -> bool:
        return self.status is TicketStatus.CLOSED

    def mark_conflicts(self, topics: Iterable[str]) -> bool:
        """Set the open conflicts' topics (sorted, each once); return whether they changed."""
        marked = tuple(sorted(set(topics)))
        changed = marked != self.conflicts
        self.conflicts = marked
        return changed

    def _require_no_conflict(self, doing_zh: str, doing_en: str) -> None:
        if self.conflicts:
            topics = ", ".join(self.conflicts)
            raise TicketConflictError(
                f"案件有未解決的衝突（{topics}）：須由股長以上主管裁決後才能{doing_zh}。",
                f"ticket {self.id} has an open CONFLICT ({topics}): a supervisor must resolve it "
                f"before {doing_en}",
            )

    # -- system changes ---------------------------------------------------------------------

    def record_occurrence(self, ts: float, now: float, detail: str) -> None:
        """Count one more piece of evidence for this episode."""
        self.occurrences += 1
        if self.occurrences == 1:
            self.first_seen = self.last_seen = ts
            self.detail = detail
            self._log("raised", now, SYSTEM, ts=ts, detail=detail)
            return
        self.first_seen = min(self.first_seen, ts)
        self.last_seen = max(self.last_seen, ts)
        self.updated_at = max(self.updated_at, now)

    def escalate(self, severity: Severity, now: float, reason: str) -> None:
        """Raise the severity (A09/S7 after the escalation delay)."""
        if self.severity != severity:
            self.severity = severity
            self.escalated = True
            self._log("escalated", now, SYSTEM, severity=str(severity), reason=reason)

    def auto_close(self, at: float, now: float, reason: str) -> None:
        """§6.3 automatic closure."""
        self._log("auto_closed", now, SYSTEM, reason=reason, previous=str(self.status))
        self.status = TicketStatus.CLOSED
        self.resolution = Resolution.AUTO_CLOSED
        self.closed_at = at

    def reopen(self, now: float, reason: str) -> None:
        """Undo an automatic closure that later evidence no longer supports."""
        previous = TicketStatus.OPEN
        for e in reversed(self.events):
            if e.kind == "auto_closed":
                previous = TicketStatus(e.data.get("previous", "open"))
                break
        self.status = previous
        self.resolution = None
        self.closed_at = None
        self._log("reopened", now, SYSTEM, reason=reason)

    def link_order(self, order_no: str, handling: HandlingUnit, now: float) -> None:
        """Attach the order a gate-pass ticket belongs to, once it is known (A11)."""
        previous = self.order_no
        self.order_no = order_no
        self.handling = handling
        self._log("linked", now, SYSTEM, order_no=order_no, previous=previous)

    def withdraw(self, now: float, reason: str) -> None:
        """Record that the evidence no longer supports this (never-touched) ticket."""
        self._log("withdrawn", now, SYSTEM, reason=reason)

    # -- human actions ----------------------------------------------------------------------

    def _require(self, action: str) -> None:
        if self.status not in _HUMAN_FROM[action]:
            allowed = ", ".join(sorted(s.value for s in _HUMAN_FROM[action]))
            raise TicketError(
                f"cannot {action.replace('_', ' ')} ticket {self.id}: it is {self.status}; "
                f"allowed from {allowed}"
            )

    def acknowledge(self, actor: str, now: float) -> None:
        self._require("acknowledge")
        self.status = TicketStatus.ACKNOWLEDGED
        self._log("acknowledged", now, actor)

    def assign(self, actor: str, assignee: str, now: float) -> None:
        if self.is_closed:
            raise TicketError(f"ticket {self.id} is closed")
        self.assignee = assignee
        self._log("assigned", now, actor, assignee=assignee)

    def dispatch(self, actor: str, now: float, to_site: str | None = None) -> None:
        """Send the ticket to the handling office (監控中心派案)."""
        self._require("dispatch")
        self.status = TicketStatus.DISPATCHED
        self._log("dispatched", now, actor, to_site=to_site or self.handling.site_code)

    def record_action(self, actor: str, action: Action, now: float, note: str = "") -> None:
        if self.is_closed:
            raise TicketError(f"ticket {self.id} is closed")
        self.actions.append(action.value)
        self._log("action", now, actor, action=action.value, note=note)

    def record_findings(self, actor: str, text: str, now: float) -> None:
        if self.is_closed:
            raise TicketError(f"ticket {self.id} is closed")
        self.findings = text
        self._log("findings", now, actor, text=text)

    def annotate(self, actor: str, kind: str, now: float, **data: Any) -> None:
        """Record a person's workflow event (:data:`WORKFLOW_EVENTS`) on an open ticket."""
        if kind not in WORKFLOW_EVENTS:
            raise TicketError(f"{kind!r} is not a workflow event")
        if actor == SYSTEM:
            raise TicketError("workflow events are recorded for a person")
        if self.is_closed:
            raise TicketError(f"ticket {self.id} is closed")
        self._log(kind, now, actor, **data)

    @property
    def intercept_request(self) -> dict[str, Any] | None:
        """The standing request to intercept at the gate, if any (latest request, not cancelled)."""
        for e in reversed(self.events):
            if e.kind == "intercept_cancelled":
                return None
            if e.kind == "intercept_requested":
                return {"requested_at": format_rfc3339(e.at), "requested_by": e.actor, **e.data}
        return None

    def record_evidence(self, actor: str, evidence: Evidence, now: float) -> None:
        if self.is_closed:
            raise TicketError(f"ticket {self.id} is closed")
        self.evidence = evidence
        self._log(
            "evidence",
            now,
            actor,
            system_images=evidence.system_images,
            operator_cctv=evidence.operator_cctv,
            whereabouts_traced=evidence.whereabouts_traced,
        )

    @property
    def required_level(self) -> SignoffLevel:
        """The sign-off level the recorded evidence requires."""
        return required_signoff_level(self.evidence, self.signoff_minimum)

    def submit_for_signoff(self, actor: str, now: float) -> SignoffLevel:
        """Submit the disposition; returns the level that must sign it off."""
        self._require("submit")
        self._require_no_conflict("送簽", "submitting for sign-off")
        if not self.findings.strip():
            raise TicketError("record the findings (處理情形) before submitting for sign-off")
        if self.code in ESCALATING and self.escalated and Action.POLICE_NOTIFIED not in self.actions:
            raise TicketError(
                f"{self.code} overdue past the escalation delay: record 'police notified' "
                "(通報警政機關協尋) before submitting"
            )
        ev = self.evidence
        if not (ev.system_images or ev.operator_cctv or ev.whereabouts_traced):
            raise TicketError(
                "with neither system images nor operator CCTV, trace the cargo's whereabouts "
                "(追查貨物去向) before submitting"
            )
        level = self.required_level
        self.status = TicketStatus.AWAITING_SIGNOFF
        self._log("submitted", now, actor, required_level=int(level))
        return level

    def sign_off(self, actor: str, role: Role, now: float, *, reauthenticated: bool, seen: str) -> None:
        """Close the ticket with a named supervisor's sign-off (§6.4)."""
        self._require("sign_off")
        self._require_no_conflict("簽核", "sign-off")
        if not reauthenticated:
            raise TicketError("sign-off needs the signer to re-enter their password")
        if int(role) < int(self.required_level):
            raise TicketError(
                f"ticket {self.id} needs sign-off at level {int(self.required_level)} "
                f"({self.required_level.name}); {actor} is {role.name}"
            )
        self.status = TicketStatus.CLOSED
        self.resolution = Resolution.SIGNED_OFF
        self.closed_at = now
        self._log("signed_off", now, actor, role=role.name, level=int(self.required_level), seen=seen)

    def return_for_rework(self, actor: str, role: Role, now: float, reason: str) -> None:
        """A supervisor sends the disposition back to the officers."""
        self._require("return")
        if role is Role.WATCH_OFFICER:
            raise TicketError("only a supervisor can return a disposition")
        self.status = TicketStatus.DISPATCHED
        self._log("returned", now, actor, reason=reason)

    def is_overdue(self, now: float, working_days: int = 7) -> bool:
        """Not closed within ``working_days`` Taiwan working days (逾七個工作日未結案)."""
        return is_overdue(self.raised_at, self.closed_at, now, working_days)

    # -- views ------------------------------------------------------------------------------

    def wire_dict(self, console_id: str) -> dict[str, Any]:
        """The retained ticket state published on ``jmc/v1/{region}/ticket/{id}`` (§6.5).

        An open ticket with a standing gate-intercept request also carries ``intercept``: the
        region's kiosks read this topic, so the request reaches their intercept list (see
        docs/workflow.md; a console may not write the kiosks' own topics). A ticket with an
        open CONFLICT carries ``conflicts`` (its topics, e.g. ``["findings"]``) until it is
        resolved; the §6.5 fields are unchanged.
        """
        doc: dict[str, Any] = {
            "id": self.id,
            "code": self.code,
            "severity": str(self.severity),
            "status": str(self.status),
            "order_no": self.order_no,
            "subject": self.subject,
            "region": self.region,
            "raised_at": format_rfc3339(self.raised_at),
            "updated_at": format_rfc3339(self.updated_at),
            "closed_at": format_rfc3339(self.closed_at),
            "resolution": str(self.resolution) if self.resolution else None,
            "signoff_level": int(self.required_level),
            "console_id": console_id,
        }
        intercept = None if self.is_closed else self.intercept_request
        if intercept is not None:
            doc["intercept"] = intercept
        if self.conflicts:
            doc["conflicts"] = list(self.conflicts)
        return doc
