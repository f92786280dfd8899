"""Appending to a console's audit chain: canonical rows, hashes, deterministic ids.

The chain of a console (its ``origin``) runs through ``ticket_events``, ``dispositions`` and
``signoffs`` in ``chain_seq`` order (1, 2, 3, ... with no gap). Each row's

    hash = SHA-256(previous hash as 64 lower-case hex ASCII characters || canonical row)

where the first row's previous hash is :data:`GENESIS` (64 zeros) and the *canonical row* is
the UTF-8 of the sorted-key compact JSON (``ensure_ascii=False``) of every column of the row
except the local surrogate ``id`` and ``hash`` itself, plus ``"table": <table name>``.
Booleans are JSON booleans, floats Python's shortest round-trip repr. ``chain_seq`` is part of
the canonical row, so moving a row breaks its hash even if its neighbours were re-linked.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy import Connection, insert, select, update

from desktop.store.schema_tickets import ChainHead, ChainState
from desktop.store.upsert import insert_ignore

GENESIS: Final = "0" * 64
_NAMESPACE: Final = uuid.UUID("5b0f5a4e-6c1d-4b0e-9a53-2a4d0f1c7e11")  # JMC Console event ids


def event_id(table: str, origin: str, ticket_id: str, seq: int) -> str:
    """A globally unique, deterministic id: the same event stored twice gets the same id."""
    return str(uuid.uuid5(_NAMESPACE, f"{table}|{origin}|{ticket_id}|{seq}"))


def canonical(table: str, row: Mapping[str, Any]) -> bytes:
    """The canonical bytes of an audited row (``id`` and ``hash`` are left out)."""
    body = {k: v for k, v in row.items() if k not in ("id", "hash")}
    body["table"] = table
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link(previous: str, table: str, row: Mapping[str, Any]) -> str:
    """The hash of ``row`` chained after ``previous``."""
    return hashlib.sha256(previous.encode("ascii") + canonical(table, row)).hexdigest()


def canonical_json(value: Any) -> str:
    """Sorted-key compact JSON text (how ``data_json`` and ``payload_json`` are written)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class ChainWriter:
    """Appends audited rows to one origin's chain inside the caller's transaction.

    The caller holds the write lock: SQLite transactions here begin ``IMMEDIATE``; on
    PostgreSQL the ``chain_state`` row is read ``FOR UPDATE``.
    """

    def __init__(self, conn: Connection, origin: str) -> None:
        self.conn = conn
        self.origin = origin
        query = select(ChainState.last_seq, ChainState.last_hash).where(ChainState.origin == origin)
        if conn.dialect.name != "sqlite":
            query = query.with_for_update()
        found = conn.execute(query).first()
        if found is None:  # the origin's first row (two PostgreSQL writers may race here)
            insert_ignore(
                conn, ChainState, [{"origin": origin, "last_seq": 0, "last_hash": GENESIS}], ["origin"]
            )
            found = conn.execute(query).one()
        self._start = int(found[0])
        self.last_seq = self._start
        self.last_hash = str(found[1])

    def append(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """Give ``row`` its origin, sequence numbers and hash; return it (not yet inserted)."""
        self.last_seq += 1
        row["origin"] = self.origin
        row["origin_seq"] = self.last_seq
        row["chain_seq"] = self.last_seq
        row.pop("hash", None)
        row["hash"] = self.last_hash = link(self.last_hash, table, row)
        return row

    @property
    def grew(self) -> bool:
        return self.last_seq != self._start

    def save(self) -> None:
        """Move the chain's recorded tail (call once, after inserting the appended rows)."""
        if self.grew:
            self.conn.execute(
                update(ChainState)
                .where(ChainState.origin == self.origin)
                .values(last_seq=self.last_seq, last_hash=self.last_hash)
            )
            self._start = self.last_seq

    def record_head(self, now: float, every_s: float | None) -> dict[str, Any] | None:
        """Record the current head in ``chain_heads`` when it moved since the last record and
        ``every_s`` passed (``None``: now). Returns the recorded row, if any."""
        state = self.conn.execute(
            select(ChainState.head_recorded_seq, ChainState.head_recorded_at).where(
                ChainState.origin == self.origin
            )
        ).one()
        if self.last_seq == 0 or self.last_seq == state[0]:
            return None
        if every_s is not None and now - float(state[1]) < every_s:
            return None
        row = {"origin": self.origin, "chain_seq": self.last_seq, "hash": self.last_hash, "recorded_at": now}
        self.conn.execute(insert(ChainHead).values(**row))
        self.conn.execute(
            update(ChainState)
            .where(ChainState.origin == self.origin)
            .values(head_recorded_seq=self.last_seq, head_recorded_at=now)
        )
        return row
