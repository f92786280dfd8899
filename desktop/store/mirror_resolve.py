"""Applying converged state to a live :class:`~desktop.models.ticket.Ticket`, listing conflicts,
and a supervisor's resolution of one (an audited ``conflict_resolved`` event). Qt-free.

    for c in list_conflicts(store): ...                       # the GUI's conflict list
    resolve_conflict(store, c.ticket_id, chosen_event_id, "chief.lin", "以現場照片為準",
                     role=Role.SECTION_CHIEF, ticket=live_ticket)

Foreign events never enter ``Ticket.events``: that list is this console's own history (its
``seq`` keys this console's rows in the audit chain, so a foreign event put there would be
stored again as this console's). :func:`apply_merged` instead sets the ticket's state to the
converged state; the full cross-console history is :attr:`MergedTicket.history`.

The open conflicts' topics on a live ticket (``Ticket.conflicts``) follow the store's
``ticket_conflicts`` rows: :func:`apply_merged` sets them from the same merge the pull or the
resolution wrote to the table (in the same transaction), :func:`mark_stored_conflicts` reads
them back (at start-up, and before a gated action), so a marker never outlives its row.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import Connection

from desktop.models.catalogue import Severity
from desktop.models.ticket import Resolution, Role, Ticket, TicketEvent
from desktop.store.api import Store
from desktop.store.merge import RESOLVED, MergedTicket
from desktop.store.mirror_conflicts import ConflictInfo, merge_stored, read_conflicts, write_conflicts
from desktop.store.reload import read_tickets


class ConflictError(ValueError):
    """A resolution that cannot be recorded; the message says why."""


def apply_merged(ticket: Ticket, merged: MergedTicket) -> bool:
    """Set ``ticket``'s state to the converged one (events untouched); return whether it changed."""
    if merged.ticket_id != ticket.id:
        raise ValueError(f"merged state of {merged.ticket_id} applied to ticket {ticket.id}")
    before = _state(ticket)
    ticket.status = merged.status
    ticket.resolution = merged.resolution
    if merged.resolution is Resolution.AUTO_CLOSED:
        ticket.closed_at = ticket.closed_at if ticket.closed_at is not None else merged.closed_at
    else:
        ticket.closed_at = merged.closed_at
    ticket.findings = merged.findings
    ticket.evidence = merged.evidence
    ticket.assignee = merged.assignee
    ticket.actions = list(merged.actions)
    ticket.escalated = ticket.escalated or merged.escalated
    if merged.severity:
        ticket.severity = Severity(merged.severity)
    if merged.order_no:
        ticket.order_no = merged.order_no
    if merged.history:
        ticket.updated_at = max(ticket.updated_at, max(e.at for e in merged.history))
    ticket.mark_conflicts(c.topic for c in merged.conflicts)
    return _state(ticket) != before


def _state(t: Ticket) -> tuple[object, ...]:
    return (
        t.status,
        t.resolution,
        t.closed_at,
        t.findings,
        t.evidence,
        t.assignee,
        tuple(t.actions),
        t.escalated,
        t.severity,
        t.order_no,
        t.updated_at,
        t.conflicts,
    )


def list_conflicts(store: Store, ticket_id: str | None = None) -> list[ConflictInfo]:
    """Unresolved conflicts in the local store, oldest first (of one ticket, if given)."""
    with store.read() as conn:
        return read_conflicts(conn, ticket_id)


def conflict_topics(store: Store, ticket_ids: Iterable[str] | None = None) -> dict[str, tuple[str, ...]]:
    """Ticket id -> topics of its open conflicts (sorted), for the tickets that have some (of
    ``ticket_ids`` only, if given)."""
    wanted = None if ticket_ids is None else set(ticket_ids)
    one = next(iter(wanted)) if wanted is not None and len(wanted) == 1 else None
    found: dict[str, set[str]] = {}
    for c in list_conflicts(store, one):
        if wanted is None or c.ticket_id in wanted:
            found.setdefault(c.ticket_id, set()).add(c.topic)
    return {tid: tuple(sorted(topics)) for tid, topics in found.items()}


def mark_stored_conflicts(store: Store, tickets: Mapping[str, Ticket]) -> list[Ticket]:
    """Set each ticket's conflict marker from the store's rows (a marker without a row is
    cleared); return the tickets whose marker changed. Call under the tickets' lock."""
    topics = conflict_topics(store, tickets)
    return [t for tid, t in tickets.items() if t.mark_conflicts(topics.get(tid, ()))]


def load_ticket(conn: Connection, console_id: str, ticket_id: str) -> Ticket | None:
    """The stored ticket with this console's own events and its conflict marker (``None``: not
    stored here)."""
    ticket = read_tickets(conn, console_id, [ticket_id]).get(ticket_id)
    if ticket is not None:
        ticket.mark_conflicts(c.topic for c in read_conflicts(conn, ticket_id))
    return ticket


def _find(conflicts: Sequence[ConflictInfo], chosen_event_id: str) -> ConflictInfo | None:
    for c in conflicts:
        if any(o.event_id == chosen_event_id for o in c.options):
            return c
    return None


def resolve_conflict(
    store: Store,
    ticket_id: str,
    chosen_event_id: str,
    actor: str,
    reason: str,
    *,
    role: Role,
    ticket: Ticket | None = None,
    now: float | None = None,
) -> MergedTicket:
    """Record a supervisor's choice among a conflict's options and return the new state.

    The choice is a ``conflict_resolved`` event appended to the ticket (audited, hash-chained,
    mirrored like any other), written with the new converged state in one transaction.

    Args:
        ticket: the console's live ticket, if it holds one (then call this under the lock that
            guards the tickets, as for any action: a second in-memory copy would lose events).
            Without it the stored copy is used.

    Raises:
        ConflictError: not a supervisor, no reason, no such open conflict, or the ticket is
            not stored on this console.
    """
    if role < Role.SECTION_CHIEF:
        raise ConflictError("only a supervisor (股長 or above) can resolve a conflict")
    if not reason.strip():
        raise ConflictError("give the reason for the choice")
    when = time.time() if now is None else now

    def work(conn: Connection) -> MergedTicket:
        conflict = _find(read_conflicts(conn, ticket_id), chosen_event_id)
        if conflict is None:
            raise ConflictError(
                f"event {chosen_event_id} is not an option of an open conflict of {ticket_id}"
            )
        live = ticket if ticket is not None else load_ticket(conn, store.console_id, ticket_id)
        if live is None:
            raise ConflictError(f"ticket {ticket_id} is not stored on this console")
        data = {
            "conflict_id": conflict.conflict_id,
            "topic": conflict.topic,
            "chosen_event_id": chosen_event_id,
            "options": [o.event_id for o in conflict.options],
            "reason": reason.strip(),
            "role": role.name,
        }
        event = TicketEvent(len(live.events) + 1, RESOLVED, when, actor, data)
        live.events.append(event)
        appended.append((live, event))
        live.updated_at = max(live.updated_at, when)
        store.write_tickets(conn, [live], when)
        merged = merge_stored(conn, [ticket_id])[ticket_id]
        write_conflicts(conn, {ticket_id: merged}, when)
        if apply_merged(live, merged):
            store.write_tickets(conn, [live], when)
        return merged

    appended: list[tuple[Ticket, TicketEvent]] = []
    try:
        return store.write(work)
    except Exception:
        for live, event in appended:  # not stored: the live ticket must not keep it
            if live.events and live.events[-1] is event:
                live.events.pop()
        raise
