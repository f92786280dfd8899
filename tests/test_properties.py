"""Invariants (hypothesis): arrival order and duplicates do not change the tickets; the
validator never raises on arbitrary input."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.models.clock import SimulatedClock
from desktop.models.config import RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.models.validation import Envelope, QuarantineRecord, WireValidator
from tests.helpers import ROSTER, SITES
from tests.scenario_gen import Message, scenario

CONFIG = RuleConfig.load()
SETTLE_S = 24 * 3600.0


def run(deliveries: list[tuple[float, str, bytes]]) -> Pipeline:
    clock = SimulatedClock(deliveries[0][0])
    pipeline = Pipeline(SITES, ROSTER, CONFIG, clock)
    for t, topic, raw in deliveries:
        clock.advance_to(t)
        pipeline.ingest(topic, raw)
    clock.advance_by(SETTLE_S)
    pipeline.advance()
    assert pipeline.stats.internal_errors == 0
    assert not pipeline.stats.rule_errors
    return pipeline


def ticket_set(p: Pipeline) -> set[tuple[Any, ...]]:
    return {
        (
            t.id,
            t.code,
            t.order_no,
            t.subject,
            str(t.severity),
            str(t.status),
            t.resolution,
            t.occurrences,
            t.raised_at,
            t.closed_at,
        )
        for t in p.book.tickets.values()
    }


def shuffled_within_windows(msgs: list[Message], rnd: random.Random, window: int = 20) -> list[Message]:
    """Permute messages within consecutive windows of ``window``.

    Each takes the arrival slot of its new position, but never arrives before it was first
    sent (a message cannot reach the console before its device sent it); the clock never
    runs backwards.
    """
    out: list[Message] = []
    for start in range(0, len(msgs), window):
        chunk = msgs[start : start + window]
        order = list(range(len(chunk)))
        rnd.shuffle(order)
        out.extend((max(chunk[i][0], chunk[j][0]), chunk[j][1], chunk[j][2]) for i, j in enumerate(order))
    return out


def with_duplicates(msgs: list[Message], rnd: random.Random) -> list[Message]:
    """Deliver a random third of the messages again, a little later."""
    out = list(msgs)
    for t, topic, raw in msgs:
        if rnd.random() < 0.33:
            out.append((t + rnd.uniform(0, 30), topic, raw))
    out.sort(key=lambda m: m[0])
    return out


SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_generated_scenarios_raise_a_variety_of_tickets() -> None:
    """Guard against a vacuous property: the generator really produces anomalies."""
    codes = set()
    for seed in range(12):
        codes |= {t.code for t in run(scenario(seed)).book.tickets.values()}
    assert {"A01", "A04", "A05", "A07", "A12", "A13", "S2", "S4"} <= codes


@SLOW
@given(seed=st.integers(0, 10_000), shuffle_seed=st.integers(0, 2**32))
def test_duplicates_do_not_change_the_tickets(seed: int, shuffle_seed: int) -> None:
    rnd = random.Random(shuffle_seed)
    msgs = scenario(seed)
    baseline = run(msgs)
    doubled = run(with_duplicates(msgs, rnd))
    assert ticket_set(doubled) == ticket_set(baseline)
    assert doubled.duplicates > 0 or len(msgs) < 3


@SLOW
@given(seed=st.integers(0, 10_000), shuffle_seed=st.integers(0, 2**32))
def test_shuffling_within_windows_of_20_does_not_change_the_tickets(seed: int, shuffle_seed: int) -> None:
    rnd = random.Random(shuffle_seed)
    msgs = scenario(seed)
    baseline = run(msgs)
    shuffled = run(shuffled_within_windows(msgs, rnd))
    assert ticket_set(shuffled) == ticket_set(baseline)


@SLOW
@given(seed=st.integers(0, 10_000), shuffle_seed=st.integers(0, 2**32))
def test_shuffled_and_duplicated_together(seed: int, shuffle_seed: int) -> None:
    rnd = random.Random(shuffle_seed)
    msgs = scenario(seed)
    assert ticket_set(run(shuffled_within_windows(with_duplicates(msgs, rnd), rnd))) == ticket_set(run(msgs))


VALIDATOR = WireValidator(SITES.sites)
KINDS = [
    "obu/OBU-1/telemetry",
    "seal/VS-1/status",
    "seal/VS-1/event",
    "nfc/PS-1/read",
    "order/ORD-1",
    "gate/G-1/pass",
    "ticket/X",
    "obu/OBU-1",
    "nope",
]


@settings(max_examples=400, deadline=None)
@given(raw=st.binary(max_size=300), kind=st.sampled_from(KINDS), region=st.sampled_from(["keelung", "mars"]))
def test_validator_never_raises_on_arbitrary_bytes(raw: bytes, kind: str, region: str) -> None:
    result = VALIDATOR.validate(f"jmc/v1/{region}/{kind}", raw, 1.8e9)
    assert isinstance(result, QuarantineRecord | Envelope)
    if isinstance(result, QuarantineRecord):
        assert result.reason and not result.reason.startswith("internal error")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=20,
)
FIELDS = [
    "v",
    "obu_id",
    "seal_id",
    "seq",
    "ts",
    "lat",
    "lon",
    "state",
    "pin",
    "battery_pct",
    "event",
    "containers",
    "container_nos",
    "order_no",
    "kind",
    "ext_power",
]


@settings(max_examples=400, deadline=None)
@given(
    obj=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=10), kind=st.sampled_from(KINDS[:6])
)
def test_validator_never_raises_on_arbitrary_json_objects(obj: dict[str, Any], kind: str) -> None:
    import json

    result = VALIDATOR.validate(f"jmc/v1/keelung/{kind}", json.dumps(obj).encode(), 1.8e9)
    assert isinstance(result, QuarantineRecord | Envelope)
    if isinstance(result, QuarantineRecord):
        assert not result.reason.startswith("internal error")
