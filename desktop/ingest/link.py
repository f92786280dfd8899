"""The console's MQTT link: one persistent MQTT 5 session, QoS 1, manual acknowledgement.

* A stable client id per console, ``clean_start=False`` **and** a session expiry interval
  (without it the broker keeps nothing while the console is away).
* A message is handed to ``handler`` inside paho's ``on_message``; paho acknowledges it only
  after the handler returns, so a console stopped at any moment gets again what it had not
  finished. The MQTT 5 *Receive Maximum* caps the unacknowledged messages in flight.
* With :meth:`ConsoleLink.use_manual_ack` (a console with a store) the message goes to a
  :data:`DeliveryHandler` with its :class:`Delivery`, and is acknowledged only when the
  owner calls :meth:`ConsoleLink.ack` (after the message's effect is committed). PUBACKs go
  out in receive order; a delivery of an earlier connection is not acknowledged on a later
  one (the broker sends it again, and the pipeline drops it as a duplicate).
* Reconnect backoff 1 s doubling to at most 10 s (paho's loop does the reconnecting).
* Callbacks never let an exception reach paho's network thread.
* Presence: ``jmc/v1/console/{id}/status`` retained, with a last will ``offline``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from desktop.ingest.broker import BrokerAddress
from desktop.ingest.buffered import BufferedClient
from desktop.models.timeutil import format_rfc3339

log = logging.getLogger(__name__)

#: The field topics the pipeline consumes (protocol §2.1).
FIELD_TOPICS = (
    "jmc/v1/+/obu/+/telemetry",
    "jmc/v1/+/seal/+/status",
    "jmc/v1/+/seal/+/event",
    "jmc/v1/+/nfc/+/read",
    "jmc/v1/+/order/+",
    "jmc/v1/+/gate/+/pass",
)


Handler = Callable[[str, bytes, float], None]  # topic, payload, received_at


class Delivery(NamedTuple):
    """What acknowledging one received message takes."""

    mid: int
    qos: int
    connection: int  # which connection of the link received it (counts successful connects)


DeliveryHandler = Callable[[str, bytes, float, Delivery], None]


def presence_topic(console_id: str) -> str:
    return f"jmc/v1/console/{console_id}/status"


def _presence(state: str) -> bytes:
    return json.dumps({"state": state, "ts": format_rfc3339(time.time())}).encode()


class ConsoleLink:
    """A console's connection to the broker.

    Args:
        broker: where to connect.
        console_id: stable id; also the MQTT client id, so the session survives restarts.
        handler: called with each message on paho's network thread (set by the service).
        session_expiry_s: how long the broker keeps the session (and queues) while away.
        receive_maximum: unacknowledged QoS 1 messages the broker may have in flight to us.
        mqtt5: MQTT 5 (the default). ``False`` speaks 3.1.1 with ``clean_session=False`` (a
            persistent session without expiry), for brokers without MQTT 5 such as amqtt.
    """

    def __init__(
        self,
        broker: BrokerAddress,
        console_id: str,
        handler: Handler | None = None,
        *,
        session_expiry_s: int = 7 * 24 * 3600,
        receive_maximum: int = 1000,
        topics: tuple[str, ...] = FIELD_TOPICS,
        mqtt5: bool = True,
    ) -> None:
        self.broker = broker
        self.console_id = console_id
        self.handler: Handler = handler or (lambda topic, payload, received_at: None)
        self.pending = 0  # received and not yet handled (0 or 1: handling is inline)
        self.topics = topics
        self._session_expiry_s = session_expiry_s
        self._receive_maximum = receive_maximum
        self._lock = threading.Lock()
        self.connected = False
        self.since = time.time()  # when the connection state last changed
        self.disconnects = 0
        self.last_error = ""
        self.mqtt5 = mqtt5
        self.delivery_handler: DeliveryHandler | None = None
        self.connection = 0  # successful connects so far
        client = BufferedClient(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=console_id,
            protocol=MQTTProtocolVersion.MQTTv5 if mqtt5 else MQTTProtocolVersion.MQTTv311,
            clean_session=None if mqtt5 else False,
        )
        client.suppress_exceptions = True
        client.reconnect_delay_set(min_delay=1, max_delay=10)
        client.max_inflight_messages_set(1000)
        client.max_queued_messages_set(0)  # keep every outgoing ticket update while offline
        client.will_set(presence_topic(console_id), _presence("offline"), qos=1, retain=True)
        broker.apply(client)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        self._client = client

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Connect in the background (retrying until the broker is there) and start paho's loop."""
        if not self.mqtt5:
            self._client.connect_async(self.broker.host, self.broker.port, keepalive=30)
            self._client.loop_start()
            return
        props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        props.SessionExpiryInterval = self._session_expiry_s
        props.ReceiveMaximum = self._receive_maximum
        self._client.connect_async(
            self.broker.host, self.broker.port, keepalive=30, clean_start=False, properties=props
        )
        self._client.loop_start()

    def stop(self, *, goodbye: bool = True) -> None:
        """Say offline (retained), disconnect, stop the loop. The session stays on the broker."""
        if goodbye and self.connected:
            info = self._client.publish(presence_topic(self.console_id), _presence("offline"), 1, True)
            info.wait_for_publish(timeout=2)
        if self.mqtt5:
            props = Properties(PacketTypes.DISCONNECT)  # type: ignore[no-untyped-call]
            props.SessionExpiryInterval = self._session_expiry_s
            self._client.disconnect(properties=props)
        else:
            self._client.disconnect()
        self._client.loop_stop()

    def use_manual_ack(self, handler: DeliveryHandler) -> None:
        """Hand messages to ``handler`` and acknowledge them only through :meth:`ack`.

        Call before :meth:`start`.
        """
        self.delivery_handler = handler
        self._client.manual_ack_set(True)

    def ack(self, deliveries: Sequence[Delivery]) -> None:
        """Acknowledge these deliveries (QoS 1), in the order given (receive order)."""
        current = self.connection
        mids = [d.mid for d in deliveries if d.qos == 1 and d.connection == current]
        self._client.ack_many(mids)

    # -- used by the worker ------------------------------------------------------------------

    def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        """QoS 1 publish; paho queues it while disconnected."""
        self._client.publish(topic, payload, qos=1, retain=retain)

    # -- paho callbacks (network thread) -----------------------------------------------------

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        try:
            if reason.is_failure:
                self.last_error = f"connection refused: {reason}"
                log.warning("broker %s refused the console: %s", self.broker, reason)
                return
            with self._lock:
                self.connected, self.since = True, time.time()
                self.connection += 1
            if not flags.session_present:
                client.subscribe([(topic, 1) for topic in self.topics])
            client.publish(presence_topic(self.console_id), _presence("online"), 1, True)
            log.info("connected to %s (session present: %s)", self.broker, flags.session_present)
        except Exception:
            log.exception("error in on_connect")

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        try:
            with self._lock:
                if self.connected:
                    self.disconnects += 1
                self.connected, self.since = False, time.time()
            if reason.is_failure:
                self.last_error = f"disconnected: {reason}"
                log.warning("disconnected from %s: %s", self.broker, reason)
        except Exception:
            log.exception("error in on_disconnect")

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self.pending += 1
        try:
            try:
                topic = message.topic
            except UnicodeDecodeError:  # brokers should refuse these; quarantine rather than lose
                topic = bytes(message._topic).decode("utf-8", "replace")
            if self.delivery_handler is None:
                self.handler(topic, bytes(message.payload), time.time())
            else:
                delivery = Delivery(message.mid, message.qos, self.connection)
                self.delivery_handler(topic, bytes(message.payload), time.time(), delivery)
        except Exception:
            log.exception("error handling a message on %r", getattr(message, "topic", "?"))
            if self.delivery_handler is not None and message.qos == 1:
                client.ack(message.mid, 1)  # never handed on: don't hold the broker's window
        finally:
            self.pending -= 1
