"""paho's client with a receive buffer.

paho-mqtt 2 reads every packet with several ``recv()`` calls — one byte for the command, one
per byte of the remaining length, then the body — and handles one packet per ``select()``
wake-up. At thousands of small QoS 1 messages a second that is most of the console's ingest
cost. :class:`BufferedClient` serves those small reads from 64 KiB ``recv()`` calls and keeps
reading while buffered bytes remain. Packets queued on the network thread itself (the PUBACK
sent after each ``on_message``) skip paho's wake-up write to its internal socket pair: the
loop writes them on its next turn anyway. An MQTT 5 QoS 1 PUBLISH without properties (what
the field sends) is decoded on a fast path that shares one empty ``Properties`` instead of
building and parsing one per message. Together these take paho's receive path from about
9k to over 30k msg/s here. With ``manual_ack`` (the console with a store: a message is
acknowledged only once its effect is committed) :meth:`BufferedClient.ack_many` sends a
batch's PUBACKs, in receive order, as one write. It overrides four private methods, so paho is pinned to
``>=2.1,<2.3`` in pyproject.toml; ``tests/test_buffered_client.py`` checks it against plain
paho's results, with and without properties, QoS 0 and 1.
"""

from __future__ import annotations

import struct
import threading
import time
from collections.abc import Sequence
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import MQTTErrorCode, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

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

    def _handle_publish(self) -> MQTTErrorCode:
        # Fast path for the common case: MQTT 5, QoS 1, no properties. paho builds and parses a
        # Properties object for every PUBLISH; an empty one is shared here.
        command = self._in_packet["command"]
        packet = self._in_packet["packet"]
        qos = (command & 0x06) >> 1
        if self._protocol != MQTTProtocolVersion.MQTTv5 or qos != 1:
            return super()._handle_publish()
        topic_len = (packet[0] << 8) | packet[1]
        end = 2 + topic_len
        if len(packet) < end + 3 or packet[end + 2] != 0:  # mid, then property length 0
            return super()._handle_publish()
        message = mqtt.MQTTMessage(mid=(packet[end] << 8) | packet[end + 1], topic=bytes(packet[2:end]))
        message.dup = bool(command & 0x08)
        message.qos = 1
        message.retain = bool(command & 0x01)
        message.properties = _NO_PROPERTIES
        message.payload = bytes(packet[end + 3 :])
        message.timestamp = time.monotonic()
        self._handle_on_message(message)
        if self._manual_ack:  # acknowledged later, by ack() or ack_many()
            return MQTTErrorCode.MQTT_ERR_SUCCESS
        return self._send_puback(message.mid)

    def ack_many(self, mids: Sequence[int]) -> None:
        """PUBACK these QoS 1 messages (``manual_ack`` mode), in this order, in one write.

        The PUBACKs are queued as one outgoing packet: one wake-up of the loop and one
        ``send()`` instead of one each.
        """
        if mids:
            packet = b"".join(_PUBACK.pack(PUBACK_HEADER, 2, mid) for mid in mids)
            self._packet_queue(PUBACK_HEADER, packet, 0, 0)


_NO_PROPERTIES = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
_PUBACK = struct.Struct("!BBH")
PUBACK_HEADER = 0x40  # PUBACK, remaining length 2: packet id only (MQTT 5: reason 0, no properties)
