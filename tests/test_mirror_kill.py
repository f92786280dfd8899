"""The mirror process killed (SIGKILL) between the upstream commit and the local "sent" mark,
50 times: the batch is sent again and upstream ends with every row once, no gap, a valid chain."""

from __future__ import annotations

import os
import random
import signal
from pathlib import Path

from sqlalchemy import create_engine, select, text

from desktop.store.api import Store
from desktop.store.audit import verify
from desktop.store.mirror import AFTER_UPSTREAM_COMMIT, MirrorWorker
from desktop.store.mirror_push import AUDITED, read_batch
from tests.mirror_support import write_dispositions
from tests.pgdb import temp_database

KILLS = 50
BATCH = 10
CONSOLE = "kh-01"


def _child(db: Path, url: str, kill_at: int) -> None:
    """Runs in the forked process: push until the ``kill_at``-th upstream commit, then die there."""
    try:
        store = Store.open(str(db), console_id=CONSOLE)
        calls = 0

        def fault(point: str) -> None:
            nonlocal calls
            assert point == AFTER_UPSTREAM_COMMIT
            calls += 1
            if calls >= kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

        MirrorWorker(store, url, fault=fault, batch_size=BATCH, pull=False).push_pending()
    finally:
        os._exit(0)  # only reached when the backlog ran out before the kill


def _first_unsent_is_upstream(store: Store, url: str) -> bool:
    """Whether the oldest unsent batch's audited rows are already upstream (killed after commit)."""
    with store.read() as conn:
        items = [i for i in read_batch(conn, BATCH) if i.table in AUDITED]
    if not items:
        return False
    engine = create_engine(url)
    try:
        with engine.connect() as up:
            for item in items:
                table = AUDITED[item.table]
                found = up.execute(select(table.id).where(table.event_id == item.row["event_id"])).first()
                if found is None:
                    return False
    finally:
        engine.dispose()
    return True


def test_fifty_kills_between_upstream_commit_and_sent_mark(tmp_path: Path) -> None:
    db = tmp_path / "console.sqlite3"
    store = Store.open(str(db), console_id=CONSOLE)
    write_dispositions(store, 1200, tickets=20, per_commit=10)
    rng = random.Random(7)
    with temp_database("jmc_mirror_kill") as url:
        MirrorWorker(store, url, pull=False, batch_size=BATCH).push_pending(max_batches=1)
        kills = resent = 0
        for _ in range(KILLS):
            store.engine.dispose()  # no pooled connection crosses the fork
            pid = os.fork()
            if pid == 0:
                _child(db, url, rng.randint(1, 3))
            _, wait_status = os.waitpid(pid, 0)
            assert os.WIFSIGNALED(wait_status), "the child ran out of backlog before its kill"
            assert os.WTERMSIG(wait_status) == signal.SIGKILL
            kills += 1
            resent += _first_unsent_is_upstream(store, url)
        assert kills == KILLS
        assert resent == KILLS  # each kill left a committed batch unmarked, to be sent again
        clean = MirrorWorker(store, url, pull=False, batch_size=500)
        clean.push_pending()
        clean.stop()
        with store.read() as conn:
            local = {name: conn.execute(select(t.event_id)).scalars().all() for name, t in AUDITED.items()}
            backlog = conn.exec_driver_sql("SELECT count(*) FROM outbox WHERE sent_at IS NULL").scalar_one()
        assert backlog == 0
        engine = create_engine(url)
        try:
            with engine.connect() as up:
                for name, table in AUDITED.items():
                    upstream = up.execute(select(table.event_id)).scalars().all()
                    assert len(upstream) == len(set(upstream)) == len(local[name])  # no duplicate
                    assert set(upstream) == set(local[name])  # no gap
                seqs = up.execute(
                    text(
                        "SELECT origin_seq FROM ticket_events UNION ALL SELECT origin_seq FROM dispositions "
                        "UNION ALL SELECT origin_seq FROM signoffs"
                    )
                ).scalars()
                ordered = sorted(seqs)
                assert ordered == list(range(1, len(ordered) + 1))
                pushed = up.execute(
                    text("SELECT last_seq FROM mirror_origins WHERE origin = :o"), {"o": CONSOLE}
                )
                assert pushed.scalar_one() == len(ordered)
            assert verify(engine).ok
        finally:
            engine.dispose()
    store.close()
