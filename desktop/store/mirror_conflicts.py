"""Reading a ticket's events from a database (local or upstream) into :mod:`desktop.store.merge`,
and keeping the ``ticket_conflicts`` table in step with what the merge finds.

    conflicts = list_conflicts(store)               # what the GUI shows (unresolved only)
    merged = merge_stored(conn, ["A01-..."])         # converged state per ticket id
"""

from __future__ import annotations

import dataclasses
import json
import time
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from desktop.store.chain import canonical_json
from desktop.store.merge import Conflict, MergedTicket, MergeEvent, merge_ticket
from desktop.store.schema_mirror import MirrorKnowledge, TicketConflictRow
from desktop.store.schema_tickets import TicketEventRow
from desktop.store.upsert import upsert_greatest

_CHUNK = 500  # ticket ids per IN (...) query


@dataclass(frozen=True, slots=True)
class ConflictOption:
    """One of the competing decisions of a conflict."""

    event_id: str
    origin: str
    actor: str
    at: float
    kind: str
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ConflictInfo:
    """An unresolved conflict as the GUI lists it; resolve with one option's ``event_id``."""

    conflict_id: str
    ticket_id: str
    topic: str
    options: tuple[ConflictOption, ...]
    detected_at: float


def event_from_row(row: Mapping[Any, Any]) -> MergeEvent:
    """A :class:`MergeEvent` (no knowledge yet) from a ``ticket_events`` row."""
    return MergeEvent(
        event_id=str(row["event_id"]),
        origin=str(row["origin"]),
        origin_seq=int(row["origin_seq"]),
        ticket_id=str(row["ticket_id"]),
        seq=int(row["seq"]),
        kind=str(row["kind"]),
        at=float(row["at"]),
        actor=str(row["actor"]),
        data=json.loads(row["data_json"]) if isinstance(row["data_json"], str) else {},
    )


def upsert_knowledge(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Record ``mirror_knowledge`` rows (local or upstream); a known ``peer_seq`` never goes down."""
    upsert_greatest(conn, MirrorKnowledge, rows, ["knower", "knower_seq", "peer"], "peer_seq")


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def load_events(conn: Connection, ticket_ids: Iterable[str]) -> dict[str, list[MergeEvent]]:
    """Every stored event of the tickets, with knowledge vectors where two consoles took part."""
    wanted = sorted(set(ticket_ids))
    found: dict[str, list[MergeEvent]] = {}
    t = TicketEventRow
    columns = (t.event_id, t.origin, t.origin_seq, t.ticket_id, t.seq, t.kind, t.at, t.actor, t.data_json)
    for chunk in _chunks(wanted):
        query = select(*columns).where(t.ticket_id.in_(chunk))
        for row in conn.execute(query).mappings():
            event = event_from_row(row)
            found.setdefault(event.ticket_id, []).append(event)
    for tid, events in found.items():
        origins = {e.origin for e in events}
        if len(origins) > 1:
            found[tid] = _with_knowledge(conn, events, origins)
    return found


def _with_knowledge(conn: Connection, events: list[MergeEvent], origins: set[str]) -> list[MergeEvent]:
    """Fill ``knows``: for an event of console O at ``origin_seq`` s, the latest record of O
    below s (knowledge only grows, so the latest is the largest)."""
    out: list[MergeEvent] = []
    cache: dict[tuple[str, str], tuple[list[int], list[int]]] = {}
    for e in events:
        knows: dict[str, int] = {}
        for peer in sorted(origins - {e.origin}):
            key = (e.origin, peer)
            if key not in cache:
                top = max(x.origin_seq for x in events if x.origin == e.origin)
                rows = conn.execute(
                    select(MirrorKnowledge.knower_seq, MirrorKnowledge.peer_seq)
                    .where(
                        MirrorKnowledge.knower == e.origin,
                        MirrorKnowledge.peer == peer,
                        MirrorKnowledge.knower_seq < top,
                    )
                    .order_by(MirrorKnowledge.knower_seq)
                ).all()
                cache[key] = ([int(r[0]) for r in rows], [int(r[1]) for r in rows])
            seqs, values = cache[key]
            i = bisect_left(seqs, e.origin_seq)  # records strictly below the event's seq
            if i:
                knows[peer] = max(values[:i])
        out.append(dataclasses.replace(e, knows=knows))
    return out


def merge_stored(conn: Connection, ticket_ids: Iterable[str]) -> dict[str, MergedTicket]:
    """The converged state of each ticket (tickets without stored events are left out)."""
    return {tid: merge_ticket(events) for tid, events in load_events(conn, ticket_ids).items()}


def option_json(e: MergeEvent) -> dict[str, Any]:
    return {
        "event_id": e.event_id,
        "origin": e.origin,
        "actor": e.actor,
        "at": e.at,
        "kind": e.kind,
        "data": dict(e.data),
    }


def write_conflicts(conn: Connection, merged: Mapping[str, MergedTicket], now: float | None = None) -> int:
    """Replace the ``ticket_conflicts`` rows of these tickets by their current conflicts
    (a conflict still there keeps its ``detected_at``); return how many are unresolved."""
    stamp = time.time() if now is None else now
    ids = sorted(merged)
    known: dict[str, float] = {}
    for chunk in _chunks(ids):
        for cid, at in conn.execute(
            select(TicketConflictRow.conflict_id, TicketConflictRow.detected_at).where(
                TicketConflictRow.ticket_id.in_(chunk)
            )
        ):
            known[str(cid)] = float(at)
        conn.execute(delete(TicketConflictRow).where(TicketConflictRow.ticket_id.in_(chunk)))
    rows = [_conflict_row(c, known.get(c.conflict_id, stamp)) for tid in ids for c in merged[tid].conflicts]
    if rows:
        conn.execute(insert(TicketConflictRow), rows)
    return len(rows)


def _conflict_row(c: Conflict, detected_at: float) -> dict[str, Any]:
    return {
        "conflict_id": c.conflict_id,
        "ticket_id": c.ticket_id,
        "topic": c.topic,
        "options_json": canonical_json([option_json(o) for o in c.options]),
        "detected_at": detected_at,
    }


def read_conflicts(conn: Connection, ticket_id: str | None = None) -> list[ConflictInfo]:
    """Unresolved conflicts, oldest first (of one ticket, if given)."""
    query = select(TicketConflictRow).order_by(TicketConflictRow.detected_at, TicketConflictRow.conflict_id)
    if ticket_id is not None:
        query = query.where(TicketConflictRow.ticket_id == ticket_id)
    out = []
    for row in conn.execute(query).mappings():
        options = tuple(
            ConflictOption(o["event_id"], o["origin"], o["actor"], float(o["at"]), o["kind"], o["data"])
            for o in json.loads(row["options_json"])
        )
        out.append(
            ConflictInfo(
                str(row["conflict_id"]), str(row["ticket_id"]), str(row["topic"]), options, row["detected_at"]
            )
        )
    return out
