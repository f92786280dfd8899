"""Send simulator traffic to an MQTT broker: paho-mqtt 2, QoS 1, paced in real time.

* :class:`MqttPublisher` drives one paho client (callback API version 2, MQTT 3.1.1) from the
  caller's thread: no network thread to share the interpreter with, which here is ~60 % more
  messages per second than paho's ``loop_start``. It keeps up to ``max_inflight`` QoS 1
  messages unacknowledged, services the socket as it publishes and while idle (keepalive),
  and reconnects with backoff (1 s doubling to 30 s) when the broker goes away; paho then
  re-sends what was not acknowledged.
* :func:`run_paced` feeds a :class:`~desktop.sim.engine.Simulator` into a sink at the
  messages' send times (``speed`` times real time, or as fast as possible), never sending a
  message more than ``max_ahead_s`` before the wall clock reaches its send time (the console
  rejects device times more than 5 minutes ahead of its clock). A stop event (or Ctrl-C in the
  caller) ends it cleanly between two messages.
* :mod:`desktop.sim.shards` spreads publishing over several processes for more throughput.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from desktop.ingest.broker import BrokerAddress
from desktop.sim.engine import Simulator

log = logging.getLogger(__name__)

SERVICE_EVERY = 64  # publishes between two reads of the socket (acknowledgements)
_DOWN, _CONNECTING, _UP = range(3)


class PublishError(RuntimeError):
    """The broker could not be reached or refused us; the message says why."""


class Sink(Protocol):
    """Where :func:`run_paced` sends messages."""

    def send(self, topic: str, payload: bytes) -> bool:
        """Send one message; False when stopped (nothing sent)."""
        ...

    def idle(self, seconds: float) -> None:
        """Wait about ``seconds`` (keeping any connection alive)."""
        ...


class MqttPublisher:
    """A QoS 1 publisher with back-pressure and reconnects, driven by its caller's thread.

    Args:
        broker: where to connect (``BrokerAddress.parse("mqtt://host:1883")``).
        client_id: MQTT client id (default ``jmc-sim-<pid>``).
        max_inflight: QoS 1 messages published and not yet acknowledged before :meth:`send`
            waits (paho keeps them in memory; its message ids are 16-bit: at most 60,000).
        stop: set it (from any thread) to make waiting calls give up.
    """

    def __init__(
        self,
        broker: BrokerAddress,
        *,
        client_id: str | None = None,
        max_inflight: int = 10_000,
        keepalive: int = 30,
        stop: threading.Event | None = None,
    ) -> None:
        self.broker = broker
        self.keepalive = keepalive
        self.window = max(1, min(max_inflight, 60_000))
        self.stop = stop or threading.Event()
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=client_id or f"jmc-sim-{os.getpid()}",
            protocol=mqtt.MQTTv311,
            clean_session=True,
        )
        # paho's own in-flight limit, once reached, re-scans every outstanding message on each
        # PUBACK (O(window) per acknowledgement): raise it to "no limit" (0) and keep the
        # window here instead
        self.client.max_inflight_messages_set(0)
        self.client.max_queued_messages_set(0)
        broker.apply(self.client)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_publish = self._on_publish
        self.connected = False
        self.published = 0
        self.acked = 0
        self.connects = 0
        self.last_error: str | None = None
        self._since_service = 0
        self._closing = False
        self._state = _DOWN
        self._backoff = 1.0
        self._retry_at = 0.0
        self._connect_deadline = 0.0

    @property
    def pending(self) -> int:
        return self.published - self.acked

    # -- paho callbacks (called from our own loop calls) ------------------------------------

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        if reason.is_failure:
            self.last_error = f"broker {self.broker} refused the connection: {reason}"
            log.error("%s", self.last_error)
            return
        self.connects += 1
        self.connected = True
        self._state = _UP
        self._backoff = 1.0
        if self.connects > 1:
            log.warning("reconnected to %s; paho re-sends what was not acknowledged", self.broker)

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        if self.connected and not self._closing:
            log.warning("lost the broker %s (%s); reconnecting", self.broker, reason)
        self.connected = False

    def _on_publish(self, client: mqtt.Client, userdata: Any, mid: int, reason: Any, props: Any) -> None:
        self.acked += 1

    # -- the connection -----------------------------------------------------------------------

    def connect(self, timeout: float = 10.0) -> None:
        """Connect and wait for the broker's CONNACK.

        Raises:
            PublishError: when not connected within ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        try:
            self.client.connect(self.broker.host, self.broker.port, keepalive=self.keepalive)
        except (OSError, ValueError) as exc:
            raise PublishError(f"cannot connect to {self.broker}: {exc}") from exc
        self._state = _CONNECTING
        while not self.connected:
            rc = self.client.loop(timeout=0.05)
            if rc != mqtt.MQTT_ERR_SUCCESS or self.last_error or self.stop.is_set():
                break
            if time.monotonic() > deadline:
                break
        if not self.connected:
            self.client.disconnect()
            self._state = _DOWN
            raise PublishError(self.last_error or f"no connection to {self.broker} within {timeout:g} s")

    def _down(self, why: str) -> None:
        self.connected = False
        self._state = _DOWN
        self._retry_at = time.monotonic() + self._backoff
        log.warning("broker %s: %s; retrying in %g s", self.broker, why, self._backoff)
        self._backoff = min(30.0, self._backoff * 2)

    def service(self, timeout: float = 0.0) -> None:
        """Read acknowledgements, write what is queued, keep alive; reconnect when lost."""
        self._since_service = 0
        if self._state != _DOWN:
            rc = self.client.loop(timeout=timeout)
            if rc != mqtt.MQTT_ERR_SUCCESS:
                self._down(f"connection lost ({mqtt.error_string(rc)})")
            elif self._state == _CONNECTING and time.monotonic() > self._connect_deadline:
                self._down("no CONNACK")
            return
        left = self._retry_at - time.monotonic()
        if left > 0:
            time.sleep(min(timeout, left))
            return
        try:
            self.client.reconnect()  # paho re-sends the unacknowledged once connected
        except (OSError, ValueError) as exc:
            self._down(f"cannot reconnect ({exc})")
            return
        self._state = _CONNECTING
        self._connect_deadline = time.monotonic() + 10.0

    def send(self, topic: str, payload: bytes) -> bool:
        """Publish with QoS 1; waits while disconnected or the window is full. Returns False
        (without publishing) when stopped meanwhile."""
        self._since_service += 1
        if self._since_service >= SERVICE_EVERY or self.pending >= self.window or not self.connected:
            self.service()
            while self.pending >= self.window or not self.connected:
                if self.stop.is_set():
                    return False
                self.service(0.01)
        self.client.publish(topic, payload, qos=1)  # queued by paho even if the socket drops
        self.published += 1
        return True

    def idle(self, seconds: float) -> None:
        """Wait ``seconds`` while keeping the connection serviced."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0 and not self.stop.is_set():
            self.service(min(left, 0.1))

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything published is acknowledged (or ``timeout``)."""
        end = time.monotonic() + timeout
        while self.pending > 0 and time.monotonic() < end:
            self.service(0.02)
        return self.pending <= 0

    def close(self, flush_s: float = 5.0) -> None:
        """Flush (at most ``flush_s``) and disconnect cleanly."""
        if flush_s > 0 and self.connected:
            self.flush(flush_s)
        self._closing = True
        if self.connected:
            self.client.disconnect()
            self.client.loop(timeout=0.1)
        self.connected = False


