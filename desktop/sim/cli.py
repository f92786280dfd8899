"""``jmc-console simulate``: field traffic for the demo ports, to a broker or a replay file.

Wire it into the main parser with :func:`add_parser` and dispatch to :func:`run`::

    jmc-console simulate --broker mqtt://127.0.0.1:1883 --vehicles 200 --seed 7
    jmc-console simulate --broker mqtts://broker:8883 --cafile ca.pem --username sim \\
        --vehicles 20000 --interval 1
    jmc-console simulate --jsonl day.jsonl --duration 3600 --anomaly-rate 0.05 --invalid-rate 0.01
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import msgspec

from desktop.ingest import PASSWORD_ENV
from desktop.models.sites import SitesFileError, load_roster, load_sites
from desktop.models.timeutil import format_rfc3339, parse_rfc3339
from desktop.sim.anomalies import DEFAULT_RATE, INJECTABLE, RAISES, AnomalyRates
from desktop.sim.engine import Simulator

DATA = Path(__file__).resolve().parent.parent / "data"


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0 or math.isnan(value):
        raise argparse.ArgumentTypeError(f"{text} is not a probability between 0 and 1")
    return value


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def add_parser(subparsers: Any) -> None:
    """Add the ``simulate`` sub-command to an ``argparse`` sub-parsers object."""
    p = subparsers.add_parser(
        "simulate",
        help="generate field traffic (OBUs, seals, NFC reads, gates, orders) for the demo sites",
        description="Deterministic traffic of trucks between the sites of each port: the same "
        "seed and options give the same messages. Publishes with QoS 1 to --broker in real time "
        "(or --speed times it), or writes a replay scenario with --jsonl.",
    )
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--broker", metavar="URL", help="mqtt://host:port or mqtts://host:port")
    target.add_argument(
        "--jsonl", type=Path, metavar="OUT.jsonl", help="write a scenario for `replay` instead"
    )
    p.add_argument("--vehicles", type=int, default=100, help="number of trucks (default 100)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument(
        "--interval", type=float, default=30.0, metavar="S", help="OBU report interval (default 30)"
    )
    p.add_argument(
        "--duration", type=_positive, metavar="S", help="simulated seconds (default: until Ctrl-C)"
    )
    p.add_argument(
        "--anomaly-rate",
        type=_probability,
        default=DEFAULT_RATE,
        metavar="P",
        help=f"per-trip probability of each anomaly (default {DEFAULT_RATE})",
    )
    for code in INJECTABLE:
        raised = "/".join(RAISES[code])
        p.add_argument(f"--rate-{code}", type=_probability, metavar="P", help=f"rate of {raised} only")
    p.add_argument(
        "--invalid-rate", type=_probability, default=0.001, metavar="P", help="broken messages (quarantine)"
    )
    p.add_argument(
        "--duplicate-rate", type=_probability, default=0.002, metavar="P", help="QoS 1 redeliveries"
    )
    p.add_argument(
        "--gap-rate", type=_probability, default=0.1, metavar="P", help="trips with a tunnel/cover gap"
    )
    p.add_argument("--active-share", type=_probability, default=0.7, metavar="P", help="trucks with an OBU")
    p.add_argument("--regions", nargs="+", metavar="REGION", help="only these regions")
    p.add_argument("--speed", type=_positive, default=1.0, metavar="X", help="times real time (default 1)")
    p.add_argument(
        "--as-fast-as-possible", action="store_true", help="no pacing (still never ahead of the clock)"
    )
    p.add_argument(
        "--start",
        metavar="TIME",
        help="simulation start, RFC 3339 (default: now; with --speed/--as-fast-as-possible and "
        "--duration, now minus the duration, so the run catches up with the present)",
    )
    p.add_argument(
        "--seq-base", type=int, metavar="N", help="first seq of every device (default: start × 10)"
    )
    p.add_argument("--sites", type=Path, default=DATA / "demo_sites.geojson", help="sites GeoJSON")
    p.add_argument("--roster", type=Path, default=DATA / "demo_roster.json", help="roster JSON")
    p.add_argument("--cafile", help="CA certificate (mqtts)")
    p.add_argument("--certfile", help="client certificate (mqtts)")
    p.add_argument("--keyfile", help="client key (mqtts)")
    p.add_argument("--username", help="broker user name")
    p.add_argument("--password", help=f"broker password (better: the {PASSWORD_ENV} environment variable)")
    p.add_argument("--client-id", help="MQTT client id (default jmc-sim-<pid>)")
    p.add_argument(
        "--max-inflight", type=int, default=10_000, help="unacknowledged QoS 1 messages (default 10000)"
    )
    p.add_argument(
        "--publishers",
        type=int,
        default=1,
        metavar="N",
        help=(
            "publish from N processes, one MQTT connection each (default 1: ~15-20k msg/s; "
            "2 keep 20,000 vehicles at 1 Hz in real time, see bench/simulate.py)"
        ),
    )


def rates_from(args: argparse.Namespace) -> AnomalyRates:
    """The per-code rates: ``--anomaly-rate`` for all, ``--rate-XX`` overriding one code."""
    rates = dict.fromkeys(INJECTABLE, args.anomaly_rate)
    for code in INJECTABLE:
        value = getattr(args, f"rate_{code}", None)
        if value is not None:
            rates[code] = value
    return AnomalyRates(rates)


def _start(args: argparse.Namespace) -> float:
    if args.start and args.start != "now":
        return parse_rfc3339(args.start)
    now = float(math.floor(time.time()))
    paced_faster = args.as_fast_as_possible or args.speed != 1.0
    if args.jsonl is None and paced_faster and args.duration:
        return now - float(math.ceil(args.duration))
    return now


def build(args: argparse.Namespace) -> Simulator:
    """The simulator the options describe.

    Raises:
        SitesFileError, ValueError: on unusable files or options.
    """
    sites = load_sites(args.sites)
    roster = load_roster(args.roster, sites) if args.roster else None
    start = _start(args)
    return Simulator(
        sites,
        roster,
        vehicles=args.vehicles,
        seed=args.seed,
        interval_s=args.interval,
        rates=rates_from(args),
        invalid_rate=args.invalid_rate,
        duplicate_rate=args.duplicate_rate,
        gap_rate=args.gap_rate,
        active_share=args.active_share,
        start=start,
        seq_base=args.seq_base if args.seq_base is not None else int(start) * 10,
        regions=args.regions,
    )


class _Line(msgspec.Struct):
    t: str
    topic: str
    payload: msgspec.Raw


def write_jsonl(sim: Simulator, path: Path, duration_s: float) -> int:
    """Write ``duration_s`` of traffic as a replay scenario (protocol §7); returns the count."""
    encode = msgspec.json.Encoder().encode
    count = 0
    end = sim.now + duration_s
    with path.open("wb") as out:
        for batch in sim.batches(60.0, end):
            for t_send, topic, payload in batch:
                out.write(encode(_Line(format_rfc3339(t_send) or "", topic, msgspec.Raw(payload))) + b"\n")
                count += 1
    return count


def run(args: argparse.Namespace) -> int:
    """Run ``simulate``: 0 when done or stopped with Ctrl-C, 1 when the broker cannot be
    used, 2 when the options or files cannot."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    if args.jsonl is not None and args.duration is None:
        print("jmc-console simulate: --jsonl needs --duration", file=sys.stderr)
        return 2
    try:
        sim = build(args)
    except (SitesFileError, ValueError) as exc:
        print(f"jmc-console simulate: {exc}", file=sys.stderr)
        return 2
    if args.jsonl is not None:
        try:
            count = write_jsonl(sim, args.jsonl, args.duration)
        except OSError as exc:
            print(f"jmc-console simulate: cannot write {args.jsonl} ({exc.strerror})", file=sys.stderr)
            return 2
        print(f"{count} messages, {sim.stats.orders} orders, {sim.stats.invalid} invalid", file=sys.stderr)
        return 0
    return _publish(args, sim)


