"""The mirror through an upstream outage: the outbox keeps everything, the status says what is
wrong, and once upstream is back every disposition arrives exactly once (real PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.store.api import Store
from desktop.store.audit import verify
from desktop.store.mirror import MirrorWorker
from desktop.store.upstream import make_upstream_engine
from tests.mirror_support import count_upstream, unreachable, wait_for, write_dispositions
from tests.pgdb import temp_database

DISPOSITIONS = 5000


@pytest.fixture
def upstream_url() -> Iterator[str]:
    with temp_database("jmc_mirror_outage") as url:
        yield url


def test_five_thousand_dispositions_written_during_an_outage_arrive_exactly_once(
    tmp_path: Path, upstream_url: str
) -> None:
    store = Store.open(str(tmp_path / "console.sqlite3"), console_id="kh-01")
    worker = MirrorWorker(store, upstream_url, poll_s=0.2, backoff_s=0.1, backoff_max_s=1.0, pull=False)
    worker.sync_once()  # reachable first: the schema is made
    assert worker.status().connected
    worker.start()
    try:
        with unreachable(upstream_url):
            write_dispositions(store, DISPOSITIONS, tickets=100, per_commit=250)
            worker.wake()
            assert wait_for(lambda: worker.status().last_error is not None, 30)
            status = worker.status()
            assert not status.connected
            assert "unreachable" in (status.last_error or ""), status.last_error
            assert wait_for(lambda: worker.status().backlog >= DISPOSITIONS, 30)
        assert wait_for(lambda: worker.status().backlog == 0 and worker.status().connected, 60)
    finally:
        worker.stop()
    count = "SELECT count(*) FROM dispositions WHERE origin = 'kh-01' AND kind = 'action'"
    distinct = "SELECT count(DISTINCT event_id) FROM dispositions WHERE kind = 'action'"
    assert count_upstream(upstream_url, count) == DISPOSITIONS
    assert count_upstream(upstream_url, distinct) == DISPOSITIONS
    with store.read() as conn:
        local_rows = conn.exec_driver_sql("SELECT count(*) FROM ticket_events").scalar_one()
    assert count_upstream(upstream_url, "SELECT count(*) FROM ticket_events") == local_rows
    status = worker.status()
    assert status.last_error is None and status.last_success_at is not None
    engine = make_upstream_engine(upstream_url)
    try:
        assert verify(engine).ok  # the chain upstream is whole and in order
    finally:
        engine.dispose()
    store.close()


def test_an_unreachable_port_is_reported_and_nothing_is_marked_sent(tmp_path: Path) -> None:
    from tests.mirror_support import free_port

    store = Store.open(str(tmp_path / "console.sqlite3"), console_id="kh-01")
    write_dispositions(store, 10, tickets=2, per_commit=5)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere"
    worker = MirrorWorker(store, url, pull=False)
    with pytest.raises(Exception, match=r"refused|connect"):
        worker.sync_once()
    worker.start()
    try:
        assert wait_for(lambda: worker.status().last_error is not None, 30)
    finally:
        worker.stop()
    status = worker.status()
    assert not status.connected and status.backlog > 0 and status.pushed == 0
    assert "unreachable" in (status.last_error or "")
    store.close()


def test_no_upstream_means_local_only(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "console.sqlite3"), console_id="kh-01")
    worker = MirrorWorker(store, None)
    worker.start()
    worker.stop()
    status = worker.status()
    assert not status.configured and not status.connected and status.upstream is None
    store.close()