@dataclass(slots=True)
class PacedRun:
    """What :func:`run_paced` did."""

    sent: int = 0
    stopped: bool = False  # by the stop event or the sink, not by reaching the end
    sim_start: float = 0.0
    sim_end: float = 0.0
    wall_s: float = 0.0


def run_paced(
    sim: Simulator,
    sink: Sink,
    *,
    speed: float = 1.0,
    as_fast_as_possible: bool = False,
    duration_s: float | None = None,
    stop: threading.Event | None = None,
    max_ahead_s: float = 60.0,
    report_every_s: float = 10.0,
    report: Callable[[str], None] | None = None,
    wall: Callable[[], float] = time.time,
    monotonic: Callable[[], float] = time.monotonic,
) -> PacedRun:
    """Hand the simulator's messages to ``sink`` at their send times until ``duration_s`` of
    simulated time has passed (forever when None) or ``stop`` is set."""
    if speed <= 0:
        raise ValueError("speed must be positive")
    stop = stop or threading.Event()
    run = PacedRun(sim_start=sim.now)
    t0, m0 = sim.now, monotonic()
    end = None if duration_s is None else t0 + duration_s
    step = 10.0 if as_fast_as_possible else max(0.05, 0.2 * speed)  # simulated seconds per batch
    next_report = m0 + report_every_s
    last_sent, last_report = 0, m0

    def wait(until: float, clock: Callable[[], float]) -> bool:
        while (seconds := until - clock()) > 0.002:
            if stop.is_set():
                return False
            sink.idle(min(seconds, 0.25))
        return not stop.is_set()

    while not stop.is_set() and (end is None or sim.now < end):
        upto = sim.now + step if end is None else min(end, sim.now + step)
        for t_send, topic, payload in sim.messages_until(upto):
            if not as_fast_as_possible:
                due = m0 + (t_send - t0) / speed
                if due - monotonic() > 0.002 and not wait(due, monotonic):
                    break
            if t_send - wall() > max_ahead_s and not wait(t_send - max_ahead_s, wall):
                break
            if not sink.send(topic, payload):
                stop.set()
                break
            run.sent += 1
        now = monotonic()
        if report is not None and now >= next_report:
            rate = (run.sent - last_sent) / max(1e-9, now - last_report)
            report(f"simulated {sim.now - t0:,.0f} s, sent {run.sent:,} ({rate:,.0f}/s)")
            next_report, last_sent, last_report = now + report_every_s, run.sent, now
    run.stopped = stop.is_set()
    run.sim_end = sim.now
    run.wall_s = monotonic() - m0
    return run
