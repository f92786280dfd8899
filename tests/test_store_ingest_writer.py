"""The ingest writer (no broker): effects of messages committed in batches, acknowledgements
only for committed batches and in receive order, downsampled tracks, quarantine, tickets."""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from desktop.store.api import Store
from desktop.store.audit import verify
from desktop.store.ingest_writer import IngestRecorder
from tests.helpers import IN_ORIGIN, Harness, route


class Recorded(Harness):
    """A harness whose every message also goes through an :class:`IngestRecorder`."""

    def attach(self, store: Store, **kw: Any) -> list[int]:
        self.acked: list[int] = []
        self.lock = threading.Lock()
        self.token = 0
        self.recorder = IngestRecorder(store, self.pipeline, self.lock, self._ack, **kw)
        self.db = Path(str(store.engine.url.database))
        self.on_ack: Any = None
        return self.acked

    def _ack(self, tokens: Sequence[Any]) -> None:
        if self.on_ack is not None:
            self.on_ack(tokens)
        self.acked.extend(tokens)

    def send(self, topic: str, payload: dict[str, Any] | bytes | str, at: float | None = None) -> str:
        with self.lock:
            result = super().send(topic, payload, at)
            self.token += 1
            self.recorder.record(f"jmc/v1/{self.region}/{topic}", _raw(payload), result, self.token)
        return result


def _raw(payload: dict[str, Any] | bytes | str) -> bytes:
    import json

    if isinstance(payload, dict):
        return json.dumps(payload).encode()
    return payload.encode() if isinstance(payload, str) else payload


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(str(tmp_path / "store.sqlite3"), console_id="console-w")


def test_nothing_is_acknowledged_before_it_is_committed(store: Store) -> None:
    h = Recorded()
    acked = h.attach(store)

    def check_committed(tokens: Sequence[Any]) -> None:
        with sqlite3.connect(h.db) as other:  # another connection sees committed data only
            rows = other.execute("SELECT count(*) FROM quarantine").fetchone()[0]
        assert rows >= max(tokens)  # every message here is a distinct rejected one

    h.on_ack = check_committed
    for i in range(30):
        h.send(f"obu/OBU-{i}/telemetry", f"not json {i}")
        if i % 7 == 0:
            assert h.recorder.flush() > 0
    h.recorder.flush()
    assert acked == list(range(1, 31))
    assert store.quarantine_count() == 30
    newest = store.quarantine_rows(limit=3)
    assert [q.raw for q in newest] == [b"not json 29", b"not json 28", b"not json 27"]
    assert all(q.reason for q in newest)
    assert len(store.quarantine_rows(limit=100, reason=newest[0].reason[:10])) == 30
    assert store.quarantine_rows(limit=100, reason="no such reason") == []


def test_a_failed_commit_acknowledges_nothing_and_is_retried(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = Recorded()
    acked = h.attach(store)
    real_write = store.write
    failures = [RuntimeError("disk full")]

    def failing_write(work: Any) -> Any:
        if failures:
            raise failures.pop()
        return real_write(work)

    monkeypatch.setattr(store, "write", failing_write)
    h.send("obu/OBU-1/telemetry", "garbage 1")
    with pytest.raises(RuntimeError, match="disk full"):
        h.recorder.flush()
    assert acked == [] and store.quarantine_count() == 0 and h.recorder.unsaved == 1
    h.send("obu/OBU-1/telemetry", "garbage 2")
    assert h.recorder.flush() == 1  # the failed batch first, then the next
    assert h.recorder.flush() == 1
    assert acked == [1, 2] and store.quarantine_count() == 2


def test_trip_tracks_are_downsampled_and_capped(store: Store) -> None:
    h = Recorded()
    h.attach(store, track_every_s=30.0, track_cap=12)
    h.depart_active(1)
    m = 3.0
    for lat, lon in route(40):  # a fix every 10 s of device time
        m += 1 / 6
        h.fix(m, lat, lon, speed=42.0)
        if int(m * 6) % 9 == 0:
            h.recorder.flush()
    h.recorder.flush()
    track = store.trip_track("ORD-1")
    assert len(track) == 12  # capped
    times = [ts for ts, _, _, _ in track]
    assert times == sorted(times)
    assert all(b - a >= 30.0 for a, b in itertools.pairwise(times))
    assert track[0][1:3] == pytest.approx(IN_ORIGIN)
    assert track[-1][3] == 42.0
    with store.read() as conn:
        phase, points = conn.exec_driver_sql("SELECT phase, track_points FROM trips").one()
        order = conn.exec_driver_sql("SELECT obu_id, status FROM orders").one()
    assert phase == "departed" and points == 12
    assert tuple(order) == ("OBU-1", "open")
    assert store.trip_track("ORD-404") == []


def test_fixes_sent_before_their_order_are_in_the_track(store: Store) -> None:
    h = Recorded()
    h.attach(store)
    h.fix(1, *IN_ORIGIN, speed=0)
    h.fix(2, *route(5)[1])
    h.order(minutes=0, at=3)
    h.recorder.flush()
    assert [p[0] for p in store.trip_track("ORD-1")] == [h.pipeline.trips["ORD-1"].log[0][0][0], _t(2)]


def _t(minutes: float) -> float:
    from tests.helpers import T

    return T(minutes)


def test_tickets_raised_by_ingest_are_stored_with_their_events(store: Store) -> None:
    h = Recorded()
    h.attach(store)
    h.depart_active(1)
    h.drive(3, 4, pin="abnormal")
    h.recorder.flush()
    tickets = {t.id: t for t in h.pipeline.book.tickets.values()}
    assert tickets
    with store.read() as conn:
        stored = {r[0]: r[1:] for r in conn.exec_driver_sql("SELECT id, code, occurrences FROM tickets")}
        events = conn.exec_driver_sql("SELECT count(*) FROM ticket_events").scalar_one()
    assert {tid: (t.code, t.occurrences) for tid, t in tickets.items()} == {
        k: tuple(v) for k, v in stored.items()
    }
    assert events == sum(len(t.events) for t in tickets.values())
    assert verify(store.engine).ok


def _wait_for(condition: Any, seconds: float) -> bool:
    pause = threading.Event()
    for _ in range(int(seconds / 0.02)):
        if condition():
            return True
        pause.wait(0.02)
    return bool(condition())


def test_the_writer_thread_flushes_a_small_batch_after_flush_s(store: Store) -> None:
    h = Recorded()
    acked = h.attach(store, flush_s=0.02, flush_msgs=500)
    h.recorder.start()
    try:
        for i in range(3):
            h.send(f"obu/OBU-{i}/telemetry", f"bad {i}")
        assert _wait_for(lambda: len(acked) == 3, 10)
    finally:
        h.recorder.stop()
    assert acked == [1, 2, 3]


def test_the_writer_thread_flushes_a_full_batch_at_once(store: Store) -> None:
    h = Recorded()
    acked = h.attach(store, flush_s=120.0, flush_msgs=5)  # the timer would not fire in this test
    h.recorder.start()
    try:
        h.recorder.flush()  # the thread is now waiting out its (long) timer
        for i in range(5):
            h.send(f"obu/OBU-{i}/telemetry", f"bad {i}")
        assert _wait_for(lambda: len(acked) == 5, 10)
    finally:
        h.recorder.stop()