def _publish(args: argparse.Namespace, sim: Simulator) -> int:
    from desktop.ingest.broker import BrokerAddress, BrokerUrlError  # paho only when publishing
    from desktop.sim.publish import MqttPublisher, PublishError, Sink, run_paced
    from desktop.sim.shards import ShardedPublisher

    stop = threading.Event()
    try:
        broker = BrokerAddress.parse(
            args.broker,
            cafile=args.cafile,
            certfile=args.certfile,
            keyfile=args.keyfile,
            username=args.username,
            password=args.password or os.environ.get(PASSWORD_ENV),
        )
        options = {"client_id": args.client_id, "max_inflight": args.max_inflight}
        sink: Sink
        publisher: MqttPublisher | ShardedPublisher
        if args.publishers > 1:
            sink = publisher = ShardedPublisher(broker, args.publishers, stop=stop, **options)
        else:
            sink = publisher = MqttPublisher(broker, stop=stop, **options)
    except (BrokerUrlError, ValueError, OSError) as exc:
        print(f"jmc-console simulate: {exc}", file=sys.stderr)
        return 2
    try:
        publisher.connect()
    except PublishError as exc:
        print(f"jmc-console simulate: {exc}", file=sys.stderr)
        publisher.close(flush_s=0)
        return 1
    except KeyboardInterrupt:
        publisher.close(flush_s=0)
        return 0
    log = logging.getLogger("desktop.sim")
    log.info(
        "simulating %d vehicles (seed %d) from %s to %s",
        args.vehicles, args.seed, format_rfc3339(sim.now), broker,
    )  # fmt: skip

    def report(line: str) -> None:
        log.info("%s; acknowledged %d, unacknowledged %d", line, publisher.acked, publisher.pending)

    done = None
    try:
        done = run_paced(
            sim, sink, speed=args.speed, as_fast_as_possible=args.as_fast_as_possible,
            duration_s=args.duration, stop=stop, report=report,
        )  # fmt: skip
    except KeyboardInterrupt:
        stop.set()
        log.info("stopping")
    finally:
        with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C: do not wait for acks
            publisher.close(flush_s=5.0)
    sent = done.sent if done is not None else publisher.published
    log.info(
        "sent %d messages (%d acknowledged), %d orders, %d trips completed, %d invalid, %d duplicates",
        sent, publisher.acked, sim.stats.orders, sim.stats.completed, sim.stats.invalid, sim.stats.duplicates,
    )  # fmt: skip
    return 0
