"""TicketActions: every person's action on a ticket, audited, checked against the role policy.

Each action takes the lock that guards the tickets (the ingest lock), calls the domain
:class:`~desktop.models.ticket.Ticket` method with the signed-in user as actor, then, still
under the lock: hands the ticket to the :class:`TicketFeed` (the queue updates), republishes the
ticket's retained state (§6.5, which is also how a gate-intercept request reaches the kiosks),
and calls the persistence hook (``Store.persist_ticket``). No Qt here.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from enum import StrEnum
from typing import Any, Final, Protocol, TypeVar

from desktop.models.ticket import Action, Evidence, SignoffLevel, Ticket, TicketError, TicketStatus
from desktop.workflow.access import Policy, User, allowed, can_sign, domain_role
from desktop.workflow.checks import check_submittable
from desktop.workflow.conflicts import ConflictDesk, ConflictInfo
from desktop.workflow.errors import ActionDeniedError, NotSignedInError, PersistError, WorkflowError
from desktop.workflow.feed import TicketFeed, TripLookup
from desktop.workflow.rows import TripSummary

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_SHELVE_MAX_S: Final = 8 * 3600.0
MAX_TEXT: Final = 4000
MAX_REF: Final = 500


class Party(StrEnum):
    """Who an officer notifies from the detail panel."""

    DESTINATION_OFFICER = "destination_officer"
    GATE = "gate"
    POLICE = "police"
    HAULIER = "haulier"


PARTY_ACTION: Final = {
    Party.DESTINATION_OFFICER: Action.NOTIFY_DESTINATION_OFFICER,
    Party.GATE: Action.GATE_INTERCEPTION,
    Party.POLICE: Action.POLICE_NOTIFIED,
    Party.HAULIER: Action.CONTACT_HAULIER,
}


class Publish(Protocol):
    """``ConsoleLink.publish``: QoS 1 publish (queued while offline)."""

    def __call__(self, topic: str, payload: bytes, *, retain: bool = False) -> None: ...


def ticket_topic(ticket: Ticket) -> str:
    return f"jmc/v1/{ticket.region}/ticket/{ticket.id}"


class TicketActions:
    """The one way the GUI changes a ticket.

    Args:
        lookup: ``ticket_id -> Ticket`` (e.g. ``pipeline.book.tickets.get``), read under ``lock``.
        lock: the lock that guards the tickets (the ingest service's).
        user: the signed-in user (set :attr:`user` after login).
        feed: told about every change, so the queue shows it.
        persist: ``Store.persist_ticket``; failures are retried on the next action.
        publish: ``ConsoleLink.publish`` for the retained ticket state.
        console_id: ``console_id`` of the published state.
        trip_lookup: ``order_no -> Trip`` for what an intercept request names.
        policy: ``(role, permission name) -> bool`` (default :func:`desktop.auth.roles.can`).
        reauthenticate: ``(username, password) -> user`` (``AccountService.authenticate``) for sign-off.
        chain_head: ``Store.chain_head``: the audit chain head a sign-off binds (``seen``); without
            it the sign-off records a summary of what was signed instead (no store: tests).
        shelve_max_s: the longest a nuisance alarm may be shelved.
        conflicts: the store's open CONFLICTs (``ConflictDesk(store)``); without it (no store)
            there are none to show or resolve.
    """

    def __init__(
        self,
        lookup: Callable[[str], Ticket | None],
        lock: AbstractContextManager[Any],
        *,
        user: User | None = None,
        feed: TicketFeed | None = None,
        persist: Callable[[Ticket], None] | None = None,
        publish: Publish | None = None,
        console_id: str = "console",
        trip_lookup: TripLookup | None = None,
        policy: Policy = allowed,
        reauthenticate: Callable[[str, str], User] | None = None,
        chain_head: Callable[[], str] | None = None,
        clock: Callable[[], float] = time.time,
        shelve_max_s: float = DEFAULT_SHELVE_MAX_S,
        conflicts: ConflictDesk | None = None,
    ) -> None:
        self._lookup = lookup
        self._lock = lock
        self.user = user
        self.feed = feed
        self._persist = persist
        self._publish = publish
        self.console_id = console_id
        self._trip_lookup = trip_lookup
        self.policy = policy
        self._reauthenticate = reauthenticate
        self._chain_head = chain_head
        self._clock = clock
        self.shelve_max_s = shelve_max_s
        self.conflicts = conflicts
        self._unsaved: dict[str, Ticket] = {}

    @classmethod
    def for_service(cls, service: Any, **kwargs: Any) -> TicketActions:
        """Actions on an :class:`~desktop.ingest.service.IngestService`'s pipeline, under its lock."""
        pipeline = service.pipeline
        return cls(
            pipeline.book.tickets.get,
            service.lock,
            publish=service.link.publish,
            console_id=service.link.console_id,
            trip_lookup=pipeline.trips.get,
            **kwargs,
        )

    # -- permissions -------------------------------------------------------------------------

    def may(self, permission: str) -> bool:
        """Whether the signed-in user's role allows ``permission`` (a Permission member name)."""
        return self.user is not None and self.policy(self.user.role, permission)

    def may_sign(self, level: int) -> bool:
        return self.user is not None and can_sign(self.policy, self.user.role, level)

    def _actor(self, permission: str) -> str:
        if self.user is None:
            raise NotSignedInError()
        if not self.policy(self.user.role, permission):
            raise ActionDeniedError(
                f"您的角色無此權限（{permission}）。", f"Your role may not do this ({permission})."
            )
        return self.user.username

    # -- the one path every action takes -------------------------------------------------------

    def _act(self, ticket_id: str, permission: str, apply: Callable[[Ticket, str, float], T]) -> T:
        actor = self._actor(permission)
        with self._lock:
            ticket = self._lookup(ticket_id)
            if ticket is None:
                raise WorkflowError(f"找不到案件 {ticket_id}。", f"No ticket {ticket_id}.")
            try:
                result = apply(ticket, actor, self._clock())
            except TicketError as exc:
                raise WorkflowError.from_domain(exc) from exc
            self._changed(ticket)
        return result

    def _changed(self, ticket: Ticket) -> None:
        if self.feed is not None:
            self.feed.on_change("action", ticket)
        if self._publish is not None:
            payload = json.dumps(ticket.wire_dict(self.console_id), ensure_ascii=False).encode()
            try:
                self._publish(ticket_topic(ticket), payload, retain=True)
            except Exception:  # paho queues while offline; anything else is logged, not lost
                log.exception("could not publish the state of %s", ticket.id)
        if self._persist is not None:
            self._unsaved[ticket.id] = ticket
            self._flush()

    def _flush(self) -> None:
        assert self._persist is not None
        for tid, ticket in list(self._unsaved.items()):
            try:
                self._persist(ticket)
            except Exception as exc:
                log.exception("could not store ticket %s", tid)
                raise PersistError(
                    "已記錄，但尚未存入資料庫（下次操作時重試）。",
                    f"Recorded, but not stored yet (retried on the next action): {exc}",
                ) from exc
            del self._unsaved[tid]

    @property
    def unsaved(self) -> int:
        """Tickets changed but not stored yet."""
        return len(self._unsaved)

    # -- alarm handling ------------------------------------------------------------------------

    def acknowledge(self, ticket_id: str) -> None:
        """Acknowledge the alarm: an open ticket becomes acknowledged; an escalation is silenced."""

        def apply(t: Ticket, actor: str, now: float) -> None:
            if t.status is TicketStatus.OPEN:
                t.acknowledge(actor, now)
            elif not t.is_closed:
                t.annotate(actor, "alarm_acknowledged", now, severity=str(t.severity))
            else:
                raise WorkflowError("案件已結案。", f"Ticket {t.id} is closed.")

        self._act(ticket_id, "ACK_TICKET", apply)

    def shelve(self, ticket_id: str, reason: str, duration_s: float) -> float:
        """Shelve a nuisance alarm for ``duration_s`` (≤ the maximum); returns when it expires."""
        reason = reason.strip()
        if not reason:
            raise WorkflowError("擱置警報須填寫原因。", "Shelving an alarm needs a reason.")
        if not 0 < duration_s <= self.shelve_max_s:
            hours = self.shelve_max_s / 3600
            raise WorkflowError(
                f"擱置時間須大於 0 且不超過 {hours:g} 小時。",
                f"Shelve for more than 0 and at most {hours:g} h.",
            )

        def apply(t: Ticket, actor: str, now: float) -> float:
            until = now + duration_s
            t.annotate(actor, "shelved", now, reason=reason[:MAX_TEXT], until=until)
            return until

        return self._act(ticket_id, "SHELVE_ALARM", apply)

    def unshelve(self, ticket_id: str) -> None:
        self._act(ticket_id, "SHELVE_ALARM", lambda t, actor, now: t.annotate(actor, "unshelved", now))

    # -- disposition ---------------------------------------------------------------------------

    def assign(self, ticket_id: str, assignee: str) -> None:
        assignee = assignee.strip()
        if not assignee:
            raise WorkflowError("請指定承辦人。", "Name the officer to assign.")
        self._act(ticket_id, "DISPOSE_TICKET", lambda t, actor, now: t.assign(actor, assignee, now))

    def dispatch(self, ticket_id: str) -> None:
        """Dispatch to the handling unit's office (派案)."""
        self._act(ticket_id, "DISPOSE_TICKET", lambda t, actor, now: t.dispatch(actor, now))

    def notify(self, ticket_id: str, party: Party, note: str = "") -> None:
        """Record that ``party`` was notified; notifying the gate also asks the kiosks to intercept."""
        note = note.strip()[:MAX_TEXT]

        def apply(t: Ticket, actor: str, now: float) -> None:
            t.record_action(actor, PARTY_ACTION[party], now, note)
            if party is Party.GATE:
                t.annotate(actor, "intercept_requested", now, **self._intercept_data(t, note))

        self._act(ticket_id, "DISPOSE_TICKET", apply)

    def cancel_intercept(self, ticket_id: str, reason: str = "") -> None:
        def apply(t: Ticket, actor: str, now: float) -> None:
            if t.intercept_request is None:
                raise WorkflowError("此案件沒有攔檢請求。", "This ticket has no intercept request.")
            t.annotate(actor, "intercept_cancelled", now, reason=reason.strip()[:MAX_TEXT])

        self._act(ticket_id, "DISPOSE_TICKET", apply)

    def _intercept_data(self, t: Ticket, note: str) -> dict[str, Any]:
        trip = self._trip_lookup(t.order_no) if self._trip_lookup and t.order_no else None
        data: dict[str, Any] = {"order_no": t.order_no, "note": note}
        if trip is not None:
            summary = TripSummary.of(trip)
            data |= {
                "containers": list(summary.containers),
                "plate": summary.plate,
                "sites": [summary.origin, summary.destination],
            }
        elif t.handling.site_code:
            data["sites"] = [t.handling.site_code]
        return data

    def record_findings(self, ticket_id: str, text: str) -> None:
        text = text.strip()
        if not text:
            raise WorkflowError("處理情形不可空白。", "The findings cannot be empty.")
        if len(text) > MAX_TEXT:
            raise WorkflowError(
                f"處理情形過長（上限 {MAX_TEXT} 字）。", f"The findings are too long (at most {MAX_TEXT})."
            )
        self._act(ticket_id, "DISPOSE_TICKET", lambda t, actor, now: t.record_findings(actor, text, now))

    def record_evidence(self, ticket_id: str, evidence: Evidence) -> SignoffLevel:
        """Record the evidence flags; returns the sign-off level they now require."""

        def apply(t: Ticket, actor: str, now: float) -> SignoffLevel:
            t.record_evidence(actor, evidence, now)
            return t.required_level

        return self._act(ticket_id, "DISPOSE_TICKET", apply)

    def attach(self, ticket_id: str, reference: str, label: str = "") -> None:
        """Attach a document by reference (path, URL or document number; never its contents)."""
        reference = reference.strip()
        if not reference or len(reference) > MAX_REF:
            raise WorkflowError(
                f"附件參照須為 1 至 {MAX_REF} 字。",
                f"An attachment reference must be 1-{MAX_REF} characters.",
            )
        self._act(
            ticket_id,
            "DISPOSE_TICKET",
            lambda t, actor, now: t.annotate(
                actor, "attachment", now, ref=reference, label=label.strip()[:200]
            ),
        )

    def tick(self, ticket_id: str, step_id: str, done: bool = True) -> None:
        """Tick (or untick) a procedure step; an audited event."""
        self._act(
            ticket_id,
            "DISPOSE_TICKET",
            lambda t, actor, now: t.annotate(actor, "checklist", now, step=step_id, done=done),
        )

    def submit(self, ticket_id: str) -> SignoffLevel:
        """Submit the disposition for sign-off; returns the level that must sign it."""

        def apply(t: Ticket, actor: str, now: float) -> SignoffLevel:
            self._refresh_conflicts(t)
            check_submittable(t)
            return t.submit_for_signoff(actor, now)

        return self._act(ticket_id, "DISPOSE_TICKET", apply)

    def sign_off(self, ticket_id: str, password: str) -> None:
        """Close a submitted ticket; the signer re-enters their password."""
        if self.user is None:
            raise NotSignedInError()
        user = self.user
        if self._reauthenticate is None:
            raise WorkflowError("無法重新驗證身分。", "Re-authentication is not available.")
        try:
            again = self._reauthenticate(user.username, password)
        except Exception as exc:
            raise WorkflowError(
                "密碼驗證失敗，未簽核。", f"Password check failed; not signed off: {exc}"
            ) from exc
        if again.username != user.username:
            raise WorkflowError("簽核人須為登入者本人。", "The signer must be the signed-in user.")
        head = self._chain_head() if self._chain_head is not None else None  # a read, outside the lock

        def apply(t: Ticket, actor: str, now: float) -> None:
            self._refresh_conflicts(t)
            if not can_sign(self.policy, user.role, int(t.required_level)):
                raise ActionDeniedError(
                    f"此案件須由第 {int(t.required_level)} 層級簽核。",
                    f"This ticket needs sign-off at level {int(t.required_level)}.",
                )
            summary = f"findings: {t.findings} | evidence: {t.evidence} | actions: {', '.join(t.actions)}"
            seen = head or summary
            t.sign_off(actor, domain_role(user.role), now, reauthenticated=True, seen=seen)

        self._act(ticket_id, "VIEW_MONITOR", apply)

    # -- conflicts -------------------------------------------------------------------------------

    def conflicts_of(self, ticket_id: str) -> list[ConflictInfo]:
        """The ticket's open CONFLICTs with both sides (a store read; none without a store)."""
        return [] if self.conflicts is None else self.conflicts.of(ticket_id)

    def _refresh_conflicts(self, t: Ticket) -> None:
        """Before a gated action: the marker as the store has it (the queue hears of a change)."""
        if self.conflicts is not None and self.conflicts.refresh(t):
            self._changed(t)

    def resolve_conflict(self, ticket_id: str, chosen_event_id: str, reason: str) -> None:
        """Adopt one side of a CONFLICT (supervisors: RESOLVE_CONFLICT) with the reason why."""
        reason = reason.strip()[:MAX_TEXT]
        if not reason:
            raise WorkflowError("請填寫採用此決定的理由。", "Give the reason for adopting this decision.")
        if self.conflicts is None:
            raise WorkflowError("此主控台沒有資料庫，無衝突可裁決。", "No store: no conflict to resolve.")
        desk, user = self.conflicts, self.user

        def apply(t: Ticket, actor: str, now: float) -> None:
            assert user is not None  # _act checked
            desk.resolve(t, chosen_event_id, actor, reason, domain_role(user.role), now)

        self._act(ticket_id, "RESOLVE_CONFLICT", apply)
