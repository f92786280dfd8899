"""Wire validation (protocol §2-3, §3.7 rejected input) and ISO 6346 check digits.

Every rejection test asserts that the message is quarantined *and* that the reason a person
reads names the field or problem. The console clock is ``T(0)``; sites and gates are the
spec's example file (EX-YARD-A, EX-TERM-B, gate EX-GATE-1 of EX-YARD-A).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from desktop.models.validation import MAX_PAYLOAD_BYTES, Envelope, QuarantineRecord, WireValidator
from tests.helpers import SITES, T, iso

NOW = T(0)
PREFIX = "jmc/v1/keelung/"
BAD_CHECK = "container_no TGHU1234568: ISO 6346 check digit should be 7"
Payload = dict[str, Any]
DROP = object()  # marks a field to remove


def make_validator() -> WireValidator:
    return WireValidator(SITES.sites, {g.gate_id: g.site_code for g in SITES.gates.values()})


def head(id_field: str, device: str, seq: int) -> Payload:
    return {"v": 1, id_field: device, "seq": seq, "ts": iso(0)}


def telemetry() -> Payload:
    return head("obu_id", "OBU-1", 1) | {"lat": 25.1, "lon": 121.7, "ext_power": True}


def seal_status() -> Payload:
    return head("seal_id", "VS-1", 2) | {"obu_id": "OBU-1", "state": "sealed", "pin": "ok", "battery_pct": 80}


def seal_event() -> Payload:
    body = {"event": "sealed", "order_no": "ORD-1", "container_no": "CSQU3054383", "officer_id": "KL-0101"}
    return head("seal_id", "VS-1", 3) | body


def nfc_read() -> Payload:
    reader = {"device_id": "APP-1", "kind": "departure", "seal_type": "passive", "officer_id": "KL-0101"}
    where = {"order_no": "ORD-1", "container_no": "CSQU3054383", "site_code": "EX-YARD-A"}
    return head("seal_id", "PS-1", 4) | reader | where


def order() -> Payload:
    route = {"status": "open", "origin_site": "EX-YARD-A", "dest_site": "EX-TERM-B"}
    body = head("order_no", "ORD-1", 0) | route
    del body["seq"]  # orders carry no seq
    container = {"container_no": "CSQU3054383", "seal_id": "VS-1", "seal_type": "active"}
    return body | {"containers": [container], "max_transit_min": 60}


def gate_pass() -> Payload:
    body = {"direction": "out", "container_nos": ["CSQU3054383"], "scan_required": True, "scanned": False}
    return head("gate_id", "EX-GATE-1", 5) | {"site_code": "EX-YARD-A"} | body


# kind -> (builder, topic template, payload id field, device key prefix)
KINDS: dict[str, tuple[Callable[[], Payload], str, str, str]] = {
    "telemetry": (telemetry, "obu/{}/telemetry", "obu_id", "obu:"),
    "seal_status": (seal_status, "seal/{}/status", "seal_id", "seal:"),
    "seal_event": (seal_event, "seal/{}/event", "seal_id", "seal:"),
    "nfc_read": (nfc_read, "nfc/{}/read", "seal_id", "app:"),
    "order": (order, "order/{}", "order_no", "order:"),
    "gate_pass": (gate_pass, "gate/{}/pass", "gate_id", "gate:"),
}


def build(kind: str, /, **changes: Any) -> tuple[str, Payload]:
    """A valid payload of ``kind`` with ``changes`` applied, and its matching topic."""
    builder, template, id_field, _ = KINDS[kind]
    payload = builder()
    for key, value in changes.items():
        if key == "container":  # change the first order container
            payload["containers"][0].update(value)
        elif value is DROP:
            del payload[key]
        else:
            payload[key] = value
    topic_id = payload.get(id_field)
    return PREFIX + template.format(topic_id if isinstance(topic_id, str) else "X"), payload


def run(topic: str, payload: Payload | bytes, now: float = NOW) -> Envelope | QuarantineRecord:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return make_validator().validate(topic, raw, now)


def rejected(topic: str, payload: Payload | bytes, *needles: str, now: float = NOW) -> QuarantineRecord:
    """Assert the message is quarantined with a readable reason containing every needle."""
    result = run(topic, payload, now)
    assert isinstance(result, QuarantineRecord), f"accepted: {result}"
    assert result.topic == topic
    assert result.received_at == now
    reason = result.reason
    assert reason and len(reason) < 300, reason
    assert "`" not in reason and "$." not in reason and "internal error" not in reason, reason
    for needle in needles:
        assert needle in reason, f"{needle!r} not in reason {reason!r}"
    return result


def accepted(topic: str, payload: Payload | bytes, now: float = NOW) -> Envelope:
    result = run(topic, payload, now)
    assert isinstance(result, Envelope), f"rejected: {getattr(result, 'reason', result)}"
    return result


# -- positives -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_valid_payload_kind_is_accepted(kind: str) -> None:
    topic, payload = build(kind)
    env = accepted(topic, payload)
    _, _, id_field, prefix = KINDS[kind]
    device_id = payload["device_id"] if kind == "nfc_read" else payload[id_field]
    assert (env.kind, env.region, env.topic) == (kind, "keelung", topic)
    assert env.device == prefix + device_id
    assert env.seq == payload.get("seq", 0)
    assert isinstance(env.ts, float) and env.ts == NOW
    assert env.received_at == NOW


def test_unknown_extra_fields_are_ignored_top_level_and_nested() -> None:
    extra = {"firmware": "2.3", "nested": {"a": [1, None, "é"]}, "lat_raw": "22.5"}
    env = accepted(*build("order", **extra, container={"weight_kg": 20000}))
    assert env.msg.order_no == "ORD-1"  # type: ignore[union-attr]
    accepted(*build("telemetry", **extra))


@pytest.mark.parametrize(
    "ts", ["2026-11-20T00:00:00Z", "2026-11-20T08:00:00+08:00", "2026-11-20T00:00:00.000+00:00"]
)
def test_z_and_numeric_offsets_give_the_same_instant(ts: str) -> None:
    assert accepted(*build("telemetry", ts=ts)).ts == NOW


def test_late_messages_are_accepted_store_and_forward() -> None:
    assert accepted(*build("telemetry", ts=iso(-6 * 60))).ts == T(-6 * 60)


@pytest.mark.parametrize(
    ("kind", "changes"),
    [
        ("telemetry", {"lat": 90, "lon": -180, "speed_kmh": 250, "heading": 360}),
        ("telemetry", {"lat": -90, "lon": 180, "speed_kmh": 0, "heading": 0, "seq": 0}),
        ("seal_status", {"battery_pct": 0}),
        ("seal_status", {"battery_pct": 100}),
        ("order", {"max_transit_min": 5}),
        ("order", {"max_transit_min": 2880}),
        ("gate_pass", {"container_nos": []}),
        ("telemetry", {"obu_id": "A" * 32}),
    ],
)
def test_range_boundaries_are_accepted(kind: str, changes: Payload) -> None:
    accepted(*build(kind, **changes))


# -- strict typing, required fields, ranges, enums, ids -----------------------------------------


@pytest.mark.parametrize(
    ("kind", "changes", "needles"),
    [
        ("telemetry", {"lat": "22.5"}, ("lat", "got str")),
        ("telemetry", {"seq": True}, ("seq", "got bool")),
        ("telemetry", {"v": True}, ("v:", "got bool")),
        ("telemetry", {"seq": 1.5}, ("seq", "got float")),
        ("telemetry", {"speed_kmh": None}, ("speed_kmh", "got null")),
        ("telemetry", {"ext_power": 1}, ("ext_power", "got int")),
        ("seal_status", {"battery_pct": "80"}, ("battery_pct", "got str")),
        ("seal_event", {"lat": None}, ("lat", "got null")),
        ("gate_pass", {"scanned": "no"}, ("scanned", "got str")),
        ("order", {"max_transit_min": 60.5}, ("max_transit_min", "got float")),
    ],
)
def test_strict_typing(kind: str, changes: Payload, needles: tuple[str, ...]) -> None:
    rejected(*build(kind, **changes), *needles)


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("telemetry", "ext_power"),
        ("telemetry", "ts"),
        ("seal_status", "pin"),
        ("seal_event", "event"),
        ("nfc_read", "officer_id"),
        ("order", "max_transit_min"),
        ("gate_pass", "scan_required"),
    ],
)
def test_missing_required_field(kind: str, field: str) -> None:
    rejected(*build(kind, **{field: DROP}), "missing required field", field)


def test_missing_required_field_in_order_container() -> None:
    topic, payload = build("order")
    del payload["containers"][0]["seal_type"]
    rejected(topic, payload, "containers[0]", "missing required field seal_type")


@pytest.mark.parametrize(
    ("kind", "changes", "needles"),
    [
        ("telemetry", {"lat": 91}, ("lat", "90")),
        ("telemetry", {"lat": -90.5}, ("lat", "-90")),
        ("telemetry", {"lon": 180.01}, ("lon", "180")),
        ("telemetry", {"speed_kmh": 251}, ("speed_kmh", "250")),
        ("telemetry", {"heading": 360.5}, ("heading", "360")),
        ("telemetry", {"seq": -1}, ("seq", ">= 0")),
        ("seal_status", {"battery_pct": 101}, ("battery_pct", "100")),
        ("order", {"max_transit_min": 4}, ("max_transit_min", ">= 5")),
        ("order", {"max_transit_min": 2881}, ("max_transit_min", "2880")),
        ("gate_pass", {"container_nos": ["CSQU3054383"] * 5}, ("container_nos", "<= 4")),
    ],
)
def test_out_of_range(kind: str, changes: Payload, needles: tuple[str, ...]) -> None:
    rejected(*build(kind, **changes), *needles)


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("telemetry", "v", 2),
        ("telemetry", "fix", "4d"),
        ("seal_status", "pin", "broken"),
        ("seal_status", "state", "closed"),
        ("seal_event", "event", "opened"),
        ("seal_event", "method", "crowbar"),
        ("nfc_read", "kind", "pickup"),
        ("nfc_read", "seal_type", "active"),
        ("order", "status", "done"),
        ("order", "cargo", "weapons"),
        ("order", "risk", "extreme"),
        ("gate_pass", "direction", "sideways"),
    ],
)
def test_enum_violation(kind: str, field: str, value: Any) -> None:
    rejected(*build(kind, **{field: value}), field, "invalid enum value", str(value))


def test_enum_violation_in_order_container() -> None:
    rejected(*build("order", container={"seal_type": "magnetic"}), "containers[0].seal_type", "magnetic")


@pytest.mark.parametrize(
    ("kind", "field", "value", "problem"),
    [
        ("telemetry", "obu_id", "obu-1", "regex"),
        ("telemetry", "obu_id", "A" * 33, "length <= 32"),
        ("seal_status", "seal_id", "VS 1", "regex"),
        ("gate_pass", "gate_id", "G_1", "regex"),
        ("order", "order_no", "O" * 41, "length <= 40"),
    ],
)
def test_device_and_order_id_pattern_and_length(kind: str, field: str, value: str, problem: str) -> None:
    rejected(*build(kind, **{field: value}), field, problem)  # the topic carries the same id


@pytest.mark.parametrize("count", [0, 5])
def test_order_containers_must_be_1_to_4(count: int) -> None:
    topic, payload = build("order")
    payload["containers"] = [
        {"container_no": n, "seal_id": f"VS-{i}", "seal_type": "active"}
        for i, n in enumerate(["CSQU3054383", "TGHU1234567", "MSKU1234565", "HLXU1000007", "MSKU0000080"])
    ][:count]
    rejected(topic, payload, "containers", ">= 1" if count == 0 else "<= 4")


# -- malformed payloads --------------------------------------------------------------------------


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_literals_are_rejected(literal: str) -> None:
    topic, payload = build("telemetry")
    raw = json.dumps(payload).replace('"lat": 25.1', f'"lat": {literal}').encode()
    assert literal.encode() in raw
    rejected(topic, raw, "not valid JSON")


def test_payload_over_8_kib_is_rejected_with_its_size_and_raw_truncated() -> None:
    topic, payload = build("telemetry", pad="")
    base = len(json.dumps(payload).encode())
    payload["pad"] = "x" * (MAX_PAYLOAD_BYTES + 1 - base)
    raw = json.dumps(payload).encode()
    assert len(raw) == 8193
    record = rejected(topic, raw, "8193", "8192")
    assert record.raw == raw[:8192]


def test_payload_of_exactly_8_kib_is_accepted() -> None:
    topic, payload = build("telemetry", pad="")
    payload["pad"] = "x" * (MAX_PAYLOAD_BYTES - len(json.dumps(payload).encode()))
    raw = json.dumps(payload).encode()
    assert len(raw) == 8192
    accepted(topic, raw)


@pytest.mark.parametrize(("raw", "got"), [(b"[1, 2]", "array"), (b"42", "int"), (b'"OBU-1"', "str")])
def test_non_object_json_is_rejected(raw: bytes, got: str) -> None:
    rejected(PREFIX + "obu/OBU-1/telemetry", raw, "expected object", got)


@pytest.mark.parametrize("where", ["whole", "extra_field", "known_field"])
def test_invalid_utf8_is_rejected(where: str) -> None:
    topic, payload = build("telemetry", note="NOTE", plate="PLATE")
    raw = json.dumps(payload).encode()
    if where == "whole":
        raw = b"\xff\xfe\xfd"
    else:
        raw = raw.replace(b"NOTE" if where == "extra_field" else b"PLATE", b"AB\xc3\x28")
    rejected(topic, raw, "not valid UTF-8")


@pytest.mark.parametrize("raw", [b"", b"   "])
def test_empty_payload_is_rejected(raw: bytes) -> None:
    rejected(PREFIX + "obu/OBU-1/telemetry", raw, "JSON")


# -- semantic checks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "changes"),
    [
        ("order", {"container": {"container_no": "TGHU1234568"}}),
        ("seal_event", {"container_no": "TGHU1234568"}),
        ("nfc_read", {"container_no": "TGHU1234568"}),
        ("gate_pass", {"container_nos": ["CSQU3054383", "TGHU1234568"]}),
    ],
)
def test_iso6346_check_digit_failure(kind: str, changes: Payload) -> None:
    rejected(*build(kind, **changes), BAD_CHECK)


def test_malformed_container_number_is_rejected() -> None:
    rejected(*build("nfc_read", container_no="csqu3054383"), "csqu3054383", "not an ISO 6346 number")


def test_order_with_same_origin_and_dest_is_rejected() -> None:
    rejected(*build("order", dest_site="EX-YARD-A"), "origin_site", "dest_site", "EX-YARD-A", "differ")


@pytest.mark.parametrize("field", ["origin_site", "dest_site"])
def test_order_with_unknown_site_is_rejected(field: str) -> None:
    rejected(*build("order", **{field: "NOWHERE-1"}), field, "NOWHERE-1", "not a known site")


def test_order_listing_a_container_twice_is_rejected() -> None:
    topic, payload = build("order")
    payload["containers"].append({"container_no": "CSQU3054383", "seal_id": "VS-2", "seal_type": "active"})
    rejected(topic, payload, "CSQU3054383", "listed twice")


def test_known_gate_claiming_another_site_is_rejected() -> None:
    rejected(*build("gate_pass", site_code="EX-TERM-B"), "EX-GATE-1", "EX-YARD-A", "EX-TERM-B")


def test_a_repeated_id_key_is_rejected_not_silently_last_wins() -> None:
    raw = (
        b'{"v":1,"obu_id":"OBU-2","obu_id":"OBU-1","seq":1,"ts":"2026-11-20T08:00:00+08:00",'
        b'"lat":25.1,"lon":121.7,"ext_power":true}'
    )
    rejected(PREFIX + "obu/OBU-1/telemetry", raw, "obu_id appears more than once")
