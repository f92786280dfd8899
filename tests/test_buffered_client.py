"""desktop/ingest/buffered.py against a real Mosquitto: large-chunk reads and the MQTT 5
PUBLISH fast path deliver exactly what plain paho would, with and without properties."""

from __future__ import annotations

import time

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from desktop.ingest.buffered import BufferedClient
from desktop.ingest.localbroker import LocalMosquitto, mosquitto_available

pytestmark = pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed")


def wait_for(condition: object, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_buffered_client_receives_every_message_intact(broker: LocalMosquitto) -> None:
    got: list[tuple[str, bytes, int, object]] = []
    sub = BufferedClient(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id="buffered",
        protocol=MQTTProtocolVersion.MQTTv5,
    )
    sub.on_message = lambda c, u, m: got.append((m.topic, m.payload, m.qos, m.properties))
    sub.connect("127.0.0.1", broker.port)
    sub.subscribe([("t/#", 1)])
    sub.loop_start()
    pub = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id="plain-pub",
        protocol=MQTTProtocolVersion.MQTTv5,
    )
    pub.connect("127.0.0.1", broker.port)
    pub.loop_start()
    time.sleep(0.3)
    props = Properties(PacketTypes.PUBLISH)
    props.UserProperty = ("k", "v")
    expected = []
    for i in range(3000):  # many small packets: several per 64 KiB read, some split across reads
        topic, payload = f"t/{i % 7}/é", (b"x" * (i % 300)) + str(i).encode()
        qos = 1 if i % 3 else 0
        pub.publish(topic, payload, qos=qos, properties=props if i % 50 == 0 else None)
        expected.append((topic, payload, qos))
    wait_for(lambda: len(got) >= len(expected))
    time.sleep(0.2)
    # Mosquitto may interleave QoS 0 and QoS 1 differently; within a QoS the order holds
    for qos in (0, 1):
        assert [(t, p) for t, p, q, _ in got if q == qos] == [(t, p) for t, p, q in expected if q == qos]
    with_props = [props for _, payload, _, props in got if int(payload.lstrip(b"x")) % 50 == 0]
    assert len(with_props) == 60
    assert all(getattr(p, "UserProperty", None) == [("k", "v")] for p in with_props)  # slow path
    sub.loop_stop()
    pub.loop_stop()
