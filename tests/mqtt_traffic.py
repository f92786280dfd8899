"""Field traffic for the MQTT integration tests, timed just before the console's real clock, and the
field's publisher that sends it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from desktop.models.timeutil import format_rfc3339
from tests.helpers import CONTAINER, IN_ORIGIN, route

Message = tuple[str, bytes]


def trips(n_trips: int, per_trip: int, *, start: float | None = None) -> Iterator[Message]:
    """``n_trips`` active trips from EX-YARD-A towards EX-TERM-B, each ``per_trip`` messages:
    order, OBU inside the origin, sealing, then fix + seal status pairs with ``pin: abnormal``
    in transit (one A01 ticket per trip, many occurrences). Device times are 30 s apart and
    all in the past (the console rejects times more than 5 min ahead of its clock)."""
    t0 = (start or time.time()) - per_trip * 30 - 3600
    path = route(max(2, per_trip // 4))
    for k in range(n_trips):
        order_no, obu, seal = f"ORD-{k}", f"OBU-{k}", f"VS-{k}"

        def ts(i: int) -> str:
            return format_rfc3339(t0 + i * 30) or ""

        yield (
            f"jmc/v1/keelung/order/{order_no}",
            json.dumps(
                {
                    "v": 1,
                    "order_no": order_no,
                    "ts": ts(0),
                    "status": "open",
                    "origin_site": "EX-YARD-A",
                    "dest_site": "EX-TERM-B",
                    "obu_id": obu,
                    "max_transit_min": 600,
                    "containers": [{"container_no": CONTAINER, "seal_id": seal, "seal_type": "active"}],
                }
            ).encode(),
        )
        yield (
            f"jmc/v1/keelung/obu/{obu}/telemetry",
            json.dumps(
                {
                    "v": 1,
                    "obu_id": obu,
                    "seq": 0,
                    "ts": ts(0),
                    "lat": IN_ORIGIN[0],
                    "lon": IN_ORIGIN[1],
                    "fix": "3d",
                    "ext_power": True,
                }
            ).encode(),
        )
        yield (
            f"jmc/v1/keelung/seal/{seal}/event",
            json.dumps(
                {
                    "v": 1,
                    "seal_id": seal,
                    "seq": 0,
                    "ts": ts(0),
                    "event": "sealed",
                    "order_no": order_no,
                    "officer_id": "KL-0101",
                }
            ).encode(),
        )
        sent = 3
        i = 0
        while sent < per_trip:
            i += 1
            lat, lon = path[min((i + 1) // 2, len(path) - 1)]  # a seal reports where its OBU last was
            if sent % 2:
                yield (
                    f"jmc/v1/keelung/obu/{obu}/telemetry",
                    json.dumps(
                        {
                            "v": 1,
                            "obu_id": obu,
                            "seq": i,
                            "ts": ts(i),
                            "lat": lat,
                            "lon": lon,
                            "speed_kmh": 30,
                            "fix": "3d",
                            "ext_power": True,
                        }
                    ).encode(),
                )
            else:
                yield (
                    f"jmc/v1/keelung/seal/{seal}/status",
                    json.dumps(
                        {
                            "v": 1,
                            "seal_id": seal,
                            "seq": i,
                            "ts": ts(i),
                            "obu_id": obu,
                            "state": "sealed",
                            "pin": "abnormal",
                            "battery_pct": 80,
                            "lat": lat,
                            "lon": lon,
                        }
                    ).encode(),
                )
            sent += 1


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {what}")
        time.sleep(0.05)


class Field:
    """The field's publisher: QoS 1, its own persistent session, broker acknowledgements counted."""

    def __init__(self, port: int, client_id: str) -> None:
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=MQTTProtocolVersion.MQTTv5,
        )
        self.client.max_inflight_messages_set(100)
        self.client.max_queued_messages_set(0)
        self.acked = 0
        self._lock = threading.Lock()
        self.client.on_publish = self._on_publish
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = 3600
        self.client.connect("127.0.0.1", port, clean_start=False, properties=props)
        self.client.loop_start()

    def _on_publish(self, *_: object) -> None:
        with self._lock:
            self.acked += 1

    def send(self, messages: Iterable[tuple[str, bytes | str]], pause: float) -> None:
        """Publish in order, pausing ``pause`` seconds after every 30."""
        for n, (topic, payload) in enumerate(messages):
            self.client.publish(topic, payload, qos=1)
            if n % 30 == 29:
                time.sleep(pause)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
