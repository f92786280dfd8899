"""Pulling other consoles' audited rows from upstream into the local store.

One cursor per other console (``mirror_cursors``): the highest ``origin_seq`` of that console
stored here. A console's rows reach upstream in ``origin_seq`` order (its outbox order, one
push transaction at a time), so within one REPEATABLE READ snapshot what is upstream of a
console is a gap-free prefix; the puller still checks the sequence is contiguous and stops
at a gap rather than skip a row. A global serial would skip rows committed out of order.

What a pull stores, in one local transaction: the foreign rows (``ticket_events``,
``dispositions``, ``signoffs``: their chains verify here too), the foreign consoles'
``mirror_knowledge`` rows that are final (below the pulled sequence), the new cursors, this
console's own knowledge record (queued for upstream), and the recomputed conflicts of the
tickets touched.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Connection, Engine, select

from desktop.store.api import Store
from desktop.store.merge import MergedTicket, MergeEvent
from desktop.store.mirror_conflicts import event_from_row, merge_stored, upsert_knowledge, write_conflicts
from desktop.store.mirror_push import AUDITED
from desktop.store.outbox import write_outbox
from desktop.store.schema_mirror import MirrorCursor, MirrorKnowledge, mirror_origins
from desktop.store.schema_tickets import ChainState
from desktop.store.upsert import insert_ignore, upsert

PAGE: Final = 5000  # origin_seq values per console per pull


@dataclass(frozen=True, slots=True)
class RemoteBatch:
    """What one pull brought: the new foreign events (no knowledge attached) and the converged
    tickets they touched."""

    events: tuple[MergeEvent, ...] = ()
    merged: Mapping[str, MergedTicket] = field(default_factory=dict)
    rows: int = 0  # audited rows stored (events, dispositions, sign-offs)
    conflicts: int = 0  # unresolved conflicts among the touched tickets

    @property
    def more(self) -> bool:
        """Whether a page limit stopped this pull (pull again at once)."""
        return self.rows >= PAGE


@dataclass(slots=True)
class _Fetched:
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    knowledge: list[dict[str, Any]] = field(default_factory=list)
    cursors: dict[str, int] = field(default_factory=dict)


def _cursors(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return {str(o): int(s) for o, s in conn.execute(select(MirrorCursor.origin, MirrorCursor.last_seq))}


def _fetch_origin(up: Connection, origin: str, after: int, upto: int, out: _Fetched) -> None:
    seqs: list[int] = []
    found: dict[str, list[dict[str, Any]]] = {}
    for name, table in AUDITED.items():
        t = table.__table__
        query = (
            select(*[c for c in t.columns if c.name != "id"])
            .where(t.c.origin == origin, t.c.origin_seq > after, t.c.origin_seq <= upto)
            .order_by(t.c.origin_seq)
        )
        rows = [dict(r) for r in up.execute(query).mappings()]
        found[name] = rows
        seqs.extend(int(r["origin_seq"]) for r in rows)
    seqs.sort()
    last = after
    for seq in seqs:  # contiguous from the cursor: stop at a gap, never skip
        if seq != last + 1:
            break
        last = seq
    if last == after:
        return
    for name, rows in found.items():
        out.rows.setdefault(name, []).extend(r for r in rows if int(r["origin_seq"]) <= last)
    out.cursors[origin] = last
    k = MirrorKnowledge
    knowledge = up.execute(
        select(k.knower, k.knower_seq, k.peer, k.peer_seq, k.recorded_at).where(
            k.knower == origin, k.knower_seq >= after, k.knower_seq < last
        )
    ).mappings()
    out.knowledge.extend(dict(r) for r in knowledge)


def fetch(up_engine: Engine, console_id: str, cursors: Mapping[str, int], page: int = PAGE) -> _Fetched:
    """Read what is new upstream for this console, in one consistent snapshot."""
    out = _Fetched()
    with up_engine.connect() as raw:
        up = raw.execution_options(isolation_level="REPEATABLE READ")
        with up.begin():
            heads = up.execute(
                select(mirror_origins.c.origin, mirror_origins.c.last_seq).where(
                    mirror_origins.c.origin != console_id
                )
            ).all()
            for origin, last_seq in sorted(heads):
                after = cursors.get(str(origin), 0)
                if int(last_seq) > after:
                    _fetch_origin(up, str(origin), after, min(int(last_seq), after + page), out)
    return out


def store_fetched(store: Store, fetched: _Fetched, now: float) -> RemoteBatch:
    """Store a fetch locally in one transaction; return what it brought."""
    if not fetched.cursors:
        return RemoteBatch()
    me = store.console_id

    def work(conn: Connection) -> RemoteBatch:
        count = 0
        touched: set[str] = set()
        for name, rows in fetched.rows.items():
            insert_ignore(conn, AUDITED[name], rows)
            count += len(rows)
            touched.update(str(r["ticket_id"]) for r in rows)
        upsert_knowledge(conn, fetched.knowledge)
        upsert(
            conn,
            MirrorCursor,
            [{"origin": o, "last_seq": s, "pulled_at": now} for o, s in sorted(fetched.cursors.items())],
            ["origin"],
        )
        mine = conn.execute(select(ChainState.last_seq).where(ChainState.origin == me)).scalar()
        knower_seq = int(mine or 0)
        own = [
            {"knower": me, "knower_seq": knower_seq, "peer": o, "peer_seq": s, "recorded_at": now}
            for o, s in sorted(fetched.cursors.items())
        ]
        upsert_knowledge(conn, own)
        write_outbox(
            conn, me, [("mirror_knowledge", f"{me}:{r['knower_seq']}:{r['peer']}", r) for r in own], now
        )
        merged = merge_stored(conn, touched)
        conflicts = write_conflicts(conn, merged, now)
        events = tuple(
            event_from_row(r)
            for r in sorted(
                fetched.rows.get("ticket_events", []), key=lambda r: (r["origin"], r["origin_seq"])
            )
        )
        return RemoteBatch(events, merged, count, conflicts)

    return store.write(work)


def pull_once(store: Store, up_engine: Engine, page: int = PAGE) -> RemoteBatch:
    """Fetch what is new upstream and store it; returns the batch (empty: nothing new)."""
    fetched = fetch(up_engine, store.console_id, _cursors(store), page)
    return store_fetched(store, fetched, time.time())
