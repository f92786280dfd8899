"""Reading the open tickets back after a restart: stored rows + this console's events → domain
:class:`~desktop.models.ticket.Ticket` objects for ``TicketBook.restore``.

    tickets = load_open_tickets(store)              # before the ingest service starts
    pipeline.book.restore(tickets)

A ticket is *open* when its stored status is not ``closed`` and its last stored event is not
``withdrawn``; only tickets with events of this console are restored (a ticket it never raised
or acted on is other consoles' business: the mirror keeps their history). A ticket's ``events``
are this console's own (``origin = store.console_id``), in ``seq`` order, so the next person's
action continues the sequence and the store appends exactly that event
(``tickets.events_stored``). Events other consoles recorded on the same ticket stay in the
store (the mirror's merged view); the ticket's stored state already includes their effect.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from sqlalchemy import ColumnElement, Connection, select
from sqlalchemy.orm import InstrumentedAttribute

from desktop.models.catalogue import HandlingUnit, Severity, UnitKind
from desktop.models.ticket import Evidence, Resolution, Ticket, TicketEvent, TicketStatus
from desktop.store.api import Store
from desktop.store.schema_tickets import TicketEventRow, TicketRow

log = logging.getLogger(__name__)

_CHUNK: Final = 500  # ids per IN (...) query


def load_open_tickets(store: Store) -> list[Ticket]:
    """Every open ticket in the store, with this console's events, oldest first."""
    with store.read() as conn:
        return read_open_tickets(conn, store.console_id)


def read_open_tickets(conn: Connection, console_id: str) -> list[Ticket]:
    """:func:`load_open_tickets` on a connection (a read transaction)."""
    rows = (
        conn.execute(
            select(TicketRow)
            .where(TicketRow.status != str(TicketStatus.CLOSED))
            .order_by(TicketRow.raised_at, TicketRow.id)
        )
        .mappings()
        .all()
    )
    events = _events(conn, console_id, [str(r["id"]) for r in rows])
    tickets = []
    for row in rows:
        mine = events.get(str(row["id"]), [])
        if not mine:  # not raised on this console: its history here is other consoles' (the mirror's)
            log.info("ticket %s has no events of console %s: not restored", row["id"], console_id)
            continue
        if mine[-1].kind == "withdrawn":
            continue
        stored = int(row["events_stored"])
        if len(mine) != stored or any(e.seq != i for i, e in enumerate(mine, 1)):
            log.warning(
                "ticket %s: %d events of console %s stored, the row says %d; restoring what is there",
                row["id"],
                len(mine),
                console_id,
                stored,
            )
        tickets.append(ticket_from_row(row, mine))
    return tickets


def read_tickets(conn: Connection, console_id: str, ids: Iterable[str]) -> dict[str, Ticket]:
    """The stored tickets with these ids (any status), each with this console's events."""
    wanted = sorted(set(ids))
    rows: list[Mapping[Any, Any]] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows.extend(conn.execute(select(TicketRow).where(TicketRow.id.in_(chunk))).mappings().all())
    events = _events(conn, console_id, [str(r["id"]) for r in rows])
    return {str(r["id"]): ticket_from_row(r, events.get(str(r["id"]), [])) for r in rows}


def _events(conn: Connection, console_id: str, ids: Sequence[str]) -> dict[str, list[TicketEvent]]:
    found: dict[str, list[TicketEvent]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        where = (TicketEventRow.origin == console_id, TicketEventRow.ticket_id.in_(chunk))
        for ticket_id, event in read_events(conn, where, (TicketEventRow.ticket_id, TicketEventRow.seq)):
            found[ticket_id].append(event)
    return found


def read_events(
    conn: Connection, where: Iterable[ColumnElement[bool]], order_by: Iterable[InstrumentedAttribute[Any]]
) -> list[tuple[str, TicketEvent]]:
    """The stored ticket events that meet every condition of ``where``, as (ticket id, event)."""
    query = (
        select(
            TicketEventRow.ticket_id,
            TicketEventRow.seq,
            TicketEventRow.kind,
            TicketEventRow.at,
            TicketEventRow.actor,
            TicketEventRow.data_json,
        )
        .where(*where)
        .order_by(*order_by)
    )
    return [
        (str(ticket_id), TicketEvent(int(seq), str(kind), float(at), str(actor), json.loads(data)))
        for ticket_id, seq, kind, at, actor, data in conn.execute(query)
    ]


def ticket_from_row(row: Mapping[Any, Any], events: Iterable[TicketEvent]) -> Ticket:
    """The domain ticket of a ``tickets`` row and its events."""
    handling = json.loads(row["handling_json"])
    return Ticket(
        id=str(row["id"]),
        code=str(row["code"]),
        severity=Severity(row["severity"]),
        order_no=row["order_no"],
        subject=str(row["subject"]),
        region=str(row["region"]),
        raised_at=float(row["raised_at"]),
        handling=HandlingUnit(UnitKind(handling["kind"]), handling.get("site_code")),
        signoff_minimum=int(row["signoff_minimum"]),
        status=TicketStatus(row["status"]),
        resolution=Resolution(row["resolution"]) if row["resolution"] else None,
        closed_at=None if row["closed_at"] is None else float(row["closed_at"]),
        updated_at=float(row["updated_at"]),
        occurrences=int(row["occurrences"]),
        first_seen=float(row["first_seen"]),
        last_seen=float(row["last_seen"]),
        detail=str(row["detail"]),
        escalated=bool(row["escalated"]),
        assignee=row["assignee"],
        findings=str(row["findings"]),
        evidence=Evidence(
            bool(row["system_images"]), bool(row["operator_cctv"]), bool(row["whereabouts_traced"])
        ),
        actions=list(json.loads(row["actions_json"])),
        events=list(events),
    )
