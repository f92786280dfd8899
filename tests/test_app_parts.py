"""The app's Qt-free parts: the ticket writer thread, the store sampler, the stored quarantine
and track readers, the mirror's applier of other consoles' events and the mirror wiring.

Real store on temporary SQLite files; the mirror test uses a throw-away PostgreSQL database.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from desktop.app_mirror import MERGED, ConsoleMirror, RemoteApplier
from desktop.app_store import StoredQuarantineReader, StoreSampler, TicketWriter
from desktop.live.stored_track import StoreTrackSource, track_from_rows
from desktop.live.track import ChainedTrackSource, PipelineTrackSource
from desktop.models.ticket import Evidence, Ticket, TicketStatus
from desktop.store.api import Store
from desktop.store.merge import MergedTicket
from desktop.store.mirror_pull import RemoteBatch
from desktop.store.reload import load_open_tickets
from desktop.store.schema_ops import QuarantineRow as StoredQuarantine
from desktop.store.schema_trips import OrderRow, TrackPoint, TripRow
from tests.pgdb import temp_database
from tests.workflow_support import a06, seal_broken


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(str(tmp_path / "console.sqlite3"), console_id="console-1")
    yield s
    s.close()


def stored_events(store: Store, ticket_id: str) -> list[tuple[int, str, str]]:
    with store.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT seq, kind, actor FROM ticket_events WHERE ticket_id = ? ORDER BY seq", (ticket_id,)
        ).all()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


# -- the ticket writer --------------------------------------------------------------------------------


def test_the_writer_stores_what_the_ticket_was_when_handed_over(store: Store) -> None:
    ticket = a06(seal_broken())
    writer = TicketWriter(store.persist_tickets)
    try:
        ticket.acknowledge("lin.officer", 1.0)
        writer.persist(ticket)
        ticket.dispatch("lin.officer", 2.0)  # changed after the hand-over: not in that write
        assert writer.flush(10)
        assert len(stored_events(store, ticket.id)) in (2, 3)  # the thread may have run before
        writer.persist(ticket)
        assert writer.flush(10)
        assert stored_events(store, ticket.id) == [
            (1, "raised", "system"),
            (2, "acknowledged", "lin.officer"),
            (3, "dispatched", "lin.officer"),
        ]
        assert writer.pending == 0 and writer.last_error == ""
    finally:
        assert writer.close()


def test_a_failed_write_is_retried_in_order_and_nothing_is_lost(store: Store) -> None:
    ticket = a06(seal_broken())
    attempts: list[int] = []
    broken = threading.Event()
    broken.set()

    def persist(tickets: Sequence[Ticket]) -> None:
        attempts.append(len(tickets))
        if broken.is_set():
            raise OSError("disk full")
        store.persist_tickets(tickets)

    writer = TicketWriter(persist, retry_s=0.05)
    try:
        ticket.acknowledge("lin.officer", 1.0)
        writer.persist(ticket)
        deadline = time.monotonic() + 10
        while writer.failures < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert writer.failures >= 2 and "disk full" in writer.last_error
        assert writer.pending == 1 and stored_events(store, ticket.id) == []
        ticket.dispatch("lin.officer", 2.0)
        writer.persist(ticket)
        broken.clear()
        assert writer.flush(10)
        assert [kind for _, kind, _ in stored_events(store, ticket.id)] == [
            "raised",
            "acknowledged",
            "dispatched",
        ]
        assert writer.last_error == ""
    finally:
        writer.close()


# -- the status figures and the quarantine browser ----------------------------------------------------


def quarantine(store: Store, n: int, start: float) -> None:
    with store.session() as session:
        for i in range(n):
            raw = f"{{broken {start + i}".encode()
            topic = f"jmc/v1/keelung/obu/OBU-{i}/telemetry"
            session.add(
                StoredQuarantine(
                    topic=topic, raw=raw, received_at=start + i, reason="obu telemetry: not valid JSON",
                    origin="console-1", digest=hashlib.sha256(topic.encode() + b"\0" + raw).hexdigest(),
                )
            )  # fmt: skip


def test_the_sampler_counts_the_stored_quarantine(store: Store) -> None:
    sampler = StoreSampler(store)
    sampler.sample()
    assert sampler.quarantined == 0
    quarantine(store, 3, 100.0)
    sampler.sample()
    assert sampler.quarantined == 3


def test_the_quarantine_reader_gives_stored_rows_once_oldest_first(store: Store) -> None:
    quarantine(store, 3, 100.0)
    reader = StoredQuarantineReader(store.quarantine_rows)
    first = reader()
    assert [r.received_at for r in first] == [100.0, 101.0, 102.0]
    assert first[0].device == "OBU-0"
    assert reader() == []
    quarantine(store, 2, 200.0)
    assert [r.received_at for r in reader()] == [200.0, 201.0]


# -- replay tracks from the store ---------------------------------------------------------------------


def test_stored_rows_become_a_replay_track() -> None:
    track = track_from_rows("ORD-9", [(20.0, 25.1, 121.7, None), (10.0, 25.0, 121.6, 30.0)])
    assert [(p.ts, p.lat, p.lon) for p in track.points] == [(10.0, 25.0, 121.6), (20.0, 25.1, 121.7)]
    assert track.speeds == ((10.0, 30.0),)
    assert (track.start, track.end) == (10.0, 20.0)


def test_the_store_answers_for_a_trip_the_pipeline_no_longer_holds(store: Store) -> None:
    def add_track(conn: object) -> None:
        execute = conn.execute  # type: ignore[attr-defined]
        execute(
            OrderRow.__table__.insert(),
            [{"order_no": "ORD-OLD", "region": "keelung", "ts": 1.0, "status": "open",
              "origin_site": "A", "dest_site": "B", "max_transit_min": 60, "plate": None,
              "obu_id": "OBU-1", "payload_json": "{}"}],
        )  # fmt: skip
        execute(
            TripRow.__table__.insert(),
            [{"order_no": "ORD-OLD", "region": "keelung", "phase": "completed", "opened_ts": 1.0,
              "t_dep": 2.0, "t_arr": 3.0, "t_complete": 4.0, "cancelled": False, "track_points": 2,
              "updated_at": 5.0}],
        )  # fmt: skip
        execute(
            TrackPoint.__table__.insert(),
            [{"trip_id": "ORD-OLD", "ts": 2.0, "lat": 25.0, "lon": 121.6, "speed_kmh": 40.0},
             {"trip_id": "ORD-OLD", "ts": 32.0, "lat": 25.01, "lon": 121.61, "speed_kmh": 38.0}],
        )  # fmt: skip

    store.write(add_track)
    h = seal_broken()
    source = ChainedTrackSource(
        PipelineTrackSource(h.pipeline, threading.Lock()), StoreTrackSource(store.trip_track)
    )
    live = source.trip_track("ORD-1")
    assert live is not None and live.events  # the pipeline's track, with its seal events
    old = source.trip_track("ORD-OLD")
    assert old is not None and len(old.points) == 2 and old.speeds == ((2.0, 40.0), (32.0, 38.0))
    assert source.trip_track("ORD-NONE") is None


def test_an_unreadable_store_track_is_no_track() -> None:
    def broken(trip_id: str) -> list[tuple[float, float, float, float | None]]:
        raise OSError("database unavailable")

    assert StoreTrackSource(broken).trip_track("ORD-1") is None


# -- other consoles' events ---------------------------------------------------------------------------


def merged_state(ticket: Ticket, **changes: object) -> MergedTicket:
    fields: dict[str, object] = {
        "ticket_id": ticket.id, "status": ticket.status, "resolution": None, "closed_at": None,
        "findings": "", "evidence": Evidence(), "assignee": None, "actions": (), "escalated": False,
        "severity": None, "order_no": None, "withdrawn": False, "history": (), "echoes": {}, "conflicts": (),
    }  # fmt: skip
    fields.update(changes)
    return MergedTicket(**fields)  # type: ignore[arg-type]


def test_the_applier_converges_live_tickets_tells_the_listeners_and_stores_them(store: Store) -> None:
    h = seal_broken()
    ticket = a06(h)
    store.persist_ticket(ticket)
    heard: list[tuple[str, str]] = []
    h.pipeline.book.subscribe(lambda change, t: heard.append((change, t.id)))
    writer = TicketWriter(store.persist_tickets)
    lock = threading.Lock()
    applier = RemoteApplier(h.pipeline.book, lock, writer.persist)
    try:
        changed = merged_state(
            ticket, status=TicketStatus.ACKNOWLEDGED, assignee="wang.officer", findings="seen on CCTV"
        )
        unknown = merged_state(ticket, ticket_id="A06-not-here")
        applier(RemoteBatch(merged={ticket.id: changed, "A06-not-here": unknown}))
        assert ticket.status is TicketStatus.ACKNOWLEDGED and ticket.assignee == "wang.officer"
        assert heard == [(MERGED, ticket.id)]
        assert writer.flush(10)
        [again] = load_open_tickets(store)
        assert (again.status, again.assignee, again.findings) == (
            TicketStatus.ACKNOWLEDGED, "wang.officer", "seen on CCTV",
        )  # fmt: skip
        assert applier.apply(RemoteBatch(merged={ticket.id: changed})) == []  # nothing new: nothing told
        assert heard == [(MERGED, ticket.id)]
    finally:
        writer.close()


def test_without_an_upstream_there_is_no_mirror(store: Store) -> None:
    h = seal_broken()
    mirror = ConsoleMirror.configure(store, h.pipeline.book, threading.Lock(), None)
    mirror.start()
    assert mirror.worker is None and mirror.backlog() is None and store.on_commit == []
    mirror.stop()


def test_the_mirror_pushes_after_each_commit(store: Store) -> None:
    h = seal_broken()
    ticket = a06(h)
    with temp_database("jmc_app_mirror") as url:
        mirror = ConsoleMirror.configure(store, h.pipeline.book, threading.Lock(), url)
        assert mirror.worker is not None and mirror.worker.wake in store.on_commit
        mirror.start()
        try:
            ticket.acknowledge("lin.officer", 1.0)
            store.persist_ticket(ticket)
            deadline = time.monotonic() + 30
            status = mirror.status()
            while (
                time.monotonic() < deadline and status is not None and (status.pushed < 3 or status.backlog)
            ):
                time.sleep(0.05)
                status = mirror.status()
            assert status is not None and status.connected and status.backlog == 0, status
            assert mirror.backlog() == 0
            engine = create_engine(url)
            try:
                with engine.connect() as conn:
                    kinds = conn.execute(
                        text("SELECT kind FROM ticket_events WHERE ticket_id = :t ORDER BY seq"),
                        {"t": ticket.id},
                    ).scalars()
                    assert list(kinds) == ["raised", "acknowledged"]
            finally:
                engine.dispose()
        finally:
            mirror.stop()
    assert store.on_commit == []
