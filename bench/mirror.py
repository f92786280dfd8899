"""Upstream mirror drain: a backlog of 5,000 dispositions (written through the Store API while
no upstream was there) pushed to a fresh PostgreSQL database by the mirror worker.

Baseline, measured in the same run on the same outbox rows: copying the raw payloads into a
plain upstream table (one ``executemany``, no merge, no conflict handling). Target: the drain
takes at most 10 s.
Last line: ``mirror_drain_s=D baseline_copy_s=B ratio=R outbox_rows=N``.

    .venv/bin/python bench/mirror.py [--dispositions 5000] [--tickets 100]

``measure_mirror_drain()`` is importable (bench/store.py): it returns the drain seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from desktop.store.api import Store  # noqa: E402
from desktop.store.mirror import MirrorWorker  # noqa: E402
from tests.mirror_support import write_dispositions  # noqa: E402
from tests.pgdb import temp_database  # noqa: E402


def _baseline_copy(store: Store, url: str) -> float:
    """Seconds to copy the outbox payloads into a bare upstream table."""
    with store.read() as conn:
        rows = [
            {"id": i, "payload": p}
            for i, p in conn.exec_driver_sql("SELECT id, payload_json FROM outbox WHERE sent_at IS NULL")
        ]
    engine = create_engine(url)
    try:
        with engine.begin() as up:
            up.execute(text("CREATE TABLE bench_copy (id integer PRIMARY KEY, payload text NOT NULL)"))
        started = time.perf_counter()
        with engine.begin() as up:
            up.execute(text("INSERT INTO bench_copy (id, payload) VALUES (:id, :payload)"), rows)
        return time.perf_counter() - started
    finally:
        engine.dispose()


def run(dispositions: int = 5000, tickets: int = 100) -> tuple[float, float, int]:
    """(drain seconds, baseline seconds, outbox rows) on a fresh store and database."""
    folder = tempfile.TemporaryDirectory(prefix="jmc-bench-mirror-")
    with folder as tmp, temp_database("jmc_bench_mirror") as url:
        store = Store.open(str(Path(tmp) / "console.sqlite3"), console_id="bench-mirror")
        write_dispositions(store, dispositions, tickets=tickets, per_commit=250)
        baseline = _baseline_copy(store, url)
        worker = MirrorWorker(store, url, pull=False)
        worker.engine()  # connect and create the upstream schema before timing
        pending = worker.local_counts()[0]
        started = time.perf_counter()
        worker.push_pending()
        seconds = time.perf_counter() - started
        left = worker.local_counts()[0]
        worker.stop()
        store.close()
        if left:
            raise SystemExit(f"the mirror left {left} outbox rows unsent")
        return seconds, baseline, pending


def measure_mirror_drain(dispositions: int = 5000) -> float:
    """Seconds the mirror takes to drain a backlog of ``dispositions`` dispositions."""
    return run(dispositions)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dispositions", type=int, default=5000)
    parser.add_argument("--tickets", type=int, default=100)
    args = parser.parse_args()
    seconds, baseline, rows = run(args.dispositions, args.tickets)
    print(f"dispositions={args.dispositions} outbox_rows={rows} rows_per_s={rows / seconds:.0f}", flush=True)
    print(
        f"mirror_drain_s={seconds:.2f} baseline_copy_s={baseline:.2f} "
        f"ratio={seconds / baseline:.1f} outbox_rows={rows}"
    )


if __name__ == "__main__":
    main()
