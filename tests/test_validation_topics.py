"""Validation of topics and device times (protocol §2, §3.7). Helpers: test_validation.py."""

from __future__ import annotations

import pytest

from tests.helpers import iso
from tests.test_validation import KINDS, NOW, PREFIX, accepted, build, rejected, telemetry

# -- topics --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "needle"),
    [
        ("jmc/v2/keelung/obu/OBU-1/telemetry", "unknown topic"),
        ("JMC/v1/keelung/obu/OBU-1/telemetry", "unknown topic"),
        ("/jmc/v1/keelung/obu/OBU-1/telemetry", "unknown topic"),
        ("jmc/v1/hsinchu/obu/OBU-1/telemetry", "unknown region 'hsinchu'"),
        ("jmc/v1/keelung/truck/OBU-1/telemetry", "unknown topic"),
        ("jmc/v1/keelung/obu/OBU-1/status", "unknown topic"),
        ("jmc/v1/keelung/obu/OBU-1/telemetry/extra", "unknown topic"),
        ("jmc/v1/keelung/order/ORD-1/extra", "unknown topic"),
        ("jmc/v1/keelung/obu/OBU-1", "unknown topic"),
        ("jmc/v1/keelung/ticket/T-1", "unknown topic"),
        ("jmc/v1/console/C-1/status", "unknown region 'console'"),
    ],
)
def test_unknown_topic_is_rejected(topic: str, needle: str) -> None:
    record = rejected(topic, telemetry(), needle)
    assert "topic" in record.reason


@pytest.mark.parametrize("kind", list(KINDS))
def test_topic_payload_id_mismatch(kind: str) -> None:
    _, template, id_field, _ = KINDS[kind]
    payload = KINDS[kind][0]()
    rejected(PREFIX + template.format("SPOOF-9"), payload, id_field, repr(payload[id_field]), "'SPOOF-9'")


# -- time ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["telemetry", "order"])
def test_ts_without_offset_is_rejected(kind: str) -> None:
    rejected(*build(kind, ts="2026-11-20T08:00:00.000"), "ts", "timezone")


def test_ts_5_min_1_s_ahead_is_rejected() -> None:
    record = rejected(*build("telemetry", ts=iso(5 + 1 / 60)), "ts", "ahead", "5 min")
    assert "2026-11-20T08:05:01" in record.reason


def test_ts_4_min_59_s_ahead_is_accepted() -> None:
    assert accepted(*build("telemetry", ts=iso(4 + 59 / 60))).ts == NOW + 299


def test_future_limit_applies_to_orders_too() -> None:
    rejected(*build("order", ts=iso(10)), "ahead")
