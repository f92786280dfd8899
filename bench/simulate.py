"""Can the simulator drive N vehicles at 1 Hz, in real time, through a real broker?

Starts a private Mosquitto (broker_config/dev.conf on a free port), builds the simulator
(all trucks with an OBU unless ``--active-share`` says otherwise), lets its routes warm up,
then publishes ``--seconds`` of traffic paced at real time (QoS 1, through ``--publishers``
processes) while a bare paho subscriber counts what the broker delivers.

The baseline is the rate the scenario needs (the run's messages / its simulated seconds), from
the same traffic in the same run; ``realtime_factor`` is simulated seconds / wall seconds
(1.00 means the simulator kept pace), ``delivered_ratio`` what a subscriber received.

Last line: ``vehicles=N required_msgs_per_s=R sent_msgs_per_s=S realtime_factor=F delivered_ratio=D``.

    .venv/bin/python bench/simulate.py [--vehicles 20000] [--seconds 60] [--publishers 2]
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from desktop.ingest.broker import BrokerAddress
from desktop.ingest.localbroker import LocalMosquitto
from desktop.models.sites import load_roster, load_sites
from desktop.sim.engine import Simulator
from desktop.sim.publish import MqttPublisher, Sink, run_paced
from desktop.sim.shards import ShardedPublisher

DATA = Path(__file__).resolve().parent.parent / "desktop" / "data"


class CountingSubscriber:
    """A bare paho subscriber (QoS 0) that only counts deliveries."""

    def __init__(self, port: int) -> None:
        self.count = 0
        self.client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id="bench-count")
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port)
        self.client.subscribe("jmc/v1/#", qos=0)
        self.client.loop_start()

    def _on_message(self, client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        self.count += 1

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--vehicles", type=int, default=20_000)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between two OBU reports")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--active-share", type=float, default=1.0)
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    sites = load_sites(DATA / "demo_sites.geojson")
    roster = load_roster(DATA / "demo_roster.json", sites)
    # start in the past so that the warm-up below ends at the wall clock
    warmup = 30.0
    sim = Simulator(
        sites, roster, vehicles=args.vehicles, seed=args.seed, interval_s=args.interval,
        active_share=args.active_share, start=time.time() - warmup,
    )  # fmt: skip
    for _ in sim.batches(1.0, sim.now + warmup):  # routes are built on first use
        pass
    with LocalMosquitto() as broker:
        counter = CountingSubscriber(broker.port)
        address = BrokerAddress.parse(broker.url)
        publisher: MqttPublisher | ShardedPublisher
        if args.publishers > 1:
            publisher = ShardedPublisher(address, args.publishers, stop=threading.Event())
        else:
            publisher = MqttPublisher(address)
        publisher.connect()
        sink: Sink = publisher
        done = run_paced(sim, sink, speed=1.0, duration_s=args.seconds)
        publisher.close(flush_s=30.0)
        time.sleep(1.0)
        counter.close()
    simulated_s = done.sim_end - done.sim_start
    required = done.sent / simulated_s  # what the scenario needs per second of its own time
    sent_rate = done.sent / done.wall_s
    factor = simulated_s / done.wall_s
    print(f"sent={done.sent} delivered={counter.count} wall_s={done.wall_s:.1f} publishers={args.publishers}")
    print(
        f"vehicles={args.vehicles} required_msgs_per_s={required:.0f} sent_msgs_per_s={sent_rate:.0f} "
        f"realtime_factor={factor:.2f} delivered_ratio={counter.count / max(1, done.sent):.3f}"
    )


if __name__ == "__main__":
    main()
