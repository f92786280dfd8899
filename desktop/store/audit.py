"""Verifying the audit chain (``jmc-console audit verify``).

Streams the three audited tables of each origin in ``chain_seq`` order (plain SQL rows, no
ORM objects), recomputes every hash (:mod:`desktop.store.chain`) and stops at the first row
that is wrong, naming its table, id and why. Also checks every recorded chain head (a
rewritten tail no longer matches a head recorded, and pushed upstream, before), the chain's
tail against ``chain_state``, and that every sign-off's ``seen_head`` is a hash of the chain
before it.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Table, select, union

from desktop.store.chain import GENESIS
from desktop.store.schema import AUDITED_TABLES
from desktop.store.schema_tickets import ChainHead, ChainState

_BATCH = 20_000


@dataclass(frozen=True, slots=True)
class Problem:
    """The first bad row of a chain."""

    origin: str
    table: str
    row_id: int | None
    chain_seq: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.table} id={self.row_id}" if self.row_id is not None else self.table
        seq = f" chain_seq={self.chain_seq}" if self.chain_seq is not None else ""
        return f"origin {self.origin}: {where}{seq}: {self.reason}"


@dataclass(slots=True)
class VerifyResult:
    """What :func:`verify` found: rows checked per origin, and the first problem (if any)."""

    rows: int = 0
    origins: dict[str, int] = field(default_factory=dict)
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


class _Columns:
    """How to read one audited table quickly: column names and which ones are booleans."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.name = table.name
        self.columns = [c for c in table.columns if c.name != "hash"]
        self.names = [c.name for c in self.columns]
        self.booleans = [i for i, c in enumerate(self.columns) if c.type.python_type is bool]
        self.seq_index = self.names.index("chain_seq")
        self.id_index = self.names.index("id")


def _stream(conn: Connection, spec: _Columns, origin: str) -> Iterator[tuple[int, str, Sequence[Any], str]]:
    table = spec.table
    query = select(*spec.columns, table.c.hash).where(table.c.origin == origin).order_by(table.c.chain_seq)
    result = conn.execution_options(stream_results=True, yield_per=_BATCH).execute(query)
    seq_index = spec.seq_index
    for row in result:
        yield (row[seq_index], spec.name, row, row[-1])


def _canonical(spec: _Columns, row: Sequence[Any]) -> bytes:
    values = list(row[:-1])
    for i in spec.booleans:
        if values[i] is not None:
            values[i] = bool(values[i])
    body = dict(zip(spec.names, values, strict=True))
    del body["id"]
    body["table"] = spec.name
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _origins(conn: Connection) -> list[str]:
    sources = [select(t.origin).distinct() for t in AUDITED_TABLES]
    sources.append(select(ChainState.origin))
    return sorted(str(r[0]) for r in conn.execute(union(*sources)))


def verify(engine: Engine | Connection, origin: str | None = None) -> VerifyResult:
    """Check the whole chain of ``origin`` (default: every origin in the database)."""
    result = VerifyResult()
    if isinstance(engine, Engine):
        with engine.connect() as conn:
            return verify(conn, origin)
    conn = engine
    for name in [origin] if origin is not None else _origins(conn):
        count, problem = _verify_origin(conn, name)
        result.origins[name] = count
        result.rows += count
        if problem is not None:
            result.problem = problem
            return result
    return result


def _verify_origin(conn: Connection, origin: str) -> tuple[int, Problem | None]:
    specs = {t.__tablename__: _Columns(t.__table__) for t in AUDITED_TABLES}  # type: ignore[arg-type]
    signoffs = specs["signoffs"]
    heads = {
        int(seq): (str(h), int(i))
        for seq, h, i in conn.execute(
            select(ChainHead.chain_seq, ChainHead.hash, ChainHead.id).where(ChainHead.origin == origin)
        )
    }
    seen_index = signoffs.names.index("seen_head")
    wanted = {
        str(r[0]): None
        for r in conn.execute(select(signoffs.table.c.seen_head).where(signoffs.table.c.origin == origin))
    }
    found_at: dict[str, int] = {GENESIS: 0}
    streams = [_stream(conn, spec, origin) for spec in specs.values()]
    previous, expected = GENESIS, 1
    sha256 = hashlib.sha256
    origin_seq_index = {name: spec.names.index("origin_seq") for name, spec in specs.items()}
    for seq, table, row, stored in heapq.merge(*streams, key=lambda item: item[0]):
        spec = specs[table]
        reason = ""
        if seq != expected:
            if seq < expected:
                reason = f"chain_seq {seq} appears twice (a row was inserted or copied)"
            else:
                reason = f"chain_seq {expected} is missing (a row was deleted)"
        elif row[origin_seq_index[table]] != seq:
            reason = "origin_seq differs from chain_seq"
        elif sha256(previous.encode("ascii") + _canonical(spec, row)).hexdigest() != stored:
            reason = "hash mismatch: the row or one before it was edited or moved"
        elif table == "signoffs" and row[seen_index] not in found_at:
            reason = "the chain head the signer saw is not in the chain before it"
        elif seq in heads and heads[seq][0] != stored:
            reason = f"differs from chain head #{heads[seq][1]} recorded at this chain_seq"
        if reason:
            return expected - 1, Problem(origin, table, row[spec.id_index], seq, reason)
        if stored in wanted:
            found_at.setdefault(stored, seq)
        previous, expected = stored, expected + 1
    last = expected - 1
    beyond = [seq for seq in heads if seq > last]
    if beyond:
        seq = min(beyond)
        return last, Problem(
            origin, "chain_heads", heads[seq][1], seq, f"recorded head is beyond the chain's end ({last})"
        )
    state = conn.execute(
        select(ChainState.last_seq, ChainState.last_hash).where(ChainState.origin == origin)
    ).first()
    if state is not None and (int(state[0]), str(state[1])) != (last, previous):
        return last, Problem(
            origin,
            "chain_state",
            None,
            int(state[0]),
            f"says the chain ends at {state[0]}, it ends at {last}",
        )
    return last, None
