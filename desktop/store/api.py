"""The store's public API: :class:`Store` (see docs/store.md).

    store = Store.open(console_id="jmc-kh-01")       # or Store.open("sqlite:///x.db", console_id=...)
    store.persist_ticket(ticket)                    # durable before it returns
    head = store.chain_head()                       # show to a signer; ticket.sign_off(..., seen=head)
    with store.session() as s: ...                  # an ORM session (commits on success)

Every write takes the database's write lock (SQLite ``BEGIN IMMEDIATE``) and is committed
with ``synchronous=FULL`` before the call returns. Call it off the GUI thread.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import shapely.geometry
from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from desktop.models.sites import SiteIndex
from desktop.models.ticket import Ticket
from desktop.models.validation import QuarantineRecord
from desktop.store import migrate
from desktop.store.chain import GENESIS, ChainWriter, canonical_json
from desktop.store.engine import make_engine, reader, resolve_url
from desktop.store.outbox import write_outbox
from desktop.store.schema_journal import JournalRow
from desktop.store.schema_ops import HandoverRow, QuarantineRow
from desktop.store.schema_tickets import ChainState
from desktop.store.schema_trips import GateRow, SiteRow, TrackPoint
from desktop.store.tickets_io import Outbox, write_ticket
from desktop.store.upsert import upsert

log = logging.getLogger(__name__)
T = TypeVar("T")
TrackRow = tuple[float, float, float, float | None]

#: how often (seconds) a write records the chain head in ``chain_heads`` when the chain grew
HEAD_EVERY_S = 60.0


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says why."""


