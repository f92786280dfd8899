"""Shift handover (交接): open tickets with their last action and running timers, plus notes.

The outgoing officer composes it (:meth:`HandoverService.compose`); the incoming officer, a
different person, acknowledges it (:meth:`HandoverService.acknowledge`); both are stored through
the injected hooks (``Store.save_handover`` / ``Store.acknowledge_handover``). :func:`handover_html`
renders it for printing (QTextDocument → PDF on the Qt side).
"""

from __future__ import annotations

import html
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import Any

from desktop.models.catalogue import CATALOGUE, SEVERITY_RANK, Severity
from desktop.models.ticket import Ticket
from desktop.models.workdays import overdue_after
from desktop.workflow.access import Policy, User, allowed
from desktop.workflow.errors import ActionDeniedError, NotSignedInError, WorkflowError
from desktop.workflow.feed import TripLookup
from desktop.workflow.rows import TicketRow, TripSummary, fmt_time

TIMER_LABELS = {
    "A02": ("封條失聯計時", "seal silence"),
    "A05": ("車輛失聯計時", "vehicle silence"),
    "A09": ("到站期限", "arrival deadline"),
    "S7": ("進站期限", "arrival deadline"),
    "S8": ("到站讀取期限", "arrival read deadline"),
}


@dataclass(frozen=True, slots=True)
class Timer:
    label_zh: str
    label_en: str
    due: float


@dataclass(frozen=True, slots=True)
class HandoverItem:
    """One open ticket in the handover."""

    ticket_id: str
    code: str
    name_zh: str
    severity: str
    status: str
    order_no: str | None
    subject: str
    handling_label_zh: str
    assignee: str | None
    last_action: str
    last_action_at: float | None
    last_actor: str | None
    timers: tuple[Timer, ...]


@dataclass(frozen=True, slots=True)
class Handover:
    """A shift handover record."""

    id: str
    created_at: float
    outgoing: str
    outgoing_name: str
    notes: str
    items: tuple[HandoverItem, ...]
    acknowledged_by: str | None = None
    acknowledged_at: float | None = None

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_by is not None


def handover_item(ticket: Ticket, trip: TripSummary | None, now: float) -> HandoverItem:
    """The handover line of an open ticket (call with the lock that guards it held)."""
    row = TicketRow.of(ticket, trip)
    last = row.last_person_event or row.last_event
    timers = [Timer("七個工作日結案期限", "7 working-day deadline", overdue_after(ticket.raised_at))]
    if row.state.shelved_until is not None and row.state.shelved_until > now:
        timers.append(Timer("擱置到期", "shelving expires", row.state.shelved_until))
    if trip is not None:
        for code, due in trip.timers:
            zh, en = TIMER_LABELS.get(code, (f"{code} 計時", f"{code} timer"))
            timers.append(Timer(zh, en, due))
    kind = CATALOGUE.get(ticket.code)
    return HandoverItem(
        ticket_id=ticket.id,
        code=ticket.code,
        name_zh=kind.name_zh if kind else ticket.code,
        severity=str(ticket.severity),
        status=str(ticket.status),
        order_no=ticket.order_no,
        subject=ticket.subject,
        handling_label_zh=ticket.handling.label_zh(),
        assignee=ticket.assignee,
        last_action=_describe(last.kind, last.data) if last else "",
        last_action_at=last.at if last else None,
        last_actor=last.actor if last else None,
        timers=tuple(sorted(timers, key=lambda t: t.due)),
    )


def _describe(kind: str, data: dict[str, Any]) -> str:
    detail = data.get("action") or data.get("step") or data.get("assignee") or data.get("reason") or ""
    return f"{kind} {detail}".strip()


