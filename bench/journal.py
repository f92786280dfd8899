"""Restart cost: replaying the message journal versus ingesting the same traffic live.

The traffic of ``bench/pipeline.py`` (default 5,000 vehicles, 10 minutes: about 200,000
messages) goes through a pipeline and the ingest writer into a fresh SQLite store (the
journal and everything else, committed in batches of 500). Then, on the same messages:

* baseline: a fresh in-memory pipeline ingesting them on a simulated clock (no store);
* replay: ``restore_pipeline`` on a fresh pipeline from that store (journal read in chunks,
  re-ingested, tickets reconciled);
* prune: one ``prune_journal`` pass a day later (every trip still live: nothing to delete, so
  this is the cost of the scan that keeps live trips' rows), then with every trip retired.

Last line: ``journal_rows=N replay_msgs_per_s=R ingest_msgs_per_s=B ratio=R/B prune_scan_s=S``.

    .venv/bin/python bench/journal.py [--vehicles 5000] [--minutes 10]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

from pipeline import DATA, traffic  # bench/pipeline.py

from desktop.models.clock import SimulatedClock
from desktop.models.config import RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.models.sites import load_sites
from desktop.store.api import Store
from desktop.store.ingest_writer import IngestRecorder
from desktop.store.journal import journal_count, prune_journal
from desktop.store.journal_replay import restore_pipeline

Messages = list[tuple[float, str, bytes]]


def fresh_pipeline(start: float) -> tuple[Pipeline, SimulatedClock]:
    clock = SimulatedClock(start)
    return Pipeline(load_sites(DATA / "demo_sites.geojson"), None, RuleConfig.load(), clock, 10_000), clock


def fill(store: Store, messages: Messages) -> None:
    """Ingest with the store as the console does (commit every 500 messages)."""
    pipeline, clock = fresh_pipeline(messages[0][0])
    lock = threading.Lock()
    recorder = IngestRecorder(store, pipeline, lock, lambda tokens: None, prune_every_s=None)
    for n, (at, topic, raw) in enumerate(messages, 1):
        with lock:
            clock.advance_to(at)
            pipeline.advance()
            recorder.record(topic, raw, pipeline.ingest(topic, raw), n)
        if n % 500 == 0:
            recorder.flush()
    recorder.flush()


def ingest_rate(messages: Messages) -> float:
    pipeline, clock = fresh_pipeline(messages[0][0])
    started = time.perf_counter()
    for at, topic, raw in messages:
        clock.advance_to(at)
        pipeline.advance()
        pipeline.ingest(topic, raw)
    return len(messages) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vehicles", type=int, default=5000)
    parser.add_argument("--minutes", type=int, default=10)
    args = parser.parse_args()
    messages = traffic(args.vehicles, args.minutes)
    with tempfile.TemporaryDirectory(prefix="jmc-bench-journal-") as tmp:
        store = Store.open(str(Path(tmp) / "journal.sqlite3"), console_id="bench-journal")
        fill(store, messages)
        with store.read() as conn:
            rows = journal_count(conn)
        baseline = ingest_rate(messages)
        end = messages[-1][0]
        pipeline, _ = fresh_pipeline(end)
        started = time.perf_counter()
        report = restore_pipeline(store, pipeline, prune=False)
        replay = report.replayed / (time.perf_counter() - started)
        print(f"replayed={report.replayed} trips={len(pipeline.trips)} tickets={len(pipeline.book.tickets)}")
        started = time.perf_counter()
        kept = prune_journal(store, pipeline, threading.Lock(), now=end + 86_400)
        scan = time.perf_counter() - started
        pipeline.trips.clear()  # as if every trip had retired
        started = time.perf_counter()
        gone = prune_journal(store, pipeline, threading.Lock(), now=end + 86_400)
        print(
            f"prune: {kept} deleted with every trip live ({scan:.2f} s); {gone} deleted once retired "
            f"({time.perf_counter() - started:.2f} s)"
        )
        store.close()
    print(
        f"journal_rows={rows} replay_msgs_per_s={replay:.0f} ingest_msgs_per_s={baseline:.0f} "
        f"ratio={replay / baseline:.3f} prune_scan_s={scan:.2f}"
    )


if __name__ == "__main__":
    main()
