"""The message journal: what the pipeline accepted, in order, so a restart can replay it.

The pipeline is deterministic: the same messages at the same console-clock readings give the
same trips, seal states, positions, rule contexts, dedup windows and timers. So instead of
storing that state, the ingest writer appends every *accepted* message (validated, not a
duplicate; rejected ones are in ``quarantine``) to ``message_journal`` — topic, raw payload
and the clock reading the pipeline processed it at — in the same transaction as the rest of
the batch, before the batch is acknowledged. At start, ``desktop/store/journal_replay.py``
re-ingests the journal in order on a simulated clock.

Housekeeping (:func:`prune_journal`, run by the ingest writer every ``prune_every_s``) keeps the
journal bounded: a row older than the retention window (the pipeline's ``retain_ended_s``,
24 h) is deleted unless a live trip holds the message in its log (or it is an order of a live
trip). So the rows of a retired trip (retired 24 h after it ended) go at the next pass, and
messages that never belonged to a trip go once they are older than the window.

    rows = [journal_row(env, payload)]        # under the pipeline lock, right after ingest
    write_journal(conn, rows)                 # in the batch's transaction
    for entry in iter_journal(store): ...     # journal order
    prune_journal(store, pipeline, lock)      # housekeeping
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

from sqlalchemy import Connection, Table, delete, func, select

from desktop.models.pipeline import Pipeline
from desktop.models.validation import Envelope
from desktop.store.api import Store
from desktop.store.schema_journal import JournalMark, JournalRow
from desktop.store.upsert import upsert

log = logging.getLogger(__name__)

READ_CHUNK: Final = 5000  # rows per read transaction while replaying
DELETE_CHUNK: Final = 2000  # ids per DELETE ... WHERE id IN (...)
_JOURNAL: Final[Table] = JournalRow.__table__  # type: ignore[assignment]
_COLUMNS: Final = ("received_at", "topic", "payload", "device", "seq")
#: the journal's row as :func:`journal_row` makes it (in ``_COLUMNS`` order)
JournalValues = tuple[float, str, bytes, str, int]
_ORDER_PREFIX: Final = "order:"
CONSOLE_TIME: Final = "console_time"


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One journaled message."""

    id: int
    received_at: float  # the pipeline's clock reading when it processed the message
    topic: str
    payload: bytes


def journal_row(env: Envelope, payload: bytes) -> JournalValues:
    """The journal row of an accepted message (its envelope and the raw bytes received)."""
    raw = payload if isinstance(payload, bytes) else bytes(payload)
    return (env.received_at, env.topic, raw, env.device, env.seq)


def write_journal(conn: Connection, rows: Sequence[JournalValues]) -> None:
    """Append rows in the caller's transaction, in the given order: one DBAPI ``executemany``
    of plain tuples (no per-row SQLAlchemy processing: the journal takes every message)."""
    if rows:
        marks = ", ".join(["?" if conn.dialect.paramstyle == "qmark" else "%s"] * len(_COLUMNS))
        sql = f"INSERT INTO {_JOURNAL.name} ({', '.join(_COLUMNS)}) VALUES ({marks})"
        conn.exec_driver_sql(sql, list(rows))


def write_mark(conn: Connection, console_time: float) -> None:
    """Record, in the caller's transaction, the console time the committed state reaches."""
    upsert(conn, JournalMark, {"name": CONSOLE_TIME, "value": console_time}, ["name"])


def read_mark(conn: Connection) -> float | None:
    """The console time the last ingest commit reached (``None``: nothing committed yet)."""
    value = conn.execute(select(JournalMark.value).where(JournalMark.name == CONSOLE_TIME)).scalar()
    return None if value is None else float(value)


def iter_journal(store: Store, *, after: int = 0, chunk: int = READ_CHUNK) -> Iterator[JournalEntry]:
    """Every journal row with ``id > after``, in journal order, read ``chunk`` rows at a time
    (each chunk its own short read transaction: writers are never held up)."""
    last = after
    query = select(_JOURNAL.c.id, _JOURNAL.c.received_at, _JOURNAL.c.topic, _JOURNAL.c.payload)
    while True:
        with store.read() as conn:
            rows = conn.execute(query.where(_JOURNAL.c.id > last).order_by(_JOURNAL.c.id).limit(chunk)).all()
        for row_id, received_at, topic, payload in rows:
            yield JournalEntry(int(row_id), float(received_at), str(topic), bytes(payload))
        if len(rows) < chunk:
            return
        last = int(rows[-1][0])


def _delete(conn: Connection, ids: list[int]) -> None:
    conn.execute(delete(_JOURNAL).where(_JOURNAL.c.id.in_(ids)))


def journal_count(conn: Connection) -> int:
    """Rows in the journal."""
    return int(conn.execute(select(func.count()).select_from(_JOURNAL)).scalar_one())


def prune_journal(
    store: Store,
    pipeline: Pipeline,
    lock: AbstractContextManager[Any],
    *,
    now: float | None = None,
    retention_s: float | None = None,
    limit: int | None = None,
) -> int:
    """Delete the journal rows a restart no longer needs; return how many went.

    A row goes when it is older than ``retention_s`` (default: the pipeline's
    ``retain_ended_s``) by the console clock, and no live trip holds its message: neither in
    the trip's log (``(device, seq)``) nor as the trip's order. The lock is held only to list
    the live trips; their logs only ever grow, and what grows is newer than the window.

    Args:
        store: the store.
        pipeline: the live pipeline (its trips say what is still needed).
        lock: the lock that guards the pipeline.
        now: the console time (default: the pipeline's clock).
        retention_s: how long messages that belong to no live trip are kept.
        limit: delete at most this many rows in this pass (``None``: all).
    """
    with lock:
        trips = list(pipeline.trips.values())
        now = pipeline.clock.now() if now is None else now
    horizon = now - (pipeline.retain_ended_s if retention_s is None else retention_s)
    live_orders = {trip.order_no for trip in trips}
    needed: set[tuple[str, int]] = set()
    for trip in trips:
        for _, env in list(trip.log):  # a copy: ingest may append meanwhile
            if env.received_at < horizon:
                needed.add((env.device, env.seq))
    doomed: list[int] = []
    with store.read() as conn:
        old = conn.execute(
            select(_JOURNAL.c.id, _JOURNAL.c.device, _JOURNAL.c.seq)
            .where(_JOURNAL.c.received_at < horizon)
            .order_by(_JOURNAL.c.id)
        )
        for row_id, device, seq in old:
            if (device, seq) in needed:
                continue
            if device.startswith(_ORDER_PREFIX) and device[len(_ORDER_PREFIX) :] in live_orders:
                continue
            doomed.append(int(row_id))
            if limit is not None and len(doomed) >= limit:
                break
    for start in range(0, len(doomed), DELETE_CHUNK):
        store.write(partial(_delete, ids=doomed[start : start + DELETE_CHUNK]))
    if doomed:
        log.info("journal: %d messages no live trip needs, older than %.0f, deleted", len(doomed), horizon)
    return len(doomed)