class Store:
    """The console's durable store. Thread-safe: share one instance."""

    def __init__(self, engine: Engine, console_id: str) -> None:
        if not console_id:
            raise StoreError("a store needs the console's id (its origin in the audit chain)")
        self.engine = engine
        self.console_id = console_id
        self.read_engine = reader(engine)
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.head_every_s = HEAD_EVERY_S
        #: called (on the committing thread) after every write transaction commits, e.g. the
        #: mirror worker's ``wake``; a hook that raises is logged, never propagated
        self.on_commit: list[Callable[[], None]] = []

    @classmethod
    def open(cls, url: str | None = None, *, console_id: str) -> Store:
        """Open (creating and migrating to the newest schema) the store at ``url``.

        Args:
            url: SQLAlchemy URL or a SQLite file path; default ``$JMC_DB_URL``, else
                ``console.sqlite3`` in the user's data directory.
            console_id: this console's id (the ``origin`` of what it writes).
        """
        resolved = resolve_url(url)
        engine = make_engine(resolved)
        try:
            migrate.upgrade(engine)
        except Exception as exc:
            engine.dispose()
            raise StoreError(f"cannot open the store at {engine.url!r}: {exc}") from exc
        return cls(engine, console_id)

    def close(self) -> None:
        """Record the chain head (if it moved) and release every connection."""
        self.record_chain_head()
        self.engine.dispose()

    # -- transactions -------------------------------------------------------------------------

    def write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one write transaction and commit it durably; return its result."""
        with self.engine.begin() as conn:
            result = work(conn)
        self._committed()
        return result

    @contextmanager
    def session(self) -> Iterator[Session]:
        """An ORM session in a write transaction: committed on success, rolled back on error."""
        with self._sessions.begin() as session:
            yield session
        self._committed()

    def _committed(self) -> None:
        for hook in list(self.on_commit):
            try:
                hook()
            except Exception:
                log.exception("after-commit hook %r failed", hook)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only connection whose transaction never blocks writers."""
        with self.read_engine.connect() as conn:
            yield conn

    # -- tickets and the audit chain -------------------------------------------------------------

    def persist_ticket(self, ticket: Ticket) -> None:
        """Upsert the ticket and append its unstored events (hash-chained), with their
        dispositions, sign-offs and outbox rows, in one durable transaction."""
        self.persist_tickets([ticket])

    def persist_tickets(self, tickets: Sequence[Ticket], now: float | None = None) -> None:
        """:meth:`persist_ticket` for several tickets in one transaction."""
        stamp = time.time() if now is None else now

        def work(conn: Connection) -> None:
            self.write_tickets(conn, tickets, stamp)

        self.write(work)

    def write_tickets(self, conn: Connection, tickets: Sequence[Ticket], now: float) -> None:
        """Write tickets inside the caller's transaction (used by the ingest writer)."""
        chain = ChainWriter(conn, self.console_id)
        outbox: Outbox = []
        for ticket in tickets:
            write_ticket(conn, chain, ticket, outbox)
        chain.save()
        head = chain.record_head(now, self.head_every_s)
        if head is not None:
            outbox.append(("chain_heads", f"{head['origin']}:{head['chain_seq']}", head))
        write_outbox(conn, self.console_id, outbox, now)

    def chain_head(self) -> str:
        """The hash of this console's latest audited row (:data:`GENESIS` when none)."""
        with self.read() as conn:
            found = conn.execute(
                select(ChainState.last_hash).where(ChainState.origin == self.console_id)
            ).scalar()
        return GENESIS if found is None else str(found)

    def record_chain_head(self) -> None:
        """Record the current chain head in ``chain_heads`` now (if it moved since the last)."""
        now = time.time()

        def work(conn: Connection) -> None:
            head = ChainWriter(conn, self.console_id).record_head(now, None)
            if head is not None:
                write_outbox(
                    conn,
                    self.console_id,
                    [("chain_heads", f"{self.console_id}:{head['chain_seq']}", head)],
                    now,
                )

        self.write(work)

    # -- handovers ----------------------------------------------------------------------------------

    def save_handover(
        self,
        from_user: str,
        notes: str,
        tickets: Sequence[dict[str, Any]] = (),
        *,
        to_user: str | None = None,
        at: float | None = None,
    ) -> str:
        """Record a shift handover; return its id. ``tickets``: a JSON-able summary per ticket."""
        row: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "origin": self.console_id,
            "from_user": from_user,
            "to_user": to_user,
            "created_at": time.time() if at is None else at,
            "notes": notes,
            "tickets_json": canonical_json(list(tickets)),
            "acknowledged_by": None,
            "acknowledged_at": None,
        }

        def work(conn: Connection) -> None:
            conn.execute(insert(HandoverRow), [row])
            write_outbox(
                conn, self.console_id, [("handovers", str(row["id"]), row)], float(row["created_at"])
            )

        self.write(work)
        return str(row["id"])

    def acknowledge_handover(self, handover_id: str, user: str, at: float | None = None) -> None:
        """Mark a handover acknowledged by ``user``; a second acknowledgement is refused."""
        when = time.time() if at is None else at

        def work(conn: Connection) -> None:
            found = conn.execute(select(HandoverRow).where(HandoverRow.id == handover_id)).mappings().first()
            if found is None:
                raise StoreError(f"no handover {handover_id}")
            if found["acknowledged_by"] is not None:
                raise StoreError(
                    f"handover {handover_id} was already acknowledged by {found['acknowledged_by']}"
                )
            conn.execute(
                update(HandoverRow)
                .where(HandoverRow.id == handover_id)
                .values(acknowledged_by=user, acknowledged_at=when)
            )
            row = {**dict(found), "acknowledged_by": user, "acknowledged_at": when}
            write_outbox(conn, self.console_id, [("handovers", handover_id, row)], when)

        self.write(work)

    def open_handovers(self) -> list[HandoverRow]:
        """Handovers not yet acknowledged, oldest first (detached ORM rows)."""
        with self._sessions() as session:
            rows = session.scalars(
                select(HandoverRow)
                .where(HandoverRow.acknowledged_at.is_(None))
                .order_by(HandoverRow.created_at)
            ).all()
            session.expunge_all()
        return list(rows)

    # -- sites, telemetry and quarantine ---------------------------------------------------------

    def save_sites(self, sites: SiteIndex) -> None:
        """Store (replace) the sites with their geofences and the gates."""
        site_rows = [
            {
                "code": s.code,
                "name_zh": s.name_zh,
                "name_en": s.name_en,
                "region": s.region,
                "kind": s.kind,
                "geofence_geojson": canonical_json(shapely.geometry.mapping(s.polygon)),
            }
            for s in sites.sites.values()
        ]
        gate_rows = [
            {
                "gate_id": g.gate_id,
                "site_code": g.site_code,
                "name_zh": g.name_zh,
                "name_en": g.name_en,
                "lon": g.lon,
                "lat": g.lat,
            }
            for g in sites.gates.values()
        ]

        def work(conn: Connection) -> None:
            upsert(conn, SiteRow, site_rows, ["code"])
            upsert(conn, GateRow, gate_rows, ["gate_id"])

        self.write(work)

    def trip_track(self, trip_id: str) -> list[TrackRow]:
        """The trip's stored track: ``(ts, lat, lon, speed_kmh)`` by device time."""
        with self.read() as conn:
            rows = conn.execute(
                select(TrackPoint.ts, TrackPoint.lat, TrackPoint.lon, TrackPoint.speed_kmh)
                .where(TrackPoint.trip_id == trip_id)
                .order_by(TrackPoint.ts)
            ).all()
        return [(float(r[0]), float(r[1]), float(r[2]), None if r[3] is None else float(r[3])) for r in rows]

    def quarantine_rows(self, limit: int = 500, reason: str | None = None) -> list[QuarantineRecord]:
        """The newest rejected messages (``reason``: a substring to filter on), newest first."""
        query = select(
            QuarantineRow.topic, QuarantineRow.raw, QuarantineRow.received_at, QuarantineRow.reason
        )
        if reason:
            query = query.where(QuarantineRow.reason.contains(reason, autoescape=True))
        query = query.order_by(QuarantineRow.received_at.desc(), QuarantineRow.id.desc()).limit(limit)
        with self.read() as conn:
            return [
                QuarantineRecord(str(t), bytes(r), float(at), str(why))
                for t, r, at, why in conn.execute(query)
            ]

    def quarantine_count(self) -> int:
        with self.read() as conn:
            return int(conn.execute(select(func.count()).select_from(QuarantineRow)).scalar_one())

    def journal_count(self) -> int:
        """Messages in the message journal (replayed at start; see desktop/store/journal.py)."""
        with self.read() as conn:
            return int(conn.execute(select(func.count()).select_from(JournalRow)).scalar_one())