class HandoverService:
    """Composes, stores and acknowledges handovers.

    Args:
        tickets: every ticket (e.g. ``lambda: pipeline.book.tickets.values()``), read under ``lock``.
        save: stores a handover, returning its stored id; acknowledge: ``(id, user, at)``.
            :func:`store_hooks` makes both for a ``Store``.
    """

    def __init__(
        self,
        tickets: Callable[[], Iterable[Ticket]],
        lock: AbstractContextManager[Any],
        *,
        user: User | None = None,
        trip_lookup: TripLookup | None = None,
        policy: Policy = allowed,
        save: Callable[[Handover], str | None] | None = None,
        acknowledge: Callable[[str, str, float], Any] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._tickets = tickets
        self._lock = lock
        self.user = user
        self._trip_lookup = trip_lookup
        self.policy = policy
        self._save = save
        self._acknowledge = acknowledge
        self._clock = clock

    def _signed_in(self) -> User:
        if self.user is None:
            raise NotSignedInError()
        if not self.policy(self.user.role, "WRITE_HANDOVER"):
            raise ActionDeniedError("您的角色不能辦理交接。", "Your role may not write a handover.")
        return self.user

    def compose(self, notes: str) -> Handover:
        """The outgoing officer's handover of every open ticket, stored at once."""
        user = self._signed_in()
        now = self._clock()
        with self._lock:
            items = [handover_item(t, self._trip(t), now) for t in self._open(self._tickets())]
        items.sort(key=lambda i: (-SEVERITY_RANK[Severity(i.severity)], i.ticket_id))
        handover = Handover(
            id=str(uuid.uuid4()),
            created_at=now,
            outgoing=user.username,
            outgoing_name=user.display_name,
            notes=notes.strip(),
            items=tuple(items),
        )
        if self._save is not None:
            stored_id = self._save(handover)
            if isinstance(stored_id, str) and stored_id:
                handover = replace(handover, id=stored_id)
        return handover

    @staticmethod
    def _open(tickets: Iterable[Ticket]) -> list[Ticket]:
        return [t for t in tickets if not t.is_closed and not any(e.kind == "withdrawn" for e in t.events)]

    def _trip(self, ticket: Ticket) -> TripSummary | None:
        if self._trip_lookup is None or ticket.order_no is None:
            return None
        trip = self._trip_lookup(ticket.order_no)
        return None if trip is None else TripSummary.of(trip)

    def acknowledge(self, handover: Handover) -> Handover:
        """The incoming officer (not the one who wrote it) acknowledges the handover."""
        user = self._signed_in()
        if handover.acknowledged:
            raise WorkflowError("此交接已確認。", "This handover is already acknowledged.")
        if user.username == handover.outgoing:
            raise WorkflowError("交接須由接班人員確認。", "The incoming officer acknowledges a handover.")
        now = self._clock()
        if self._acknowledge is not None:
            try:
                self._acknowledge(handover.id, user.username, now)
            except Exception as exc:  # the store refuses a second acknowledgement
                raise WorkflowError(
                    "交接確認未能存檔。", f"The acknowledgement was not stored: {exc}"
                ) from exc
        return replace(handover, acknowledged_by=user.username, acknowledged_at=now)


def item_summary(item: HandoverItem) -> dict[str, Any]:
    """The JSON-able summary of a handover line the store keeps."""
    return {
        "ticket_id": item.ticket_id,
        "code": item.code,
        "severity": item.severity,
        "status": item.status,
        "order_no": item.order_no,
        "subject": item.subject,
        "assignee": item.assignee,
        "last_action": item.last_action,
        "last_action_at": item.last_action_at,
        "last_actor": item.last_actor,
        "timers": [{"label": t.label_en, "due": t.due} for t in item.timers],
    }


def store_hooks(store: Any) -> dict[str, Any]:
    """``save``/``acknowledge`` arguments of :class:`HandoverService` for a ``desktop.store.api.Store``."""

    def save(h: Handover) -> str:
        return str(
            store.save_handover(h.outgoing, h.notes, [item_summary(i) for i in h.items], at=h.created_at)
        )

    return {"save": save, "acknowledge": store.acknowledge_handover}


def handover_html(h: Handover) -> str:
    """Printable HTML (QTextDocument's subset): header, notes, one table row per open ticket."""
    esc = html.escape
    rows = []
    for i in h.items:
        timers = "<br>".join(f"{esc(t.label_zh)} {esc(fmt_time(t.due))}" for t in i.timers)
        last = f"{esc(i.last_action)}<br>{esc(fmt_time(i.last_action_at))} {esc(i.last_actor or '')}"
        rows.append(
            f"<tr><td>{esc(i.code)} {esc(i.name_zh)}<br>{esc(i.severity)}</td>"
            f"<td>{esc(i.ticket_id)}<br>{esc(i.order_no or i.subject)}</td>"
            f"<td>{esc(i.status)}<br>{esc(i.handling_label_zh)}<br>{esc(i.assignee or '')}</td>"
            f"<td>{last}</td><td>{timers}</td></tr>"
        )
    ack = (
        f"接班確認 Acknowledged by: {esc(h.acknowledged_by or '')} {esc(fmt_time(h.acknowledged_at))}"
        if h.acknowledged
        else "接班確認 Acknowledged by: ＿＿＿＿＿＿"
    )
    return (
        "<html><body style='font-family: \"Noto Sans CJK TC\", sans-serif; font-size: 9pt'>"
        f"<h2>勤務交接單 Shift handover</h2>"
        f"<p>交班人 Outgoing: {esc(h.outgoing_name or h.outgoing)} ({esc(h.outgoing)})　"
        f"時間 Time: {esc(fmt_time(h.created_at))}　編號 No.: {esc(h.id[:8])}</p>"
        f"<h3>交接事項 Notes</h3><p>{esc(h.notes).replace(chr(10), '<br>') or '—'}</p>"
        f"<h3>未結案件 Open tickets ({len(h.items)})</h3>"
        "<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
        "<tr><th>類別 Code</th><th>案件 Ticket</th><th>狀態 Status</th>"
        "<th>最後處置 Last action</th><th>計時 Timers</th></tr>"
        + "".join(rows)
        + f"</table><p>{ack}</p></body></html>"
    )
