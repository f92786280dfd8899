"""Ingest throughput through a real broker: the console vs a bare paho subscriber.

Same Mosquitto (broker_config/dev.conf on a free port), same run, same messages (default
200,000 from 5,000 vehicles, timed just before now). Each subscriber first creates its
persistent session, goes away while every message is published (QoS 1), then comes back and
drains its queue; the rate is messages / time from reconnect to the last one processed.

* bare: a paho subscriber (MQTT 5, QoS 1) whose ``on_message`` only ``json.loads``;
* ingest: the console's ``ConsoleLink`` + ``IngestService`` (validate + trips + rules + tickets).

Last line: ``bare_msgs_per_s=B ingest_msgs_per_s=I ratio=R``.

    .venv/bin/python bench/ingest.py [--vehicles 5000] [--messages 200000]
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from pipeline import traffic  # bench/pipeline.py

from desktop.ingest.broker import BrokerAddress
from desktop.ingest.link import ConsoleLink
from desktop.ingest.localbroker import LocalMosquitto
from desktop.ingest.service import IngestService
from desktop.models.clock import SystemClock
from desktop.models.config import RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.models.sites import load_sites

DATA = Path(__file__).resolve().parent.parent / "desktop" / "data"
Messages = list[tuple[str, bytes]]


def wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark step timed out")
        time.sleep(0.01)


def session_props() -> Properties:
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = 3600
    props.ReceiveMaximum = 1000
    return props


def publish_all(port: int, messages: Messages, client_id: str) -> None:
    acked = [0]
    lock = threading.Lock()

    def on_publish(*_: object) -> None:
        with lock:
            acked[0] += 1

    pub = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id=client_id)
    pub.on_publish = on_publish
    pub.max_inflight_messages_set(1000)
    pub.max_queued_messages_set(0)
    pub.connect("127.0.0.1", port)
    pub.loop_start()
    for sent, (topic, payload) in enumerate(messages):
        if sent - acked[0] > 20_000:  # paho's message ids wrap at 65,535: keep fewer outstanding
            wait_until(lambda sent=sent: sent - acked[0] <= 10_000, 600)
        pub.publish(topic, payload, qos=1)
    wait_until(lambda: acked[0] >= len(messages), 600)
    pub.disconnect()
    pub.loop_stop()


def bare_rate(port: int, messages: Messages) -> float:
    received = [0]

    def on_message(client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        json.loads(message.payload)
        received[0] += 1

    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id="bench-bare",
        protocol=MQTTProtocolVersion.MQTTv5,
    )
    client.on_message = on_message
    client.connect("127.0.0.1", port, clean_start=False, properties=session_props())
    client.subscribe("jmc/v1/#", 1)
    client.loop_start()
    time.sleep(0.5)
    client.disconnect()
    client.loop_stop()
    publish_all(port, messages, "bench-field-1")
    started = time.perf_counter()
    client.connect("127.0.0.1", port, clean_start=False, properties=session_props())
    client.loop_start()
    wait_until(lambda: received[0] >= len(messages), 600)
    seconds = time.perf_counter() - started
    client.disconnect()
    client.loop_stop()
    return len(messages) / seconds


def ingest_rate(port: int, messages: Messages) -> tuple[float, Pipeline]:
    pipeline = Pipeline(
        load_sites(DATA / "demo_sites.geojson"), None, RuleConfig.load(), SystemClock(), 10_000
    )
    broker = BrokerAddress.parse(f"mqtt://127.0.0.1:{port}")
    first = IngestService(pipeline, ConsoleLink(broker, "bench-console"))
    first.start()
    wait_until(lambda: first.link.connected, 10)
    time.sleep(0.5)
    first.stop()
    publish_all(port, messages, "bench-field-2")
    service = IngestService(pipeline, ConsoleLink(broker, "bench-console"))
    started = time.perf_counter()
    service.start()
    processed = service._processed_count
    wait_until(lambda: processed() >= len(messages), 600)
    seconds = time.perf_counter() - started
    service.stop()
    return len(messages) / seconds, pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vehicles", type=int, default=5000)
    parser.add_argument("--messages", type=int, default=200_000)
    args = parser.parse_args()
    minutes = max(1, round(args.messages / args.vehicles / 2 / 2))
    generated = traffic(args.vehicles, minutes + 1, start=time.time() - (minutes + 5) * 60)
    messages = [(topic, payload) for _, topic, payload in generated][: args.messages]
    with LocalMosquitto() as broker:
        bare = bare_rate(broker.port, messages)
        ingest, pipeline = ingest_rate(broker.port, messages)
    stats = pipeline.stats
    print(
        f"messages={len(messages)} accepted={stats.accepted} rejected={stats.rejected} "
        f"duplicates={pipeline.duplicates} trips={len(pipeline.trips)} tickets={len(pipeline.book.tickets)}",
        flush=True,
    )
    print(f"bare_msgs_per_s={bare:.0f} ingest_msgs_per_s={ingest:.0f} ratio={ingest / bare:.3f}")


if __name__ == "__main__":
    main()
