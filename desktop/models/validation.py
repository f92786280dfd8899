"""Strict validation of field messages (protocol §2-3).

:class:`WireValidator` turns ``(topic, raw bytes)`` into an :class:`Envelope` or a
:class:`QuarantineRecord` with a reason a person can read. It never raises on wire input.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import Any, Final

import msgspec

from desktop.models.iso6346 import container_problem
from desktop.models.timeutil import format_rfc3339
from desktop.models.wire import (
    GatePass,
    NfcRead,
    ObuTelemetry,
    SealEvent,
    SealStatus,
    TransportOrder,
    WirePayload,
)

MAX_PAYLOAD_BYTES: Final = 8192
MAX_FUTURE_SKEW_S: Final = 300.0
REGIONS: Final = frozenset({"keelung", "taipei", "taichung", "kaohsiung"})

TELEMETRY: Final = "telemetry"
SEAL_STATUS: Final = "seal_status"
SEAL_EVENT: Final = "seal_event"
NFC_READ: Final = "nfc_read"
ORDER: Final = "order"
GATE_PASS: Final = "gate_pass"


@dataclass(slots=True, frozen=True)
class QuarantineRecord:
    """A rejected message: never processed, kept for an operator to browse (§3.7)."""

    topic: str
    raw: bytes
    received_at: float
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """Plain-JSON form (raw decoded leniently for display)."""
        return {
            "topic": self.topic,
            "raw": self.raw.decode("utf-8", "replace"),
            "received_at": format_rfc3339(self.received_at),
            "reason": self.reason,
        }


@dataclass(slots=True)
class Envelope:
    """An accepted message with what the pipeline needs to route and order it.

    ``key`` orders messages by device time with a deterministic tie-break, so that the
    same set of messages always folds in the same order whatever their arrival order.
    Treat it as immutable (not frozen only because frozen dataclasses construct slowly).
    """

    kind: str
    region: str
    device: str
    seq: int
    ts: float
    received_at: float
    topic: str
    msg: WirePayload
    key: tuple[float, int, str, int]


# Same-ts tie-break (documented in docs/rules.md): sealing first, then reads, positions,
# gate passes, seal status, and other seal events (unsealed/tamper) last.
_RANK_SEALED, _RANK_NFC, _RANK_TELEMETRY, _RANK_GATE, _RANK_STATUS, _RANK_EVENT = range(6)
_RANK_ORDER = -1

_LABELS: Final = {
    TELEMETRY: "OBU telemetry",
    SEAL_STATUS: "seal status",
    SEAL_EVENT: "seal event",
    NFC_READ: "NFC read",
    ORDER: "transport order",
    GATE_PASS: "gate pass",
}

# (topic kind segment, leaf segment) -> message kind, payload type, payload id field
_ROUTES: Final[dict[tuple[str, str], tuple[str, type, str]]] = {
    ("obu", "telemetry"): (TELEMETRY, ObuTelemetry, "obu_id"),
    ("seal", "status"): (SEAL_STATUS, SealStatus, "seal_id"),
    ("seal", "event"): (SEAL_EVENT, SealEvent, "seal_id"),
    ("nfc", "read"): (NFC_READ, NfcRead, "seal_id"),
    ("gate", "pass"): (GATE_PASS, GatePass, "gate_id"),
}


# kind, payload type, id field, id in topic, region, the id field's JSON key as bytes
_Route = tuple[str, type, str, str, str, bytes]
_TOPIC_CACHE: Final = 200_000


def _parse_topic(topic: str) -> _Route | str:
    """Route a topic, or explain why it is not one of protocol §2.1."""
    parts = topic.split("/")
    if len(parts) < 5 or parts[0] != "jmc" or parts[1] != "v1":
        return f"unknown topic {topic!r}"
    region = parts[2]
    if region not in REGIONS:
        return f"unknown region {region!r} in topic"
    if len(parts) == 5 and parts[3] == "order":
        return (ORDER, TransportOrder, "order_no", parts[4], region, b'"order_no"')
    route = _ROUTES.get((parts[3], parts[5])) if len(parts) == 6 else None
    if route is None:
        return f"unknown topic {topic!r}"
    kind, payload_type, id_field = route
    return (kind, payload_type, id_field, parts[4], region, f'"{id_field}"'.encode())


def _humanise(error: Exception) -> str:
    text = str(error).replace("`", "")
    if " - at $" in text:
        message, path = text.rsplit(" - at $", 1)
        path = path.lstrip(".")
        message = message[:1].lower() + message[1:]
        return f"{path}: {message}" if path else message
    if text.startswith("Object missing required field "):
        return "missing required field " + text.removeprefix("Object missing required field ")
    return text[:1].lower() + text[1:]


class WireValidator:
    """Validates field messages against protocol §2-3.

    Args:
        known_sites: site codes an order may name; ``None`` accepts any code.
        gate_sites: gate id -> site code, to reject a pass claiming the wrong site.
    """

    def __init__(
        self,
        known_sites: Container[str] | None = None,
        gate_sites: dict[str, str] | None = None,
    ) -> None:
        self._known_sites = known_sites
        self._topics: dict[str, _Route] = {}
        self._gate_sites = gate_sites or {}
        self._decoders: dict[type, msgspec.json.Decoder[Any]] = {
            t: msgspec.json.Decoder(t)
            for t in (ObuTelemetry, SealStatus, SealEvent, NfcRead, TransportOrder, GatePass)
        }
        self._semantic: dict[str, Callable[[Any], str | None]] = {
            SEAL_EVENT: self._check_seal_event,
            NFC_READ: self._check_nfc,
            ORDER: self._check_order,
            GATE_PASS: self._check_gate,
        }

    def validate(self, topic: str, raw: bytes, received_at: float) -> Envelope | QuarantineRecord:
        """Validate one message; never raises on anything the wire can send."""
        try:
            return self._validate(topic, raw, received_at)
        except Exception as exc:  # defensive: a validator bug must not lose the message
            return QuarantineRecord(
                topic, bytes(raw[:MAX_PAYLOAD_BYTES]), received_at, f"internal error: {exc!r}"
            )

    def _reject(self, topic: str, raw: bytes, received_at: float, reason: str) -> QuarantineRecord:
        return QuarantineRecord(topic, bytes(raw[:MAX_PAYLOAD_BYTES]), received_at, reason)

    def _validate(self, topic: str, raw: bytes, received_at: float) -> Envelope | QuarantineRecord:
        if len(raw) > MAX_PAYLOAD_BYTES:
            return self._reject(
                topic, raw, received_at, f"payload is {len(raw)} bytes; the limit is 8192 (8 KiB)"
            )
        route = self._topics.get(topic)
        if route is None:
            parsed = _parse_topic(topic)
            if isinstance(parsed, str):
                return self._reject(topic, raw, received_at, parsed)
            route = parsed
            if len(self._topics) >= _TOPIC_CACHE:
                self._topics.clear()
            self._topics[topic] = route
        kind, payload_type, id_field, topic_id, region, id_key = route
        label = _LABELS[kind]
        if not raw.isascii():  # msgspec does not check the UTF-8 of fields it skips
            try:
                bytes(raw).decode("utf-8")
            except UnicodeDecodeError as exc:
                return self._reject(
                    topic, raw, received_at, f"{label}: payload is not valid UTF-8 (byte {exc.start})"
                )
        try:
            msg = self._decoders[payload_type].decode(raw)
        except msgspec.ValidationError as exc:
            return self._reject(topic, raw, received_at, f"{label}: {_humanise(exc)}")
        except msgspec.DecodeError as exc:
            return self._reject(topic, raw, received_at, f"{label}: not valid JSON ({exc})")
        if raw.count(id_key) > 1:  # JSON keeps the last of repeated keys
            return self._reject(topic, raw, received_at, f"{label}: {id_field} appears more than once")
        payload_id = getattr(msg, id_field)
        if payload_id != topic_id:
            return self._reject(
                topic,
                raw,
                received_at,
                f"{label}: {id_field} {payload_id!r} in the payload does not match {topic_id!r} in the topic",
            )
        ts = msg.ts.timestamp()
        if not math.isfinite(ts):  # pragma: no cover - msgspec cannot produce this
            return self._reject(topic, raw, received_at, f"{label}: ts is not a finite time")
        ahead = ts - received_at
        if ahead > MAX_FUTURE_SKEW_S:
            return self._reject(
                topic,
                raw,
                received_at,
                f"{label}: ts {format_rfc3339(ts)} is {ahead:.0f} s ahead of the console clock (limit 5 min)",
            )
        check = self._semantic.get(kind)
        if check is not None and (problem := check(msg)) is not None:
            return self._reject(topic, raw, received_at, f"{label}: {problem}")
        return self._envelope(kind, region, topic, msg, ts, received_at)

    @staticmethod
    def _envelope(kind: str, region: str, topic: str, msg: Any, ts: float, received_at: float) -> Envelope:
        if kind == TELEMETRY:
            device, seq, rank = "obu:" + msg.obu_id, msg.seq, _RANK_TELEMETRY
        elif kind == SEAL_STATUS:
            device, seq, rank = "seal:" + msg.seal_id, msg.seq, _RANK_STATUS
        elif kind == SEAL_EVENT:
            device, seq = "seal:" + msg.seal_id, msg.seq
            rank = _RANK_SEALED if msg.event == "sealed" else _RANK_EVENT
        elif kind == NFC_READ:
            device, seq, rank = "app:" + msg.device_id, msg.seq, _RANK_NFC
        elif kind == GATE_PASS:
            device, seq, rank = "gate:" + msg.gate_id, msg.seq, _RANK_GATE
        else:
            device, seq, rank = "order:" + msg.order_no, 0, _RANK_ORDER
        return Envelope(kind, region, device, seq, ts, received_at, topic, msg, (ts, rank, device, seq))

    # -- semantic checks a schema cannot express -------------------------------------------

    @staticmethod
    def _check_seal_event(msg: SealEvent) -> str | None:
        if isinstance(msg.container_no, str):
            return container_problem(msg.container_no)
        return None

    @staticmethod
    def _check_nfc(msg: NfcRead) -> str | None:
        return container_problem(msg.container_no)

    def _check_order(self, msg: TransportOrder) -> str | None:
        if msg.origin_site == msg.dest_site:
            return f"origin_site and dest_site are both {msg.origin_site!r}; they must differ"
        if self._known_sites is not None:
            for field, code in (("origin_site", msg.origin_site), ("dest_site", msg.dest_site)):
                if code not in self._known_sites:
                    return f"{field} {code!r} is not a known site"
        seen_containers: set[str] = set()
        seen_seals: set[str] = set()
        for c in msg.containers:
            if (problem := container_problem(c.container_no)) is not None:
                return problem
            if c.container_no in seen_containers:
                return f"container_no {c.container_no} is listed twice"
            if c.seal_id in seen_seals:
                return f"seal_id {c.seal_id} is listed twice"
            seen_containers.add(c.container_no)
            seen_seals.add(c.seal_id)
        return None

    def _check_gate(self, msg: GatePass) -> str | None:
        for number in msg.container_nos:
            if (problem := container_problem(number)) is not None:
                return problem
        owner = self._gate_sites.get(msg.gate_id)
        if owner is not None and owner != msg.site_code:
            return f"gate {msg.gate_id} belongs to site {owner}, not {msg.site_code}"
        return None
