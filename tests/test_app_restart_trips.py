"""Ongoing trips survive a console that is killed (SIGKILL) mid-stream, on a real Mosquitto.

A console process (the app's own ``Backend``: store, journal replay at start, commit-before-ack
ingest) takes scenario traffic from the field over a persistent session and is killed at random
moments, then started again, several times. An officer acknowledges a ticket through the app's
``TicketActions`` in between. At the end the store's tickets (ids, codes, status, occurrences,
histories) are those of an uninterrupted pipeline fed the same traffic, the acknowledged one is
still acknowledged, no event is stored twice, and the trips rebuilt from the store are the
uninterrupted pipeline's.

The console process is this module: ``python -m tests.test_app_restart_trips DB BROKER_URL``.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from desktop.ingest.localbroker import LocalMosquitto, mosquitto_available
from desktop.models.clock import SystemClock
from desktop.models.config import RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.models.ticket import TicketStatus
from desktop.store.api import Store
from desktop.store.audit import verify
from desktop.store.journal_replay import restore_pipeline
from tests.helpers import ROOT, ROSTER, SITES
from tests.mqtt_traffic import Field, wait_until
from tests.scenario_gen import Message, scenario

CONSOLE = "console-restart"
ROUNDS = 3  # kills at least

pytestmark = pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed")


# -- the console process ------------------------------------------------------------------------------


def console_main(db: str, url: str) -> None:
    """The app's backend on ``db`` and the broker at ``url``; ``ack <ticket id>`` on stdin
    acknowledges a ticket as the officer (answering ``acked``); stdin closed: a clean stop."""
    from desktop.app_backend import Backend
    from desktop.workflow.actions import TicketActions
    from tests.workflow_support import OFFICER

    store = Store.open(db, console_id=CONSOLE)
    backend = Backend(SITES, ROSTER, RuleConfig.load(), store=store, broker_url=url, console_id=CONSOLE)
    backend.prepare()
    backend.start()
    service, writer = backend.service, backend.writer
    assert service is not None and writer is not None
    deadline = time.monotonic() + 20
    while not service.link.connected and time.monotonic() < deadline:
        time.sleep(0.01)
    print("ready" if service.link.connected else "not connected", flush=True)
    actions = TicketActions.for_service(service, persist=writer.persist, user=OFFICER)
    for line in sys.stdin:
        command, _, ticket_id = line.strip().partition(" ")
        if command == "ack":
            actions.acknowledge(ticket_id)
            print("acked", flush=True)
    backend.stop()
    store.close()


class Console:
    def __init__(self, db: Path, url: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.test_app_restart_trips", str(db), url],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.readline() == "ready"

    def readline(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def acknowledge(self, ticket_id: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"ack {ticket_id}\n")
        self.proc.stdin.flush()
        assert self.readline() == "acked"

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no flush, no goodbye
        self.proc.wait(10)

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        assert self.proc.wait(30) == 0


# -- the reference and the store ----------------------------------------------------------------------


def uninterrupted(messages: list[Message]) -> Pipeline:
    """The same traffic through one pipeline that never stops (housekeeping between messages)."""
    pipeline = Pipeline(SITES, ROSTER, RuleConfig.load(), SystemClock())
    for _, topic, raw in messages:
        pipeline.advance()
        pipeline.ingest(topic, raw)
    pipeline.advance()
    return pipeline


def stored_tickets(db: Path) -> dict[str, tuple[str, str, int, list[str]]]:
    """The store's tickets that are not withdrawn: code, status, occurrences, event kinds."""
    with sqlite3.connect(db, timeout=10) as conn:
        rows = conn.execute("SELECT id, code, status, occurrences FROM tickets").fetchall()
        kinds: dict[str, list[str]] = {}
        for ticket_id, kind in conn.execute(
            "SELECT ticket_id, kind FROM ticket_events ORDER BY ticket_id, seq"
        ):
            kinds.setdefault(ticket_id, []).append(kind)
    return {
        tid: (code, status, occurrences, kinds.get(tid, []))
        for tid, code, status, occurrences in rows
        if kinds.get(tid, ["?"])[-1] != "withdrawn"
    }


def journal_size(db: Path) -> int:
    with sqlite3.connect(db, timeout=10) as conn:
        return int(conn.execute("SELECT count(*) FROM message_journal").fetchone()[0])


def trips_of(pipeline: Pipeline) -> dict[str, tuple[Any, ...]]:
    """What a trip is in device time (console-clock readings differ between the two runs)."""
    return {
        n: (t.phase, t.progress.milestones(), dict(t.progress.seals), [k for k, _ in t.log])
        for n, t in pipeline.trips.items()
    }


def test_killed_mid_stream_the_console_comes_back_with_its_trips_and_ends_as_if_never_stopped(
    broker: LocalMosquitto, tmp_path: Path
) -> None:
    messages = scenario(3, trips=20)
    reference = uninterrupted(messages)
    expected = {
        t.id: (t.code, str(t.status), t.occurrences, [e.kind for e in t.events])
        for t in reference.book.tickets.values()
    }
    to_acknowledge = min(
        t.id for t in reference.book.tickets.values() if t.code == "S8" and t.status is TicketStatus.OPEN
    )
    db = tmp_path / "console.sqlite3"
    Console(db, broker.url).kill()  # the console's persistent session and subscription exist
    field = Field(broker.port, "field-restart")
    sent = [(topic, raw) for _, topic, raw in messages]
    sender = threading.Thread(target=field.send, args=(sent, 0.03))
    rng = random.Random(11)
    kills = 0
    acknowledged = False
    try:
        console = Console(db, broker.url)
        sender.start()
        while sender.is_alive() or kills < ROUNDS:
            time.sleep(rng.uniform(0.3, 0.9))
            if not acknowledged and to_acknowledge in stored_tickets(db):
                console.acknowledge(to_acknowledge)
                wait_until(
                    lambda: stored_tickets(db)[to_acknowledge][1] == "acknowledged", 10, "the acknowledgement"
                )
                acknowledged = True
                time.sleep(rng.uniform(0.1, 0.4))
            console.kill()
            kills += 1
            console = Console(db, broker.url)
        sender.join()
        wait_until(lambda: field.acked >= len(messages), 60, "the broker took every message")
        wait_until(lambda: journal_size(db) >= len(messages), 60, "every message journaled")
        wait_until(lambda: set(stored_tickets(db)) >= set(expected), 30, "every ticket stored")
        console.stop()
    finally:
        field.close()
    assert kills >= ROUNDS and acknowledged

    got = stored_tickets(db)
    code, status, occurrences, kinds = got.pop(to_acknowledge)
    want = expected.pop(to_acknowledge)
    assert status == "acknowledged"  # the officer's action survived every restart
    assert (code, occurrences) == (want[0], want[2])
    assert Counter(kinds) == Counter([*want[3], "acknowledged"])
    assert got == expected  # ids, codes, status, occurrences, histories: no duplicate, none missing

    store = Store.open(str(db), console_id=CONSOLE)
    try:
        assert verify(store.engine).ok
        rebuilt = Pipeline(SITES, ROSTER, RuleConfig.load(), SystemClock())
        report = restore_pipeline(store, rebuilt, prune=False)
        assert report.replayed == journal_size(db)
        assert trips_of(rebuilt) == trips_of(reference)
    finally:
        store.engine.dispose()


if __name__ == "__main__":
    console_main(*sys.argv[1:3])
