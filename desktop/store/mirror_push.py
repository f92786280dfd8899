"""Pushing outbox rows upstream: one batch, one upstream transaction, exactly-once effect.

Audited rows and chain heads go in with ``INSERT ... ON CONFLICT DO NOTHING`` (a batch sent
again after a crash changes nothing); a row that collides with a *different* upstream row
(same origin and sequence, other content: a rewritten local chain) is reported, never
overwritten. Ticket rows are merged: descriptive columns from the console, counters by
min/max, and the workflow columns from :func:`desktop.store.merge.merge_ticket` over every
console's events upstream; the upstream ``ticket_conflicts`` follow.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from desktop.models.ticket import Resolution
from desktop.store.merge import MergedTicket
from desktop.store.mirror_conflicts import merge_stored, upsert_knowledge, write_conflicts
from desktop.store.schema_mirror import mirror_origins
from desktop.store.schema_ops import HandoverRow, OutboxRow
from desktop.store.schema_tickets import ChainHead, DispositionRow, SignoffRow, TicketEventRow, TicketRow
from desktop.store.upstream import lock_push

AUDITED: Final[Mapping[str, Any]] = {
    "ticket_events": TicketEventRow,
    "dispositions": DispositionRow,
    "signoffs": SignoffRow,
}
PUSHED_TABLES: Final = frozenset({*AUDITED, "chain_heads", "tickets", "handovers", "mirror_knowledge"})
_DESCRIPTIVE: Final = (
    "code",
    "severity",
    "order_no",
    "subject",
    "region",
    "detail",
    "handling_json",
    "signoff_minimum",
)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One queued change: ``row`` goes to the upstream table ``table``."""

    id: int
    origin: str
    table: str
    key: str
    row: dict[str, Any]


@dataclass(slots=True)
class PushResult:
    """What one batch did upstream."""

    rows: int = 0
    inserted: int = 0  # audited rows and chain heads new upstream
    duplicates: int = 0  # already there, identical (a batch sent again)
    divergent: list[str] = field(default_factory=list)  # collisions with different content
    tickets: int = 0  # tickets whose converged state was recomputed
    heads: list[tuple[str, int]] = field(default_factory=list)  # chain heads pushed


def read_batch(conn: Connection, limit: int) -> list[OutboxItem]:
    """The oldest unsent outbox rows the mirror knows how to push."""
    rows = conn.execute(
        select(
            OutboxRow.id, OutboxRow.origin, OutboxRow.table_name, OutboxRow.row_key, OutboxRow.payload_json
        )
        .where(OutboxRow.sent_at.is_(None), OutboxRow.table_name.in_(sorted(PUSHED_TABLES)))
        .order_by(OutboxRow.id)
        .limit(limit)
    ).all()
    return [OutboxItem(int(i), str(o), str(t), str(k), dict(json.loads(p)["row"])) for i, o, t, k, p in rows]


def push_batch(up: Connection, items: Sequence[OutboxItem], now: float) -> PushResult:
    """Apply ``items`` upstream inside the caller's transaction (commit is the caller's)."""
    result = PushResult(rows=len(items))
    if not items:
        return result
    lock_push(up)
    by_table: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_table.setdefault(item.table, []).append(item.row)
    touched: set[str] = set()
    top: dict[str, int] = {}
    for name, table in AUDITED.items():
        rows = by_table.get(name, [])
        _insert_audited(up, table, rows, result)
        for row in rows:
            touched.add(str(row["ticket_id"]))
            top[row["origin"]] = max(top.get(row["origin"], 0), int(row["origin_seq"]))
    _insert_heads(up, by_table.get("chain_heads", []), now, result)
    _upsert_handovers(up, by_table.get("handovers", []))
    upsert_knowledge(up, by_table.get("mirror_knowledge", []))
    states = {str(row["id"]): row for row in by_table.get("tickets", [])}  # the last state wins
    _upsert_tickets(up, list(states.values()))
    touched.update(states)
    result.tickets = recompute_tickets(up, touched, now)
    for origin in sorted({item.origin for item in items}):
        stmt = pg_insert(mirror_origins).values(origin=origin, last_seq=top.get(origin, 0), pushed_at=now)
        up.execute(
            stmt.on_conflict_do_update(
                index_elements=["origin"],
                set_={
                    "last_seq": func.greatest(mirror_origins.c.last_seq, stmt.excluded.last_seq),
                    "pushed_at": stmt.excluded.pushed_at,
                },
            )
        )
    return result


