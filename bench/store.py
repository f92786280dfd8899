"""Telemetry write throughput through the real store while the pipeline runs.

Same approach as ``bench/ingest.py``: one Mosquitto (broker_config/dev.conf on a free port),
the same messages (default 200,000 from 5,000 vehicles, timed just before now), each
subscriber first creating its persistent session, going away while everything is published,
then coming back and draining its queue.

* bare: a paho subscriber (MQTT 5, QoS 1) whose ``on_message`` only ``json.loads``;
* ingest+store: ``ConsoleLink`` + ``IngestService`` with a :class:`Store` on a fresh SQLite
  file: validate + trips + rules + tickets, effects committed (WAL, ``synchronous=FULL``)
  before each batch is acknowledged. The rate counts messages *committed and acknowledged*.

Also: ``audit verify`` speed on ``--audit-rows`` chain rows (default 1,000,000), and the
upstream mirror's drain time after a 5,000-disposition backlog (``bench/mirror.py``: written
while no upstream was there, then pushed to a fresh PostgreSQL database; ``nan`` without a
PostgreSQL server).

Last line: ``store_msgs_per_s=N mirror_drain_s=D``.

    .venv/bin/python bench/store.py [--vehicles 5000] [--messages 200000] [--audit-rows 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from ingest import DATA, bare_rate, publish_all, wait_until  # bench/ingest.py
from pipeline import traffic  # bench/pipeline.py

from desktop.ingest.broker import BrokerAddress
from desktop.ingest.link import ConsoleLink
from desktop.ingest.localbroker import LocalMosquitto
from desktop.ingest.service import IngestService
from desktop.models.clock import SystemClock
from desktop.models.config import RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.models.sites import load_sites
from desktop.store.api import Store
from desktop.store.audit import verify
from desktop.store.bulk import fill_chain

Messages = list[tuple[str, bytes]]


def store_rate(port: int, messages: Messages, folder: Path) -> tuple[float, Store, Pipeline]:
    """Messages per second committed (and then acknowledged) by ingest + store."""
    pipeline = Pipeline(
        load_sites(DATA / "demo_sites.geojson"), None, RuleConfig.load(), SystemClock(), 10_000
    )
    store = Store.open(str(folder / "bench.sqlite3"), console_id="bench-store")
    broker = BrokerAddress.parse(f"mqtt://127.0.0.1:{port}")
    first = IngestService(pipeline, ConsoleLink(broker, "bench-store"), store=store)
    first.start()
    wait_until(lambda: first.link.connected, 10)
    time.sleep(0.5)
    first.stop()
    publish_all(port, messages, "bench-field-3")
    service = IngestService(pipeline, ConsoleLink(broker, "bench-store"), store=store)
    recorder = service.recorder
    assert recorder is not None
    done = recorder.committed
    started = time.perf_counter()
    service.start()
    wait_until(lambda: recorder.committed - done >= len(messages), 600)
    seconds = time.perf_counter() - started
    service.stop()
    return len(messages) / seconds, store, pipeline


def audit_verify_rate(rows: int, folder: Path) -> float:
    """Chain rows verified per second (a chain of ``rows`` rows written in bulk)."""
    store = Store.open(str(folder / "audit.sqlite3"), console_id="bench-audit")
    fill_chain(store, rows)
    started = time.perf_counter()
    result = verify(store.engine)
    seconds = time.perf_counter() - started
    if not result.ok or result.rows != rows:
        raise SystemExit(f"audit verify failed on the bench chain: {result}")
    store.close()
    return rows / seconds


def mirror_drain(dispositions: int = 5000) -> float:
    """Seconds to drain a ``dispositions`` backlog upstream, ``nan`` when no server is there."""
    from mirror import measure_mirror_drain  # bench/mirror.py
    from sqlalchemy.exc import OperationalError

    try:
        return measure_mirror_drain(dispositions)
    except OperationalError as exc:
        print(f"mirror drain not measured: no PostgreSQL ({exc.orig})", flush=True)
        return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vehicles", type=int, default=5000)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--audit-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    minutes = max(1, round(args.messages / args.vehicles / 2 / 2))
    generated = traffic(args.vehicles, minutes + 1, start=time.time() - (minutes + 5) * 60)
    messages = [(topic, payload) for _, topic, payload in generated][: args.messages]
    with tempfile.TemporaryDirectory(prefix="jmc-bench-store-") as tmp, LocalMosquitto() as broker:
        folder = Path(tmp)
        bare = bare_rate(broker.port, messages)
        rate, store, pipeline = store_rate(broker.port, messages, folder)
        with store.read() as conn:
            points = conn.exec_driver_sql("SELECT count(*) FROM track_points").scalar()
            events = conn.exec_driver_sql("SELECT count(*) FROM ticket_events").scalar()
        print(
            f"messages={len(messages)} accepted={pipeline.stats.accepted} trips={len(pipeline.trips)} "
            f"tickets={len(pipeline.book.tickets)} track_points={points} ticket_events={events}",
            flush=True,
        )
        print(
            f"bare_msgs_per_s={bare:.0f} store_ingest_msgs_per_s={rate:.0f} ratio={rate / bare:.3f}",
            flush=True,
        )
        store.close()
        drain = mirror_drain()
        if args.audit_rows:
            print(f"audit_verify_rows_per_s={audit_verify_rate(args.audit_rows, folder):.0f}", flush=True)
    print(f"store_msgs_per_s={rate:.0f} mirror_drain_s={drain:.2f}")


if __name__ == "__main__":
    main()
