"""Wire payloads of protocol §3 as the field devices send them, and deliberately broken ones.

Encoding goes through msgspec structs (field order as in the protocol; absent optional fields
are left out, never ``null``), so every number is a JSON number and every time is RFC 3339
with the Taiwan offset and milliseconds.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

import msgspec
from msgspec import UNSET, Struct, UnsetType

from desktop.models.iso6346 import check_digit
from desktop.models.timeutil import TAIPEI

OWNER_CODES: Final = ("EGHU", "TGHU", "CSQU", "MSKU", "OOLU", "WHLU", "YMLU", "EISU", "TCNU", "BMOU")


class Telemetry(Struct, gc=False):
    """§3.1 OBU telemetry."""

    v: int
    obu_id: str
    seq: int
    ts: str
    lat: float
    lon: float
    speed_kmh: float
    heading: float
    fix: str
    ext_power: bool
    plate: str


class SealStatus(Struct, gc=False):
    """§3.2 active seal status."""

    v: int
    seal_id: str
    seq: int
    ts: str
    obu_id: str
    state: str
    pin: str
    battery_pct: float
    lat: float | UnsetType = UNSET
    lon: float | UnsetType = UNSET


class SealEvent(Struct, gc=False):
    """§3.3 active seal event."""

    v: int
    seal_id: str
    seq: int
    ts: str
    event: str
    method: str | UnsetType = UNSET
    order_no: str | UnsetType = UNSET
    container_no: str | UnsetType = UNSET
    officer_id: str | UnsetType = UNSET
    photo_id: str | UnsetType = UNSET
    lat: float | UnsetType = UNSET
    lon: float | UnsetType = UNSET


class NfcRead(Struct, gc=False):
    """§3.4 NFC read by an officer's phone app."""

    v: int
    seal_id: str
    seq: int
    ts: str
    device_id: str
    kind: str
    seal_type: str
    order_no: str
    container_no: str
    site_code: str
    officer_id: str
    photo_id: str | UnsetType = UNSET
    lat: float | UnsetType = UNSET
    lon: float | UnsetType = UNSET
    location_tag: str | UnsetType = UNSET


class OrderContainer(Struct, gc=False):
    container_no: str
    seal_id: str
    seal_type: str


class TransportOrder(Struct, gc=False):
    """§3.5 transport order (運送單)."""

    v: int
    order_no: str
    ts: str
    status: str
    origin_site: str
    dest_site: str
    plate: str
    driver_id: str
    containers: list[OrderContainer]
    planned_departure: str
    max_transit_min: int
    cargo: str
    risk: str
    obu_id: str | UnsetType = UNSET


class GatePass(Struct, gc=False):
    """§3.6 gate pass."""

    v: int
    gate_id: str
    seq: int
    ts: str
    site_code: str
    direction: str
    plate: str
    container_nos: list[str]
    scan_required: bool
    scanned: bool


encode = msgspec.json.Encoder().encode


_MS_SUFFIX: Final = tuple(f".{ms:03d}+08:00" for ms in range(1000))


class TimeFormatter:
    """Epoch milliseconds to ``2026-11-20T08:15:02.120+08:00``, caching the whole seconds."""

    def __init__(self) -> None:
        self._seconds: dict[int, str] = {}

    def __call__(self, ms: int) -> str:
        prefix = self._seconds.get(ms // 1000)
        if prefix is None:
            if len(self._seconds) > 4096:
                self._seconds.clear()
            second = ms // 1000
            prefix = datetime.fromtimestamp(second, TAIPEI).strftime("%Y-%m-%dT%H:%M:%S")
            self._seconds[second] = prefix
        return prefix + _MS_SUFFIX[ms % 1000]


def container_number(serial: int) -> str:
    """A valid ISO 6346 number: owner code by ``serial``, then a six-digit serial, then the
    check digit."""
    owner = OWNER_CODES[serial % len(OWNER_CODES)]
    body = f"{owner}{(serial // len(OWNER_CODES)) % 1_000_000:06d}"
    return body + str(check_digit(body))


# -- invalid messages (quarantine traffic) --------------------------------------------------------

BAD_CHECK_DIGIT: Final = "bad_check_digit"
STRING_NUMBER: Final = "string_number"
SPOOFED_ID: Final = "spoofed_id"
INVALID_KINDS: Final = (BAD_CHECK_DIGIT, STRING_NUMBER, SPOOFED_ID)

_CONTAINER = re.compile(rb'"([A-Z]{3}[UJZ][0-9]{6})([0-9])"')
_NUMBER_KEYS: Final = (b'"seq":', b'"max_transit_min":')


def _string_number(payload: bytes) -> bytes | None:
    for key in _NUMBER_KEYS:
        start = payload.find(key)
        if start < 0:
            continue
        j = k = start + len(key)
        while k < len(payload) and payload[k] in b"0123456789":
            k += 1
        if k > j:
            return payload[:j] + b'"' + payload[j:k] + b'"' + payload[k:]
    return None


def _bad_check_digit(payload: bytes) -> bytes | None:
    match = _CONTAINER.search(payload)
    if match is None:
        return None
    wrong = str((int(match.group(2)) + 1) % 10).encode()
    return payload[: match.start(2)] + wrong + payload[match.end(2) :]


def _spoofed_topic(topic: str) -> str:
    parts = topic.split("/")
    parts[4] = parts[4][:28] + "-X9"  # the id the topic names no longer matches the payload's
    return "/".join(parts)


def corrupt(kind: str, topic: str, payload: bytes) -> tuple[str, bytes] | None:
    """A copy of a valid message broken in the way ``kind`` names, or None if the message
    has nothing to break that way (no container number, no number field)."""
    if kind == SPOOFED_ID:
        return _spoofed_topic(topic), payload
    broken = _bad_check_digit(payload) if kind == BAD_CHECK_DIGIT else _string_number(payload)
    return None if broken is None else (topic, broken)