def _insert_audited(up: Connection, table: Any, rows: list[dict[str, Any]], result: PushResult) -> None:
    if not rows:
        return
    clean = [{k: v for k, v in row.items() if k != "id"} for row in rows]
    stmt = pg_insert(table).on_conflict_do_nothing().returning(table.event_id)
    inserted = {str(r[0]) for r in up.execute(stmt, clean)}
    result.inserted += len(inserted)
    rest = {str(row["event_id"]): row for row in clean if str(row["event_id"]) not in inserted}
    if not rest:
        return
    query = select(table.event_id, table.hash).where(table.event_id.in_(list(rest)))
    there = {str(e): str(h) for e, h in up.execute(query)}
    for eid, row in rest.items():
        if there.get(eid) == row["hash"]:
            result.duplicates += 1
        elif eid in there:
            result.divergent.append(f"{table.__tablename__} event {eid} differs upstream (hash)")
        else:
            result.divergent.append(
                f"{table.__tablename__}: upstream already holds another row at origin {row['origin']} "
                f"seq {row['origin_seq']} (was this console's chain rewritten?)"
            )


def _insert_heads(up: Connection, rows: list[dict[str, Any]], now: float, result: PushResult) -> None:
    if not rows:
        return
    clean = [
        {
            "origin": r["origin"],
            "chain_seq": r["chain_seq"],
            "hash": r["hash"],
            "recorded_at": r["recorded_at"],
        }
        for r in rows
    ]
    for r in clean:
        r["pushed_at"] = now
        result.heads.append((str(r["origin"]), int(r["chain_seq"])))
    stmt = pg_insert(ChainHead).on_conflict_do_nothing().returning(ChainHead.origin, ChainHead.chain_seq)
    inserted = {(str(o), int(s)) for o, s in up.execute(stmt, clean)}
    result.inserted += len(inserted)
    for r in clean:
        key = (str(r["origin"]), int(r["chain_seq"]))
        if key in inserted:
            continue
        there = up.execute(
            select(ChainHead.hash).where(ChainHead.origin == key[0], ChainHead.chain_seq == key[1])
        ).scalar()
        if there == r["hash"]:
            result.duplicates += 1
        else:
            result.divergent.append(
                f"chain head of {key[0]} at seq {key[1]} differs from the one pushed before: "
                "the local chain was rewritten after that head was recorded"
            )


def _upsert_handovers(up: Connection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    latest = {str(r["id"]): r for r in rows}
    stmt = pg_insert(HandoverRow)
    up.execute(
        stmt.on_conflict_do_update(
            index_elements=["id"],
            set_={
                "acknowledged_by": stmt.excluded.acknowledged_by,
                "acknowledged_at": stmt.excluded.acknowledged_at,
            },
            where=HandoverRow.acknowledged_by.is_(None),  # the first acknowledgement stays
        ),
        list(latest.values()),
    )


def _upsert_tickets(up: Connection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    rows = sorted(rows, key=lambda r: str(r["id"]))
    stmt = pg_insert(TicketRow)
    set_: dict[str, Any] = {c: stmt.excluded[c] for c in _DESCRIPTIVE}
    set_["occurrences"] = func.greatest(TicketRow.occurrences, stmt.excluded.occurrences)
    set_["first_seen"] = func.least(TicketRow.first_seen, stmt.excluded.first_seen)
    set_["last_seen"] = func.greatest(TicketRow.last_seen, stmt.excluded.last_seen)
    set_["raised_at"] = func.least(TicketRow.raised_at, stmt.excluded.raised_at)
    set_["updated_at"] = func.greatest(TicketRow.updated_at, stmt.excluded.updated_at)
    up.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=set_), rows)


def merged_columns(m: MergedTicket) -> dict[str, Any]:
    """The ``tickets`` columns the converged events decide."""
    values: dict[str, Any] = {
        "status": str(m.status),
        "resolution": str(m.resolution) if m.resolution else None,
        "findings": m.findings,
        "system_images": m.evidence.system_images,
        "operator_cctv": m.evidence.operator_cctv,
        "whereabouts_traced": m.evidence.whereabouts_traced,
        "assignee": m.assignee,
        "actions_json": json.dumps(list(m.actions)),
        "escalated": m.escalated,
        "events_stored": len(m.history),
    }
    if m.resolution is not Resolution.AUTO_CLOSED:  # an automatic closure keeps the console's time
        values["closed_at"] = m.closed_at
    return values


def recompute_tickets(up: Connection, ticket_ids: set[str], now: float) -> int:
    """Write the converged state and conflicts of ``ticket_ids`` (those with a ticket row)."""
    if not ticket_ids:
        return 0
    existing = set(up.execute(select(TicketRow.id).where(TicketRow.id.in_(sorted(ticket_ids)))).scalars())
    merged = merge_stored(up, existing)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for tid, m in merged.items():
        values = merged_columns(m)
        if m.severity:
            values["severity"] = m.severity
        if m.order_no:
            values["order_no"] = m.order_no
        params = {f"v_{c}": v for c, v in values.items()}
        groups.setdefault(tuple(sorted(values)), []).append({"b_id": tid, **params})
    for columns, params_list in groups.items():
        stmt = (
            update(TicketRow)
            .where(TicketRow.id == bindparam("b_id"))
            .values({c: bindparam(f"v_{c}") for c in columns})
        )
        up.execute(stmt, params_list)
    write_conflicts(up, merged, now)
    return len(merged)
