"""Alarm latency under load: publish → ticket row in the queue model, through a real broker.

A simulator (desktop/sim) publishes background traffic at about ``--rate`` msg/s through a
local Mosquitto into a real ``IngestService``; a ``TicketFeed`` hands ticket changes to a real
``TicketPanel`` (offscreen Qt event loop, 100 ms drain). Meanwhile an injector runs short
trips of its own and, once each has departed, publishes a seal status with ``pin: cut``
(A06, critical); the latency is from that publish to the A06 row being inserted in the
queue model. The same is measured once with no background traffic, as a baseline.

Last line: ``background_msgs_per_s=N alarm_latency_ms_p50=A alarm_latency_ms_p99=B``.

    .venv/bin/python bench/latency.py [--rate 5000] [--alarms 60] [--seconds 40]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QApplication

from desktop.auth.accounts import AuthenticatedUser
from desktop.ingest.broker import BrokerAddress
from desktop.ingest.link import ConsoleLink
from desktop.ingest.localbroker import LocalMosquitto
from desktop.ingest.service import IngestService
from desktop.models.clock import SystemClock
from desktop.models.config import RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.models.sites import load_roster, load_sites
from desktop.models.timeutil import format_rfc3339
from desktop.store.api import Store
from desktop.store.users_schema import UserRole
from desktop.views.tickets.panel import TicketPanel
from desktop.workflow.actions import TicketActions
from desktop.workflow.feed import TicketFeed

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "desktop" / "data"
#: messages a simulated vehicle sends per report interval, on average (OBU + seals, less dwell)
MSGS_PER_VEHICLE_INTERVAL = 0.71
SITES = load_sites(DATA / "demo_sites.geojson")
ROSTER = load_roster(DATA / "demo_roster.json", SITES)
REGION = "keelung"


def _inside(code: str) -> tuple[float, float]:
    p = SITES.sites[code].polygon.representative_point()
    return p.y, p.x


class Injector:
    """Runs short active-seal trips and cuts their seals; remembers when each cut was published."""

    def __init__(self, port: int) -> None:
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2, client_id="bench-injector"
        )
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        sites = [s for s in SITES.sites.values() if s.region == REGION]
        self.origin, self.dest = sites[0], sites[1]
        self.cut_at: dict[str, float] = {}  # order_no -> monotonic time of the pin-cut publish
        self._seq = 1_000_000

    def _send(self, topic: str, payload: dict[str, object]) -> None:
        info = self.client.publish(f"jmc/v1/{REGION}/{topic}", json.dumps(payload).encode(), qos=1)
        info.wait_for_publish(5)

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def trip(self, n: int) -> None:
        order, obu, seal = f"BENCH-{n}", f"OBU-BENCH-{n}", f"VS-BENCH-{n}"
        container = "CSQU3054383"
        now = time.time()
        ts = lambda dt: format_rfc3339(now + dt)  # noqa: E731
        inside = _inside(self.origin.code)
        outside = (inside[0] + 0.05, inside[1] + 0.05)
        self._send(
            f"order/{order}",
            {
                "v": 1,
                "order_no": order,
                "ts": ts(-5),
                "status": "open",
                "origin_site": self.origin.code,
                "dest_site": self.dest.code,
                "max_transit_min": 600,
                "obu_id": obu,
                "containers": [{"container_no": container, "seal_id": seal, "seal_type": "active"}],
            },
        )
        fix = {"v": 1, "obu_id": obu, "fix": "3d", "ext_power": True}
        self._send(
            f"obu/{obu}/telemetry",
            {**fix, "seq": self._next(), "ts": ts(-4), "lat": inside[0], "lon": inside[1], "speed_kmh": 0},
        )
        self._send(
            f"seal/{seal}/event",
            {
                "v": 1,
                "seal_id": seal,
                "seq": self._next(),
                "ts": ts(-3.5),
                "event": "sealed",
                "officer_id": "OFF-1",
                "order_no": order,
                "container_no": container,
            },
        )
        status = {"v": 1, "seal_id": seal, "obu_id": obu, "state": "sealed", "battery_pct": 80}
        self._send(
            f"seal/{seal}/status",
            {**status, "seq": self._next(), "ts": ts(-3), "pin": "ok", "lat": inside[0], "lon": inside[1]},
        )
        self._send(
            f"obu/{obu}/telemetry",
            {**fix, "seq": self._next(), "ts": ts(-2), "lat": outside[0], "lon": outside[1], "speed_kmh": 40},
        )
        time.sleep(0.05)
        self.cut_at[order] = time.monotonic()
        self._send(
            f"seal/{seal}/status",
            {**status, "seq": self._next(), "ts": ts(-1), "pin": "cut", "lat": outside[0], "lon": outside[1]},
        )

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def measure(
    port: int, *, rate: float, alarms: int, seconds: float, vehicles: int, store: Store | None
) -> tuple[float, list[float]]:
    """Run one measurement; returns (background msgs/s processed, latencies in ms)."""
    pipeline = Pipeline(SITES, ROSTER, RuleConfig.load(), SystemClock())
    feed = TicketFeed.for_pipeline(pipeline)
    link = ConsoleLink(BrokerAddress.parse(f"mqtt://127.0.0.1:{port}"), f"console-bench-{int(rate)}")
    service = IngestService(pipeline, link, store=store)
    actions = TicketActions.for_service(service)
    user = AuthenticatedUser(1, "bench", "bench", UserRole.WATCH_OFFICER)
    panel = TicketPanel(actions, feed, user)
    inserted: dict[str, float] = {}

    def on_rows(parent: QModelIndex, first: int, last: int) -> None:
        now = time.monotonic()
        for row in range(first, last + 1):
            r = panel.model.ticket(row)
            if r.code == "A06" and r.order_no and r.order_no.startswith("BENCH-"):
                inserted.setdefault(r.order_no, now)

    panel.model.rowsInserted.connect(on_rows)
    service.start()
    while not link.connected:
        QApplication.processEvents()
        time.sleep(0.01)
    background = None
    if rate > 0:  # the simulator in its own process (jmc-console simulate), as in the field
        interval = min(120.0, max(0.2, vehicles * MSGS_PER_VEHICLE_INTERVAL / rate))
        background = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "desktop",
                "simulate",
                "--broker",
                f"mqtt://127.0.0.1:{port}",
                "--vehicles",
                str(vehicles),
                "--interval",
                f"{interval:.3f}",
                "--seed",
                "7",
                "--client-id",
                "bench-sim",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
    injector = Injector(port)
    app = QApplication.instance()
    assert app is not None
    warmup = 3.0 if rate > 0 else 0.5
    t_end = time.monotonic() + warmup
    while time.monotonic() < t_end:
        app.processEvents()
        time.sleep(0.005)
    processed0, t0 = service._processed_count(), time.monotonic()
    gap = max(0.05, (seconds - warmup) / max(1, alarms))
    done = threading.Event()

    def inject() -> None:
        for n in range(alarms):
            injector.trip(n)
            time.sleep(gap)
        done.set()

    threading.Thread(target=inject, daemon=True).start()
    deadline = time.monotonic() + seconds + 30
    while (not done.is_set() or len(inserted) < len(injector.cut_at)) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.002)
    elapsed = time.monotonic() - t0
    processed = service._processed_count() - processed0
    if background is not None:
        background.terminate()
        background.wait(10)
    injector.close()
    service.stop()
    panel.deleteLater()
    missing = [o for o in injector.cut_at if o not in inserted]
    if missing:
        print(f"warning: {len(missing)} alarms never reached the queue", file=sys.stderr)
    latencies = [(inserted[o] - t) * 1000 for o, t in injector.cut_at.items() if o in inserted]
    return processed / elapsed, latencies


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=5000, help="background messages per second")
    parser.add_argument("--alarms", type=int, default=60, help="injected A06 alarms per run")
    parser.add_argument("--seconds", type=float, default=30, help="length of the loaded run")
    parser.add_argument("--vehicles", type=int, default=3000, help="simulated vehicles")
    parser.add_argument(
        "--no-store", action="store_true", help="without the local store (the console always has one)"
    )
    args = parser.parse_args()
    QApplication([])
    with LocalMosquitto() as broker, tempfile.TemporaryDirectory(prefix="jmc-bench-latency-") as tmp:

        def store(name: str) -> Store | None:
            # as in the console: effects committed (SQLite, WAL, synchronous=FULL) before acks
            return None if args.no_store else Store.open(str(Path(tmp) / name), console_id="bench")

        few = max(10, args.alarms // 4)
        _, idle = measure(broker.port, rate=0, alarms=few, seconds=5, vehicles=0, store=store("idle.db"))
        rate, loaded = measure(
            broker.port, rate=args.rate, alarms=args.alarms, seconds=args.seconds, vehicles=args.vehicles,
            store=store("loaded.db"),
        )  # fmt: skip
    print(f"baseline (no background): n={len(idle)} p50={pct(idle, 0.5):.1f} ms p99={pct(idle, 0.99):.1f} ms")
    print(
        f"loaded: n={len(loaded)} p50={pct(loaded, 0.5):.1f} ms p99={pct(loaded, 0.99):.1f} ms "
        f"mean={statistics.fmean(loaded) if loaded else float('nan'):.1f} ms; "
        f"p50 ratio loaded/baseline={pct(loaded, 0.5) / max(1e-9, pct(idle, 0.5)):.2f}"
    )
    print(
        f"background_msgs_per_s={rate:.0f} alarm_latency_ms_p50={pct(loaded, 0.5):.0f} "
        f"alarm_latency_ms_p99={pct(loaded, 0.99):.0f}"
    )


if __name__ == "__main__":
    main()
