"""Filling a chain quickly with synthetic audited rows (benchmarks and tests)."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy import Connection, insert

from desktop.store.api import Store
from desktop.store.chain import ChainWriter, canonical_json, event_id
from desktop.store.schema_tickets import DispositionRow, SignoffRow, TicketEventRow


def fill_chain(store: Store, rows: int, *, batch: int = 20_000, start_at: float = 1.8e9) -> None:
    """Append ``rows`` audited rows to the store's chain: mostly ticket events, every 5th a
    disposition, every 50th a sign-off (which saw the head ten rows before it)."""
    written = 0
    while written < rows:
        n = min(batch, rows - written)
        store.write(partial(_fill, origin=store.console_id, first=written, n=n, start_at=start_at))
        written += n


def _fill(conn: Connection, origin: str, first: int, n: int, start_at: float) -> None:
    chain = ChainWriter(conn, origin)
    tables: dict[str, list[dict[str, Any]]] = {"ticket_events": [], "dispositions": [], "signoffs": []}
    recent: list[str] = []
    for i in range(first, first + n):
        ticket = f"A01-{i // 20:016x}"
        source = event_id("ticket_events", origin, ticket, i)
        at = start_at + i
        if i % 50 == 49:
            seen = recent[-10] if len(recent) >= 10 else chain.last_hash
            row = {
                "event_id": event_id("signoffs", origin, ticket, i),
                "source_event_id": source,
                "ticket_id": ticket,
                "at": at,
                "actor": "chief",
                "role": "SECTION_CHIEF",
                "level": 1,
                "seen_head": seen,
            }
            table = "signoffs"
        elif i % 5 == 4:
            row = {
                "event_id": event_id("dispositions", origin, ticket, i),
                "source_event_id": source,
                "ticket_id": ticket,
                "at": at,
                "actor": "officer",
                "kind": "evidence",
                "action": None,
                "note": None,
                "findings": None,
                "system_images": True,
                "operator_cctv": False,
                "whereabouts_traced": i % 2 == 0,
            }
            table = "dispositions"
        else:
            row = {
                "event_id": source,
                "ticket_id": ticket,
                "seq": i,
                "kind": "raised",
                "at": at,
                "actor": "system",
                "data_json": canonical_json({"detail": f"pin abnormal #{i}", "ts": at}),
            }
            table = "ticket_events"
        tables[table].append(chain.append(table, row))
        recent.append(chain.last_hash)
        del recent[:-16]
    for name, model in (
        ("ticket_events", TicketEventRow),
        ("dispositions", DispositionRow),
        ("signoffs", SignoffRow),
    ):
        if tables[name]:
            conn.execute(insert(model), tables[name])
    chain.save()
