"""Commit before acknowledge, end to end: a console process with a store, fed by a real
Mosquitto over a persistent session, is killed with SIGKILL mid-stream and restarted, several
times. Afterwards every message the field published has its effect in the store (no gap) and
no ticket event is stored twice."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop.ingest.localbroker import LocalMosquitto, mosquitto_available
from desktop.models.timeutil import format_rfc3339
from desktop.store.api import Store
from desktop.store.audit import verify
from tests.helpers import CONTAINER, CONTAINER_2, ROOT
from tests.mqtt_traffic import Field, wait_until

pytestmark = pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed")

CONSOLE = "console-kill"
ROUNDS = 3  # kills at least (more while the field is still publishing)
PER_KIND = 600  # messages of each kind: orders, unscanned gate passes (A11), rejected payloads


def messages(now: float) -> list[tuple[str, bytes]]:
    """Interleaved orders, A11 gate passes and garbage; each has its own row in the store."""
    out: list[tuple[str, bytes]] = []
    for i in range(PER_KIND):
        ts = format_rfc3339(now - 600 + i * 0.5)
        order = {
            "v": 1,
            "order_no": f"ORD-K{i}",
            "ts": ts,
            "status": "open",
            "origin_site": "EX-YARD-A",
            "dest_site": "EX-TERM-B",
            "max_transit_min": 600,
            "containers": [{"container_no": CONTAINER, "seal_id": f"PS-K{i}", "seal_type": "passive"}],
        }
        gate = {
            "v": 1,
            "gate_id": "EX-GATE-1",
            "seq": i + 1,
            "ts": ts,
            "site_code": "EX-YARD-A",
            "direction": "out",
            "container_nos": [CONTAINER_2],
            "scan_required": True,
            "scanned": False,
        }
        out.append((f"jmc/v1/keelung/order/ORD-K{i}", json.dumps(order).encode()))
        out.append(("jmc/v1/keelung/gate/EX-GATE-1/pass", json.dumps(gate).encode()))
        out.append(("jmc/v1/keelung/obu/OBU-K/telemetry", f"garbage #{i}".encode()))
    return out


class Console:
    """``tests/store_console.py`` in its own process."""

    def __init__(self, db: Path, url: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.store_console", str(db), url, CONSOLE],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        assert line == "ready", f"console said {line!r}"

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL
        self.proc.wait(10)

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(20)


def _counts(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db, timeout=10) as conn:
        orders = conn.execute("SELECT count(*) FROM orders WHERE order_no LIKE 'ORD-K%'").fetchone()[0]
        a11 = conn.execute("SELECT count(*) FROM tickets WHERE code = 'A11'").fetchone()[0]
        garbage = conn.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    return orders, a11, garbage


def test_killed_mid_stream_the_console_loses_nothing_and_stores_nothing_twice(
    broker: LocalMosquitto, tmp_path: Path
) -> None:
    db = tmp_path / "console.sqlite3"
    Console(db, broker.url).kill()  # the console's persistent session and subscriptions exist
    field = Field(broker.port, "field-kill")
    traffic = messages(time.time())
    sender = threading.Thread(target=field.send, args=(traffic, 0.01))
    rng = random.Random(7)
    kills = 0
    try:
        console = Console(db, broker.url)
        sender.start()
        while sender.is_alive() or kills < ROUNDS:
            time.sleep(rng.uniform(0.2, 0.8))
            console.kill()
            kills += 1
            console = Console(db, broker.url)
        sender.join()
        wait_until(lambda: field.acked >= len(traffic), 60, "the broker took every message")
        wait_until(lambda: _counts(db) == (PER_KIND, PER_KIND, PER_KIND), 60, "every effect stored")
        console.stop()
    finally:
        field.close()
    assert kills >= ROUNDS
    with sqlite3.connect(db) as conn:
        quarantined = {raw for (raw,) in conn.execute("SELECT raw FROM quarantine")}
        subjects = {s for (s,) in conn.execute("SELECT subject FROM tickets WHERE code = 'A11'")}
        twice = conn.execute(
            "SELECT ticket_id, kind, count(*) FROM ticket_events GROUP BY ticket_id, kind HAVING count(*) > 1"
        ).fetchall()
        raised = conn.execute("SELECT count(*) FROM ticket_events WHERE kind = 'raised'").fetchone()[0]
    assert quarantined == {f"garbage #{i}".encode() for i in range(PER_KIND)}
    assert subjects == {f"EX-GATE-1#{i + 1}" for i in range(PER_KIND)}
    assert twice == []
    assert raised == PER_KIND
    store = Store.open(str(db), console_id=CONSOLE)
    assert verify(store.engine).ok
    store.engine.dispose()
