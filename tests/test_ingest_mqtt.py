"""The console against a real Mosquitto (broker_config/dev.conf on a free port): persistent
session, broker restarts, hostile payloads. No mocks."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from desktop.ingest.broker import BrokerAddress
from desktop.ingest.link import ConsoleLink
from desktop.ingest.localbroker import LocalMosquitto, mosquitto_available
from desktop.ingest.service import IngestService
from desktop.models.clock import SystemClock
from desktop.models.config import RuleConfig
from desktop.models.pipeline import Pipeline
from tests.helpers import ROSTER, SITES
from tests.mqtt_traffic import trips, wait_until

pytestmark = pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed")


def console(broker: LocalMosquitto, pipeline: Pipeline, console_id: str = "console-test") -> IngestService:
    link = ConsoleLink(BrokerAddress.parse(broker.url), console_id)
    service = IngestService(pipeline, link, snapshot_every_s=0.1)
    service.start()
    wait_until(lambda: link.connected, 10, "console connected")
    return service


def new_pipeline() -> Pipeline:
    return Pipeline(SITES, ROSTER, RuleConfig.load(), SystemClock())


class Publisher:
    """A field-side publisher with its own persistent session (QoS 1, resent after reconnects).

    Acknowledgements are counted in ``on_publish``: a message published while disconnected is
    queued by paho and acknowledged later."""

    def __init__(self, broker: LocalMosquitto, client_id: str = "field-test") -> None:
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=MQTTProtocolVersion.MQTTv5,
        )
        self.client.max_inflight_messages_set(200)
        self.client.max_queued_messages_set(0)
        self.client.reconnect_delay_set(0.2, 1)
        self.sent = 0
        self.acked = 0
        self.acked_mids: set[int] = set()
        self._lock = threading.Lock()
        self.client.on_publish = self._on_publish
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = 3600
        self.client.connect_async("127.0.0.1", broker.port, clean_start=False, properties=props)
        self.client.loop_start()
        wait_until(self.client.is_connected, 10, "publisher connected")

    def _on_publish(
        self, client: mqtt.Client, userdata: object, mid: int, reason: object, props: object
    ) -> None:
        with self._lock:
            self.acked += 1

    def send(self, messages: Iterable[tuple[str, bytes]]) -> None:
        for topic, payload in messages:
            self.client.publish(topic, payload, qos=1)
            self.sent += 1

    def all_acknowledged(self) -> bool:
        return self.acked >= self.sent

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def device_keys(messages: list[tuple[str, bytes]]) -> list[tuple[str, int]]:
    """The (device, seq) of every device message (orders have no seq)."""
    keys = []
    for topic, payload in messages:
        parts = topic.split("/")
        if parts[3] != "order":
            keys.append((f"{parts[3]}:{parts[4]}", json.loads(payload)["seq"]))
    return keys


def all_processed(pipeline: Pipeline, keys: list[tuple[str, int]]) -> bool:
    """Whether every (device, seq) has been processed by the pipeline."""
    seen = pipeline.dedup.already_seen
    return all(seen(device, seq) for device, seq in keys)


def ticket_keys(pipeline: Pipeline) -> list[tuple[str, str | None, str]]:
    return sorted((t.code, t.order_no, t.subject) for t in pipeline.book.tickets.values())


def test_messages_published_while_the_console_is_away_are_all_processed(broker: LocalMosquitto) -> None:
    pipeline = new_pipeline()
    first = console(broker, pipeline)  # creates the persistent session and its subscriptions
    first.stop()
    publisher = Publisher(broker)
    messages = list(trips(50, 200))
    assert len(messages) == 10_000
    publisher.send(messages)
    wait_until(publisher.all_acknowledged, 60, "broker acknowledged 10,000 publishes")
    second = console(broker, pipeline)
    try:
        wait_until(lambda: pipeline.stats.accepted + pipeline.duplicates >= 10_000, 90, "10,000 processed")
        time.sleep(0.5)  # anything more would be a duplicate delivery
        assert pipeline.stats.accepted == 10_000
        assert pipeline.stats.rejected == 0
        keys = ticket_keys(pipeline)
        assert keys == sorted(set(keys)) and len(keys) == 50  # one A01 per trip, no duplicates
        assert {code for code, _, _ in keys} == {"A01"}
        assert all(t.occurrences > 50 for t in pipeline.book.tickets.values())
    finally:
        second.stop()
        publisher.close()


def test_broker_restarted_five_times_loses_nothing(broker: LocalMosquitto) -> None:
    pipeline = new_pipeline()
    service = console(broker, pipeline)
    publisher = Publisher(broker)
    messages = list(trips(100, 500))
    assert len(messages) == 50_000
    sender = threading.Thread(target=publisher.send, args=(messages,))
    sender.start()
    try:
        for n in range(5):  # each restart hits connected clients in the middle of the run
            wait_until(lambda: service.link.connected and publisher.client.is_connected(), 30, "reconnected")
            time.sleep(0.4)
            broker.restart()  # SIGTERM: Mosquitto saves its sessions and queued messages
            wait_until(lambda n=n: service.link.disconnects > n, 30, "the console saw the restart")
        sender.join(60)
        wait_until(publisher.all_acknowledged, 120, "every publish acknowledged by the broker")
        keys = device_keys(messages)
        wait_until(lambda: all_processed(pipeline, keys), 120, "all 50,000 processed")
        # each distinct message once; only orders (amendments, no seq) may be processed again
        assert pipeline.stats.accepted - pipeline.stats.orders_seen + len(pipeline.trips) == 50_000
        assert pipeline.stats.rejected == 0
        assert service.link.disconnects >= 5
        keys = ticket_keys(pipeline)
        assert keys == sorted(set(keys)) and len(keys) == 100
    finally:
        service.stop()
        publisher.close()


HOSTILE: list[tuple[str, bytes]] = [
    ("jmc/v1/keelung/obu/OBU-H/telemetry", b"{" * 9000),  # oversize
    ("jmc/v1/keelung/obu/OBU-H/telemetry", b'{"v":1,"obu_id":"OBU-H","x":"\xff\xfe"}'),  # invalid UTF-8
    ("jmc/v1/keelung/obu/OBU-H/telemetry", b"[" * 4000 + b"]" * 4000),  # deep nesting
    (
        "jmc/v1/keelung/obu/OBU-H/telemetry",
        b'{"v":1,"obu_id":"OBU-X","seq":1,"ts":"2026-01-01T00:00:00Z","lat":25,"lon":121,"ext_power":true}',
    ),  # spoofed id
    ("jmc/v1/keelung/seal/VS-H/status", b"\x00\x01\x02"),
    ("jmc/v1/keelung/order/ORD-H", b'{"v":1,"order_no":"ORD-H"}'),
    ("jmc/v1/keelung/gate/G-1/pass", b"null"),
    ("jmc/v1/mars/obu/OBU-H/telemetry", b"{}"),
]


def test_hostile_payloads_are_quarantined_and_the_console_keeps_running(broker: LocalMosquitto) -> None:
    pipeline = new_pipeline()
    service = console(broker, pipeline)
    publisher = Publisher(broker)
    try:
        publisher.send(HOSTILE)
        wait_until(lambda: pipeline.stats.rejected >= len(HOSTILE), 20, "all hostile payloads quarantined")
        publisher.send(list(trips(1, 10)))
        wait_until(lambda: pipeline.stats.accepted >= 10, 20, "normal traffic still processed")
        assert pipeline.stats.rejected == len(HOSTILE) and pipeline.stats.internal_errors == 0
        assert service.worker_errors == 0 and service.link.connected
        reasons = [q.reason for q in pipeline.quarantine]
        assert any("8192" in r for r in reasons) and any("UTF-8" in r for r in reasons)
        assert any("does not match" in r for r in reasons) and any("region" in r for r in reasons)
    finally:
        service.stop()
        publisher.close()


def test_ticket_changes_are_published_retained_with_presence(broker: LocalMosquitto) -> None:
    pipeline = new_pipeline()
    service = console(broker, pipeline, "console-retain")
    publisher = Publisher(broker)
    try:
        publisher.send(list(trips(1, 20)))
        wait_until(lambda: len(pipeline.book.tickets) == 1, 20, "an A01 ticket")
        (ticket,) = pipeline.book.tickets.values()
        seen: dict[str, bytes] = {}
        watcher = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, client_id="watcher")
        watcher.on_message = lambda c, u, m: seen.__setitem__(m.topic, m.payload)
        watcher.connect("127.0.0.1", broker.port)
        watcher.subscribe([("jmc/v1/+/ticket/#", 1), ("jmc/v1/console/#", 1)])
        watcher.loop_start()
        topic = f"jmc/v1/keelung/ticket/{ticket.id}"
        wait_until(lambda: topic in seen and b"console-retain" in seen[topic], 10, "retained ticket")
        assert b'"code": "A01"' in seen[topic] and b'"status": "open"' in seen[topic]
        presence = "jmc/v1/console/console-retain/status"
        wait_until(lambda: presence in seen, 10, "retained presence")
        assert b'"online"' in seen[presence]
        service.stop()
        wait_until(lambda: b'"offline"' in seen.get(presence, b""), 10, "offline on a clean stop")
        watcher.loop_stop()
    finally:
        publisher.close()
