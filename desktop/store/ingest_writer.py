"""Committing what ingest did before the broker hears it was done (commit-before-ack).

:class:`IngestRecorder` collects, on the ingest thread and under the service's pipeline lock,
each message's acknowledgement token and its effects: a quarantine row, candidate track
points, the trips and tickets it touched. A writer thread takes a batch every ``flush_s``
seconds or ``flush_msgs`` messages: under the same lock it swaps the batch out and snapshots
the touched trips and tickets (so the snapshot includes every effect of every message in the
batch), then writes it all in one ``BEGIN IMMEDIATE`` transaction, commits (``synchronous=
FULL``), and only then acknowledges the batch's messages, in receive order. If the commit
fails, nothing is acknowledged and the batch is retried; the broker's *Receive Maximum*
stops deliveries meanwhile. A console killed at any moment therefore loses nothing the
broker delivered: what was not acknowledged is delivered again, and every write is
idempotent (track points by ``(trip, ts)``, quarantine by digest, ticket events by seq).

Every accepted message also goes to the message journal (``desktop/store/journal.py``) in
the same transaction, so what was acknowledged can be replayed at the next start; the writer
thread prunes the journal every ``prune_every_s``.

Tracks are downsampled here: at most one point per ``track_every_s`` of device time per trip,
at most ``track_cap`` points per trip; a fix earlier than the trip's last kept point is dropped.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Connection, func, select

from desktop.models.pipeline import ACCEPTED, REJECTED, Pipeline
from desktop.models.ticket import Ticket
from desktop.models.trips import Trip
from desktop.models.validation import TELEMETRY
from desktop.store.api import Store
from desktop.store.journal import JournalValues, journal_row, prune_journal, write_journal, write_mark
from desktop.store.schema_ops import QuarantineRow
from desktop.store.schema_trips import OrderRow, TrackPoint, TripRow
from desktop.store.tickets_io import snapshot
from desktop.store.upsert import insert_ignore, upsert

log = logging.getLogger(__name__)

Fix = tuple[str, float, float, float, float | None]  # trip id, ts, lat, lon, speed


class _TelemetryFix(msgspec.Struct):
    ts: datetime
    lat: float
    lon: float
    speed_kmh: float | None = None


_decode_fix = msgspec.json.Decoder(_TelemetryFix).decode


@dataclass(slots=True)
class _Batch:
    tokens: list[Any] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    journal: list[JournalValues] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    trips: set[str] = field(default_factory=set)
    tickets: dict[str, Ticket] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.tokens) + len(self.tickets)


@dataclass(slots=True)
class _Snapshot:
    tokens: list[Any]
    quarantine: list[dict[str, Any]]
    journal: list[JournalValues]
    fixes: list[Fix]
    orders: list[dict[str, Any]]
    trips: list[dict[str, Any]]
    tickets: list[Ticket]
    console_time: float  # the pipeline's, when the batch was taken: the state reaches it


class IngestRecorder:
    """Batches ingest effects into the store and acknowledges after the commit.

    Args:
        store: where to write.
        pipeline: the pipeline the effects come from.
        lock: the lock that guards ``pipeline`` (held by the caller of :meth:`record`).
        ack: called with the tokens of a committed batch, in receive order.
        prune_every_s: how often the writer thread prunes the message journal (``None``: never).
        journal_retention_s: keep journaled messages no live trip needs this long (default:
            the pipeline's ``retain_ended_s``).
    """

    def __init__(
        self,
        store: Store,
        pipeline: Pipeline,
        lock: threading.Lock,
        ack: Callable[[Sequence[Any]], None],
        *,
        flush_s: float = 0.05,
        flush_msgs: int = 500,
        track_every_s: float = 30.0,
        track_cap: int = 6000,
        prune_every_s: float | None = 600.0,
        journal_retention_s: float | None = None,
    ) -> None:
        self.store = store
        self.pipeline = pipeline
        self._lock = lock
        self._ack = ack
        self.flush_s = flush_s
        self.flush_msgs = flush_msgs
        self.track_every_s = track_every_s
        self.track_cap = track_cap
        self.prune_every_s = prune_every_s
        self.journal_retention_s = journal_retention_s
        self._next_prune = time.monotonic() + (prune_every_s or 0.0)
        self.pruned = 0  # journal rows deleted by housekeeping
        self._batch = _Batch()
        self._retry: _Snapshot | None = None
        self._by_device: dict[str, set[str]] = {}  # obu/seal id -> order numbers
        self._indexed: set[str] = set()  # orders seen (their earlier fixes were taken)
        self._tracks: dict[str, tuple[float, int]] = {}  # trip -> (last kept ts, points)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._flush_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="jmc-store-writer", daemon=True)
        self.committed = 0  # messages committed and acknowledged
        self.batches = 0
        self.errors = 0
        self.last_error = ""
        pipeline.book.subscribe(self.ticket_changed)

    @property
    def unsaved(self) -> int:
        """Messages received and not yet committed."""
        return len(self._batch.tokens) + (len(self._retry.tokens) if self._retry else 0)

    # -- ingest side (under the pipeline lock) -----------------------------------------------

    def record(self, topic: str, payload: bytes, result: str, token: Any) -> None:
        """Note the effects of one message the pipeline just processed."""
        batch = self._batch
        batch.tokens.append(token)
        if result == REJECTED and self.pipeline.quarantine:
            q = self.pipeline.quarantine[-1]
            digest = hashlib.sha256(q.topic.encode("utf-8", "replace") + b"\0" + q.raw).hexdigest()
            batch.quarantine.append(
                {
                    "digest": digest,
                    "origin": self.store.console_id,
                    "topic": q.topic,
                    "raw": q.raw,
                    "received_at": q.received_at,
                    "reason": q.reason,
                }
            )
        elif result == ACCEPTED:
            env = self.pipeline.last_accepted
            if env is not None:
                batch.journal.append(journal_row(env, payload))
            self._note_accepted(topic, payload, batch)
        if len(batch) >= self.flush_msgs:
            self._wake.set()

    def ticket_changed(self, change: str, ticket: Ticket) -> None:
        """TicketBook listener (called under the pipeline lock)."""
        self._batch.tickets[ticket.id] = ticket

    def _note_accepted(self, topic: str, payload: bytes, batch: _Batch) -> None:
        parts = topic.split("/")
        if len(parts) < 5:
            return
        kind, ident = parts[3], parts[4]
        trips = self.pipeline.trips
        if kind == "order":
            trip = trips.get(ident)
            if trip is not None:
                new = ident not in self._indexed
                self._index(trip)
                batch.trips.add(ident)
                for _, env in trip.log if new else ():  # messages that arrived before their order
                    if env.kind == TELEMETRY:
                        msg: Any = env.msg
                        batch.fixes.append((ident, env.ts, msg.lat, msg.lon, _speed(msg.speed_kmh)))
            return
        orders = self._by_device.get(ident)
        if not orders:
            return
        if kind == "obu":
            fix: _TelemetryFix | None = None
            for order_no in list(orders):
                trip = trips.get(order_no)
                if trip is None or trip.obu_id != ident:
                    orders.discard(order_no)
                    continue
                batch.trips.add(order_no)
                if fix is None:
                    try:
                        fix = _decode_fix(payload)
                    except msgspec.DecodeError:
                        return
                ts = fix.ts.timestamp()
                if ts >= trip.opened_ts - trip.lookback_s:
                    batch.fixes.append((order_no, ts, fix.lat, fix.lon, fix.speed_kmh))
        elif kind in ("seal", "nfc"):
            for order_no in list(orders):
                trip = trips.get(order_no)
                if trip is None or ident not in trip.seal_ids:
                    orders.discard(order_no)
                else:
                    batch.trips.add(order_no)

    def adopt(self, trips: Iterable[Trip]) -> None:
        """Take trips the pipeline already holds (rebuilt from the journal at start) as if their
        orders had just been recorded: their later messages update their rows and tracks. Their
        earlier fixes are in the store already. Call under the pipeline lock, before ingest."""
        for trip in trips:
            self._index(trip)

    def _index(self, trip: Trip) -> None:
        if len(self._indexed) > 200_000:
            self._indexed.clear()
        self._indexed.add(trip.order_no)
        devices = [trip.obu_id] if trip.obu_id else []
        for device in [*devices, *trip.seal_ids]:
            self._by_device.setdefault(device, set()).add(trip.order_no)

    # -- writer side ------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Commit what is pending and stop the writer thread."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        self.flush()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.flush_s)
            self._wake.clear()
            try:
                self.flush()
            except Exception as exc:  # keep the batch; retry after a pause (nothing is acknowledged)
                self.errors += 1
                self.last_error = f"store write failed: {exc}"
                log.exception("store write failed; retrying")
                self._stop.wait(1.0)
                continue
            if self.prune_every_s is not None and time.monotonic() >= self._next_prune:
                self._prune()

    def _prune(self) -> None:
        """One housekeeping pass over the journal (at most 50,000 rows; soon again if more)."""
        assert self.prune_every_s is not None
        limit = 50_000
        try:
            deleted = prune_journal(
                self.store, self.pipeline, self._lock, retention_s=self.journal_retention_s, limit=limit
            )
        except Exception:  # the journal only grows meanwhile; nothing is lost
            log.exception("journal pruning failed; trying again later")
            deleted = 0
        self.pruned += deleted
        self._next_prune = time.monotonic() + (1.0 if deleted >= limit else self.prune_every_s)

    def flush(self) -> int:
        """Write and commit the pending batch, then acknowledge it; return its message count."""
        with self._flush_lock:
            snap = self._retry or self._take()
            if snap is None:
                return 0
            self._retry = snap
            kept = self.store.write(lambda conn: self._write(conn, snap))
            self._tracks.update(kept)  # only once committed
            self._retry = None
            self.last_error = ""
            self._ack(snap.tokens)
            self.committed += len(snap.tokens)
            self.batches += 1
            return len(snap.tokens)

    def _take(self) -> _Snapshot | None:
        with self._lock:
            batch = self._batch
            if not batch.tokens and not batch.tickets:
                return None
            self._batch = _Batch()
            trips = self.pipeline.trips
            now = time.time()
            orders: list[dict[str, Any]] = []
            trip_rows: list[dict[str, Any]] = []
            for order_no in sorted(batch.trips):
                trip = trips.get(order_no)
                if trip is not None:
                    orders.append(_order_row(trip))
                    trip_rows.append(_trip_row(trip, now))
            tickets = [snapshot(t) for t in batch.tickets.values()]
        return _Snapshot(
            batch.tokens,
            batch.quarantine,
            batch.journal,
            batch.fixes,
            orders,
            trip_rows,
            tickets,
            self.pipeline.console_time,
        )

    def _write(self, conn: Connection, snap: _Snapshot) -> dict[str, tuple[float, int]]:
        """Write a batch; return the trips' track states as they are once it is committed."""
        now = time.time()
        points, kept = self._downsample(conn, snap.fixes, {t["order_no"] for t in snap.trips})
        for row in snap.trips:
            row["track_points"] = kept.get(row["order_no"], self._tracks.get(row["order_no"], (0.0, 0)))[1]
        write_journal(conn, snap.journal)
        write_mark(conn, snap.console_time)
        upsert(conn, OrderRow, snap.orders, ["order_no"])
        upsert(conn, TripRow, snap.trips, ["order_no"])
        insert_ignore(conn, TrackPoint, points, ["trip_id", "ts"])
        insert_ignore(conn, QuarantineRow, snap.quarantine, ["digest"])
        if snap.tickets:
            self.store.write_tickets(conn, snap.tickets, now)
        return kept

    def _downsample(
        self, conn: Connection, fixes: list[Fix], written: set[str]
    ) -> tuple[list[dict[str, Any]], dict[str, tuple[float, int]]]:
        tracks = self._tracks
        unknown = {f[0] for f in fixes if f[0] not in tracks and f[0] in written}
        if unknown:
            found = conn.execute(
                select(TrackPoint.trip_id, func.max(TrackPoint.ts), func.count())
                .where(TrackPoint.trip_id.in_(unknown))
                .group_by(TrackPoint.trip_id)
            ).all()
            for trip_id, last, count in found:
                tracks[str(trip_id)] = (float(last), int(count))
            for trip_id in unknown - {str(r[0]) for r in found}:
                tracks[trip_id] = (float("-inf"), 0)
            while len(tracks) > 100_000:  # forget the oldest trips (re-read if they come back)
                del tracks[next(iter(tracks))]
        points: list[dict[str, Any]] = []
        kept: dict[str, tuple[float, int]] = {}
        every, cap = self.track_every_s, self.track_cap
        for trip_id, ts, lat, lon, speed in fixes:
            state = kept.get(trip_id) or tracks.get(trip_id)
            if state is None or trip_id not in written:
                continue  # its trip row is not in this batch (retired meanwhile)
            last, count = state
            if ts >= last + every and count < cap:
                kept[trip_id] = (ts, count + 1)
                points.append({"trip_id": trip_id, "ts": ts, "lat": lat, "lon": lon, "speed_kmh": speed})
        return points, kept


def _speed(value: Any) -> float | None:
    return value if isinstance(value, float | int) and not isinstance(value, bool) else None


def _order_row(trip: Trip) -> dict[str, Any]:
    order = trip.order
    return {
        "order_no": order.order_no,
        "region": trip.region,
        "ts": order.ts.timestamp(),
        "status": order.status,
        "origin_site": order.origin_site,
        "dest_site": order.dest_site,
        "max_transit_min": order.max_transit_min,
        "plate": order.plate if isinstance(order.plate, str) else None,
        "obu_id": trip.obu_id,
        "payload_json": msgspec.json.encode(order).decode(),
    }


def _trip_row(trip: Trip, now: float) -> dict[str, Any]:
    p = trip.progress
    return {
        "order_no": trip.order_no,
        "region": trip.region,
        "phase": trip.phase,
        "opened_ts": trip.opened_ts,
        "t_dep": p.t_dep,
        "t_arr": p.t_arr,
        "t_complete": p.t_complete,
        "cancelled": trip.cancelled,
        "track_points": 0,
        "updated_at": now,
    }
