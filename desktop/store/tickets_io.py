"""Writing tickets: the ticket row (upsert), its new events, dispositions and sign-offs.

Events are keyed by ``(origin, ticket id, seq)``: storing a ticket again appends only the
events past the highest ``seq`` already stored (``tickets.events_stored``), so persisting is
idempotent, and a ticket re-derived after a restart (its history starting again at seq 1)
appends nothing twice. Such a *stale* copy (fewer events than stored) never rolls the row's
state back: only its counters are merged (occurrences, first/last seen, updated at).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

from sqlalchemy import Connection, insert, select, update

from desktop.models.ticket import Ticket, TicketEvent
from desktop.store.chain import ChainWriter, canonical_json, event_id
from desktop.store.schema_tickets import DispositionRow, SignoffRow, TicketEventRow, TicketRow
from desktop.store.upsert import upsert

log = logging.getLogger(__name__)

DISPOSITION_KINDS = frozenset({"action", "findings", "evidence"})
SIGNOFF_KINDS = frozenset({"signed_off"})
Outbox = list[tuple[str, str, dict[str, Any]]]  # (table, row key, row)


def ticket_state(ticket: Ticket) -> dict[str, Any]:
    """The ``tickets`` row of a ticket (without ``events_stored``)."""
    return {
        "id": ticket.id,
        "code": ticket.code,
        "severity": str(ticket.severity),
        "status": str(ticket.status),
        "resolution": str(ticket.resolution) if ticket.resolution else None,
        "order_no": ticket.order_no,
        "subject": ticket.subject,
        "region": ticket.region,
        "raised_at": ticket.raised_at,
        "updated_at": ticket.updated_at,
        "closed_at": ticket.closed_at,
        "occurrences": ticket.occurrences,
        "first_seen": ticket.first_seen,
        "last_seen": ticket.last_seen,
        "detail": ticket.detail,
        "escalated": ticket.escalated,
        "assignee": ticket.assignee,
        "findings": ticket.findings,
        "system_images": ticket.evidence.system_images,
        "operator_cctv": ticket.evidence.operator_cctv,
        "whereabouts_traced": ticket.evidence.whereabouts_traced,
        "actions_json": json.dumps(ticket.actions),
        "signoff_minimum": ticket.signoff_minimum,
        "handling_json": canonical_json(dataclasses.asdict(ticket.handling)),
    }


def snapshot(ticket: Ticket) -> Ticket:
    """A copy safe to hand to another thread (events are immutable; lists are copied)."""
    return dataclasses.replace(ticket, actions=list(ticket.actions), events=list(ticket.events))


def write_ticket(conn: Connection, chain: ChainWriter, ticket: Ticket, outbox: Outbox) -> int:
    """Upsert ``ticket`` and append its unstored events; return how many were appended."""
    stored_row = conn.execute(
        select(
            TicketRow.events_stored, TicketRow.occurrences, TicketRow.first_seen, TicketRow.last_seen
        ).where(TicketRow.id == ticket.id)
    ).first()
    stored = 0 if stored_row is None else int(stored_row[0])
    state = ticket_state(ticket)
    if stored_row is not None and len(ticket.events) < stored:
        log.debug(
            "ticket %s: a copy with %d events, %d stored: merging counters only",
            ticket.id,
            len(ticket.events),
            stored,
        )
        merged = {
            "occurrences": max(int(stored_row[1]), ticket.occurrences),
            "first_seen": min(float(stored_row[2]), ticket.first_seen),
            "last_seen": max(float(stored_row[3]), ticket.last_seen),
        }
        conn.execute(update(TicketRow).where(TicketRow.id == ticket.id).values(**merged))
        return 0
    state["events_stored"] = max(stored, len(ticket.events))
    upsert(conn, TicketRow, state, ["id"])
    outbox.append(("tickets", ticket.id, state))
    new = [e for e in ticket.events if e.seq > stored]
    for event in new:
        _append_event(conn, chain, ticket.id, event, outbox)
    return len(new)


def _append_event(
    conn: Connection, chain: ChainWriter, ticket_id: str, e: TicketEvent, outbox: Outbox
) -> None:
    origin = chain.origin
    source = event_id("ticket_events", origin, ticket_id, e.seq)
    row = chain.append(
        "ticket_events",
        {
            "event_id": source,
            "ticket_id": ticket_id,
            "seq": e.seq,
            "kind": e.kind,
            "at": float(e.at),
            "actor": e.actor,
            "data_json": canonical_json(e.data),
        },
    )
    conn.execute(insert(TicketEventRow), [row])
    outbox.append(("ticket_events", source, row))
    if e.kind in DISPOSITION_KINDS:
        data = e.data
        flags = e.kind == "evidence"
        drow = chain.append(
            "dispositions",
            {
                "event_id": event_id("dispositions", origin, ticket_id, e.seq),
                "source_event_id": source,
                "ticket_id": ticket_id,
                "at": float(e.at),
                "actor": e.actor,
                "kind": e.kind,
                "action": data.get("action") if e.kind == "action" else None,
                "note": data.get("note") if e.kind == "action" else None,
                "findings": data.get("text") if e.kind == "findings" else None,
                "system_images": bool(data.get("system_images")) if flags else None,
                "operator_cctv": bool(data.get("operator_cctv")) if flags else None,
                "whereabouts_traced": bool(data.get("whereabouts_traced")) if flags else None,
            },
        )
        conn.execute(insert(DispositionRow), [drow])
        outbox.append(("dispositions", drow["event_id"], drow))
    elif e.kind in SIGNOFF_KINDS:
        data = e.data
        srow = chain.append(
            "signoffs",
            {
                "event_id": event_id("signoffs", origin, ticket_id, e.seq),
                "source_event_id": source,
                "ticket_id": ticket_id,
                "at": float(e.at),
                "actor": e.actor,
                "role": str(data.get("role", "")),
                "level": int(data.get("level", 0)),
                "seen_head": str(data.get("seen", "")),
            },
        )
        conn.execute(insert(SignoffRow), [srow])
        outbox.append(("signoffs", srow["event_id"], srow))
