"""paho's client with a receive buffer.

paho-mqtt 2 reads every packet with several ``recv()`` calls — one byte for the command, one
per byte of the remaining length, then the body — and handles one packet per ``select()``
wake-up. At thousands of small QoS 1 messages a second that is most of the console's ingest
cost. :class:`BufferedClient` serves those small reads from 64 KiB ``recv()`` calls and keeps
reading while buffered bytes remain. Packets queued on the network thread itself (the PUBACK
sent after each ``on_message``) skip paho's wake-up write to its internal socket pair: the
loop writes them on its next turn anyway. It overrides three private methods, so paho is
pinned to ``>=2.1,<2.3`` in pyproject.toml; the MQTT integration tests exercise it.
"""

from __future__ import annotations

import threading
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import MQTTErrorCode

_CHUNK = 65536


class BufferedClient(mqtt.Client):
    """A :class:`paho.mqtt.client.Client` that reads the socket in large chunks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rbuf = b""
        self._rpos = 0
        self._rsock: object = None

    def _sock_recv(self, bufsize: int) -> bytes:
        if self._rsock is not self._sock:  # a new connection: forget the old one's bytes
            self._rsock, self._rbuf, self._rpos = self._sock, b"", 0
        if self._rpos >= len(self._rbuf):
            data = super()._sock_recv(_CHUNK)  # raises BlockingIOError when there is nothing
            if not data:
                return data  # connection closed
            self._rbuf, self._rpos = data, 0
        start = self._rpos
        self._rpos = start + bufsize
        return self._rbuf[start : start + bufsize]

    def loop_read(self, max_packets: int = 1) -> MQTTErrorCode:
        rc = super().loop_read(max_packets)
        while rc == MQTTErrorCode.MQTT_ERR_SUCCESS and self._sock is not None and self._buffered():
            rc = super().loop_read(max_packets)
        return rc

    def _buffered(self) -> bool:
        return self._rsock is self._sock and self._rpos < len(self._rbuf)

    def _packet_queue(
        self,
        command: int,
        packet: bytes | bytearray,
        mid: int,
        qos: int,
        info: mqtt.MQTTMessageInfo | None = None,
    ) -> MQTTErrorCode:
        if self._thread is None or threading.current_thread() is not self._thread:
            return super()._packet_queue(command, packet, mid, qos, info)
        # on the loop's own thread: it checks want_write() before its next select()
        self._out_packet.append(
            {
                "command": command,
                "mid": mid,
                "qos": qos,
                "pos": 0,
                "to_process": len(packet),
                "packet": packet,
                "info": info,
            }
        )
        return MQTTErrorCode.MQTT_ERR_SUCCESS
