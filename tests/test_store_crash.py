"""A writer process killed with SIGKILL at random moments, 50 times over one database file:
the file passes ``PRAGMA integrity_check`` every time, every write the writer reported (after
its commit returned) is there, and the audit chain verifies."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import time
from pathlib import Path

from desktop.store.api import Store
from desktop.store.audit import verify
from tests.store_helpers import new_ticket

KILLS = 50


def _writer(db: Path, report_fd: int, run: int) -> None:
    """The child: write tickets, their events and handovers as fast as it can; after each
    write returns, report it on the pipe."""
    store = Store.open(str(db), console_id="console-crash")
    i = 0
    while True:
        i += 1
        ticket = new_ticket("A10", f"VS-{run}-{i}")
        store.persist_ticket(ticket)
        os.write(report_fd, f"T {ticket.id} 1\n".encode())
        ticket.acknowledge("officer", 1.8e9 + i)
        ticket.assign("officer", "officer.wu", 1.8e9 + i)
        store.persist_ticket(ticket)
        os.write(report_fd, f"T {ticket.id} 3\n".encode())
        if i % 3 == 0:
            handover = store.save_handover("officer", f"run {run} item {i}")
            os.write(report_fd, f"H {handover} 0\n".encode())


def _run_and_kill(db: Path, run: int, delay: float) -> list[tuple[str, str, int]]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        try:
            _writer(db, write_fd, run)
        finally:
            os._exit(1)
    os.close(write_fd)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    data = b""
    while chunk := os.read(read_fd, 65536):
        data += chunk
    os.close(read_fd)
    reports = []
    for line in data.decode().splitlines():
        kind, key, n = line.split()
        reports.append((kind, key, int(n)))
    return reports


def test_sigkill_at_random_moments_loses_no_reported_commit(tmp_path: Path) -> None:
    db = tmp_path / "crash.sqlite3"
    rng = random.Random(20261121)
    reported: dict[tuple[str, str], int] = {}
    total = 0
    for run in range(KILLS):
        delay = rng.uniform(0.0, 0.15) if run else 0.02  # the first may die migrating
        for kind, key, n in _run_and_kill(db, run, delay):
            reported[(kind, key)] = max(reported.get((kind, key), 0), n)
            total += 1
        if not db.exists():
            continue
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], f"run {run}"
            migrated = _migrated(conn)
            stored = (
                dict(conn.execute("SELECT id, events_stored FROM tickets").fetchall()) if migrated else {}
            )
            handovers = {h for (h,) in conn.execute("SELECT id FROM handovers")} if migrated else set()
        for (kind, key), n in reported.items():
            if kind == "T":
                assert stored.get(key, 0) >= n, f"run {run}: reported commit of {key} ({n} events) lost"
            else:
                assert key in handovers, f"run {run}: reported handover {key} lost"
    assert total > KILLS  # the writer did get work done between the kills
    store = Store.open(str(db), console_id="console-crash")
    result = verify(store.engine)
    assert result.ok, result.problem
    assert result.rows >= sum(n for (kind, _), n in reported.items() if kind == "T")
    store.engine.dispose()


def _migrated(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'tickets'").fetchone()[0] == 1
