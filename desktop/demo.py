"""``jmc-console demo``: a private broker, the traffic simulator and the console, in one command.

Starts Mosquitto with ``broker_config/dev.conf`` on a free loopback port (or, without
Mosquitto, the pure-Python amqtt broker, with a warning that it is for demonstration only),
the simulator publishing the four ports' traffic, and the console. On a display it opens the
console's window (``desktop.app_cli.run_demo_window``: the same as ``jmc-console gui --demo``);
with ``--text``, or without a display, it prints a live text summary once a second instead
(:func:`run_demo`). Ctrl-C (or closing the window) stops everything it started.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from desktop.ingest.broker import BrokerAddress
from desktop.ingest.link import ConsoleLink
from desktop.ingest.localbroker import BrokerStartError, LocalAmqtt, LocalMosquitto
from desktop.ingest.service import IngestService, IngestStatus
from desktop.models.clock import SystemClock
from desktop.models.config import RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.models.sites import load_roster, load_sites
from desktop.sim.anomalies import AnomalyRates
from desktop.sim.engine import Simulator
from desktop.sim.publish import MqttPublisher, run_paced

DATA = Path(__file__).resolve().parent / "data"
SEVERITIES = ("critical", "high", "medium", "low")
LABELS_ZH = {"critical": "危急", "high": "高", "medium": "中", "low": "低"}


def add_parser(subparsers: Any) -> None:
    demo = subparsers.add_parser(
        "demo",
        help="broker + simulator + console: the console's window on a display, else a text summary",
    )
    demo.add_argument("--vehicles", type=int, default=300, help="simulated vehicles (default 300)")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--interval", type=float, default=30.0, help="OBU report interval, seconds")
    demo.add_argument("--anomaly-rate", type=float, default=0.05, help="per trip, for each anomaly code")
    demo.add_argument("--speed", type=float, default=10.0, help="simulated seconds per real second")
    demo.add_argument("--duration", type=float, default=None, help="stop after this many real seconds")
    demo.add_argument("--samples", action="store_true", help="replay the bundled sample scenarios instead")
    demo.add_argument(
        "--amqtt", action="store_true", help="use the pure-Python broker even if Mosquitto is here"
    )
    demo.add_argument(
        "--text", action="store_true", help="print the live text summary instead of opening the window"
    )
    demo.add_argument("--language", choices=("zh_TW", "en"), help="the window's language")


def summary_line(status: IngestStatus, broker: str) -> str:
    """One status line: connection, rates, trips, open tickets by severity."""
    link = "已連線 connected" if status.connected else "斷線 disconnected"
    tickets = "  ".join(f"{LABELS_ZH[s]} {s} {status.open_tickets.get(s, 0)}" for s in SEVERITIES)
    return (
        f"[{time.strftime('%H:%M:%S')}] {broker} {link} | {status.msgs_per_s:7.0f} msgs/s "
        f"| 運送中 trips {status.trips:5d} | 未結案件 open tickets: {tickets} "
        f"| 隔離 rejected {status.rejected} (dup {status.duplicates})"
    )


def start_broker(err: TextIO, prefer_mosquitto: bool = True) -> LocalMosquitto | LocalAmqtt:
    try:
        if not prefer_mosquitto:
            raise BrokerStartError("told not to use mosquitto")
        return LocalMosquitto().start()
    except BrokerStartError as exc:
        print(f"warning: {exc}; using the pure-Python amqtt broker, FOR DEMONSTRATION ONLY", file=err)
        return LocalAmqtt().start()


def run_demo(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    sites = load_sites(DATA / "demo_sites.geojson")
    roster = load_roster(DATA / "demo_roster.json", sites)
    broker = start_broker(err, not getattr(args, "amqtt", False))
    stop = threading.Event()
    service = publisher = None
    try:
        address = BrokerAddress.parse(broker.url)
        pipeline = Pipeline(sites, roster, RuleConfig.load(), SystemClock(), quarantine_limit=100_000)
        mqtt5 = isinstance(broker, LocalMosquitto)  # amqtt speaks MQTT 3.1.1 only
        service = IngestService(pipeline, ConsoleLink(address, f"demo-{socket.gethostname()}", mqtt5=mqtt5))
        service.start()
        history_s = 2 * 3600.0  # begin two hours back so that trips are under way at once
        sim = Simulator(
            sites, roster, vehicles=args.vehicles, seed=args.seed, interval_s=args.interval,
            rates=AnomalyRates.uniform(args.anomaly_rate), start=time.time() - history_s,
            seq_base=int(time.time()) * 10,
        )  # fmt: skip
        publisher = MqttPublisher(address, client_id="demo-simulator", stop=stop)
        publisher.connect()
        feeder = threading.Thread(
            target=run_paced, args=(sim, publisher),
            kwargs={"speed": args.speed, "stop": stop, "report_every_s": 3600.0}, name="demo-simulator",
            daemon=True,
        )  # fmt: skip
        feeder.start()
        print(f"JMC Console demo: broker {broker.url}, {args.vehicles} vehicles; Ctrl-C stops", file=out)
        started = time.monotonic()
        while args.duration is None or time.monotonic() - started < args.duration:
            time.sleep(1.0)
            print(summary_line(service.status, broker.url), file=out, flush=True)
    except KeyboardInterrupt:
        print("\nstopping…", file=out)
    finally:
        stop.set()
        if publisher is not None:
            with contextlib.suppress(Exception):
                publisher.close(flush_s=1.0)
        if service is not None:
            service.stop()
        broker.close()
    return 0
