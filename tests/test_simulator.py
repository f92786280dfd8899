"""The traffic simulator (desktop/sim): deterministic, valid, and what it injects is what the
console raises — and nothing else. No broker needed: messages go straight into a
:class:`Pipeline` on a simulated clock, advanced to each message's send time."""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from desktop.models.clock import SimulatedClock
from desktop.models.config import RuleConfig
from desktop.models.iso6346 import container_problem
from desktop.models.pipeline import ACCEPTED, Pipeline
from desktop.models.sites import load_roster, load_sites
from desktop.models.timeutil import parse_rfc3339
from desktop.replay import run_replay_file
from desktop.sim import DEFAULT_START, INJECTABLE, RAISES, AnomalyRates, RoadNetwork, Simulator
from desktop.sim import cli as sim_cli
from desktop.sim.profile import RouteBook
from desktop.sim.publish import run_paced

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "desktop" / "data"
SITES = load_sites(DATA / "demo_sites.geojson")
ROSTER = load_roster(DATA / "demo_roster.json", SITES)
NETWORK = RoadNetwork(SITES)  # routes are built once and shared by every simulator here
CONFIG = RuleConfig.load()
#: closed automatically when the trip completes normally (protocol §6.3)
AUTO_CLOSABLE = {"A01", "A02", "A03", "A04", "A05", "A08", "A09", "A10"}


def simulator(**kw: object) -> Simulator:
    options: dict[str, object] = {
        "vehicles": 30,
        "seed": 1,
        "rates": AnomalyRates.none(),
        "invalid_rate": 0.0,
        "duplicate_rate": 0.0,
        "network": NETWORK,
    }
    options.update(kw)
    return Simulator(SITES, ROSTER, **options)  # type: ignore[arg-type]


def feed(sim: Simulator, minutes: float) -> tuple[Pipeline, Counter[str]]:
    """Run ``minutes`` of traffic through a fresh pipeline, the clock at each send time."""
    clock = SimulatedClock(sim.now)
    pipeline = Pipeline(SITES, ROSTER, CONFIG, clock)
    results: Counter[str] = Counter()
    for batch in sim.batches(300.0, sim.now + minutes * 60):
        for t, topic, payload in batch:
            clock.advance_to(t)
            results[pipeline.ingest(topic, payload)] += 1
    pipeline.advance(sim.now)
    return pipeline, results


def digest(sim: Simulator, minutes: float, step: float = 60.0) -> str:
    h = hashlib.sha256()
    for batch in sim.batches(step, sim.now + minutes * 60):
        for t, topic, payload in batch:
            h.update(f"{t!r}|{topic}|".encode() + payload + b"\n")
    return h.hexdigest()


def assert_sound(pipeline: Pipeline) -> None:
    assert pipeline.stats.internal_errors == 0
    assert not pipeline.stats.rule_errors


# -- determinism -----------------------------------------------------------------------------

NOISY = {"rates": AnomalyRates.uniform(0.1), "invalid_rate": 0.01, "duplicate_rate": 0.01, "gap_rate": 0.3}
DEFAULT_END = DEFAULT_START + 40 * 60


def test_same_seed_gives_the_same_bytes_whatever_the_batching() -> None:
    whole = simulator(seed=11, **NOISY).messages_until(DEFAULT_END)
    again = simulator(seed=11, **NOISY)
    pieces = [m for batch in again.batches(7.0, DEFAULT_END) for m in batch]
    assert len(whole) > 1000
    assert whole == pieces


def test_a_different_seed_gives_different_traffic() -> None:
    assert digest(simulator(seed=11, **NOISY), 20) != digest(simulator(seed=12, **NOISY), 20)


def test_the_same_in_another_process_with_another_hash_seed() -> None:
    code = (
        "from tests.test_simulator import simulator, digest, NOISY\n"
        "print(digest(simulator(vehicles=12, seed=5, **NOISY), 20))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4321"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == digest(simulator(vehicles=12, seed=5, **NOISY), 20)


# -- validity ----------------------------------------------------------------------------------


def test_messages_are_time_ordered_valid_and_each_device_counts_up() -> None:
    sim = simulator(vehicles=40, seed=3, rates=AnomalyRates.uniform(0.05), duplicate_rate=0.01, gap_rate=0.5)
    clock = SimulatedClock(sim.now)
    pipeline = Pipeline(SITES, ROSTER, CONFIG, clock)
    last_t = 0.0
    last_seq: dict[str, tuple[int, float]] = {}
    seen: set[tuple[str, bytes]] = set()
    kinds: Counter[str] = Counter()
    for t, topic, payload in sim.messages_until(sim.now + 90 * 60):
        assert t >= last_t
        last_t = t
        clock.advance_to(t)
        assert pipeline.ingest(topic, payload) in (ACCEPTED, "duplicate")
        body = json.loads(payload)
        ts = parse_rfc3339(body["ts"])
        assert body["ts"].endswith("+08:00") and ts <= t + 1e-6  # never sent before it happened
        for number in [body.get("container_no"), *body.get("container_nos", ())]:
            assert number is None or container_problem(number) is None
        kind = topic.split("/")[3]
        kinds[kind] += 1
        if kind == "order" or (topic, payload) in seen:  # a QoS 1 redelivery repeats a message
            continue
        seen.add((topic, payload))
        device = {"nfc": body.get("device_id"), "gate": body.get("gate_id")}.get(kind, topic.split("/")[4])
        previous = last_seq.get(device)
        assert previous is None or (body["seq"] > previous[0] and ts >= previous[1]), (topic, body)
        last_seq[device] = (body["seq"], ts)
    assert set(kinds) == {"order", "obu", "seal", "nfc", "gate"}
    assert pipeline.stats.rejected == 0
    assert pipeline.duplicates == sim.stats.duplicates - sim.stats.duplicate_orders > 0
    assert_sound(pipeline)


def test_the_deliberately_invalid_messages_are_exactly_the_rejected_ones() -> None:
    sim = simulator(
        vehicles=40, seed=4, rates=AnomalyRates.uniform(0.05), invalid_rate=0.02, duplicate_rate=0.01
    )
    pipeline, results = feed(sim, 90)
    assert sim.stats.invalid > 50
    assert pipeline.stats.rejected == results["rejected"] == sim.stats.invalid
    reasons = " ".join(q.reason for q in pipeline.quarantine)
    assert "check digit" in reasons and "does not match" in reasons and "expected int, got str" in reasons
    assert pipeline.duplicates == sim.stats.duplicates - sim.stats.duplicate_orders
    assert_sound(pipeline)


# -- clean traffic raises nothing ------------------------------------------------------------------


@pytest.mark.parametrize(("interval", "vehicles", "minutes"), [(30.0, 80, 150), (1.0, 10, 50)])
def test_normal_trips_are_clean_and_complete(interval: float, vehicles: int, minutes: float) -> None:
    sim = simulator(vehicles=vehicles, seed=21, interval_s=interval, duplicate_rate=0.005, gap_rate=0.4)
    pipeline, _ = feed(sim, minutes)
    assert_sound(pipeline)
    assert pipeline.stats.rejected == 0
    assert list(pipeline.book.tickets.values()) == []
    completed = [r for r in sim.trips.values() if r.completed_at is not None]
    assert len(completed) >= vehicles // 2
    assert {r.kind for r in completed} == {"active", "passive"}
    for record in completed:
        assert pipeline.trips[record.order_no].phase == "completed", record


# -- every anomaly, one at a time ----------------------------------------------------------------


@pytest.mark.parametrize("code", INJECTABLE)
def test_each_injected_anomaly_is_raised_on_its_trip_and_nothing_else(code: str) -> None:
    passive = code.startswith("S")
    sim = simulator(vehicles=8, seed=2, rates=AnomalyRates.only(code), active_share=0.25 if passive else 0.75)
    pipeline, _ = feed(sim, 110)
    assert_sound(pipeline)
    by_order: dict[str | None, list[str]] = defaultdict(list)
    for ticket in pipeline.book.tickets.values():
        by_order[ticket.order_no].append(ticket.code)
    assert set(itertools.chain(*by_order.values())) == set(RAISES[code])
    checked = 0
    for record in sim.trips.values():
        raised = by_order.get(record.order_no, [])
        if not record.codes:
            assert raised == [], record
        if record.completed_at is None:
            continue
        assert pipeline.trips[record.order_no].phase == "completed"
        assert sorted(raised) == sorted(c for injected in record.codes for c in RAISES[injected]), record
        checked += bool(record.codes)
        for ticket in pipeline.book.for_order(record.order_no):  # §6.3 automatic closure
            auto = ticket.code in AUTO_CLOSABLE
            assert (ticket.resolution == "auto_closed") == auto, (ticket.code, ticket.status)
    assert checked >= 2


# -- pieces ---------------------------------------------------------------------------------------


def test_rates_name_real_codes_and_probabilities() -> None:
    with pytest.raises(ValueError, match="not an injectable"):
        AnomalyRates({"A99": 0.1})
    with pytest.raises(ValueError, match="between 0 and 1"):
        AnomalyRates({"A01": 1.5})
    assert AnomalyRates.only("A05").get("A05") == 1.0 and AnomalyRates.only("A05").get("A01") == 0.0


def test_roads_connect_every_site_and_never_make_a_normal_trip_look_implausible() -> None:
    book = RouteBook(NETWORK)
    limit = CONFIG.defaults.plausible_speed_kmh / 3.6
    for region in NETWORK.graphs:
        codes = NETWORK.region_sites(region)
        assert len(codes) >= 4
        for origin, dest in itertools.permutations(codes, 2):
            route = book.route(origin, dest, 2)  # the fastest drivers
            assert route.stop_s is not None and route.exit_s < route.stop_s < route.enter_s
            fastest = SITES.distance_m(origin, dest) / limit
            o_site, d_site = SITES.sites[origin], SITES.sites[dest]
            for phase in range(0, 30_000, 5_000):  # a fix every 30 s (T1 is judged on fixes)
                fixes = [route.at(tau)[:2] for tau in range(phase, route.duration_s * 1000 + 30_000, 30_000)]
                dep = next(i for i, (lat, lon) in enumerate(fixes) if not o_site.contains(lon, lat))
                arr = next(i for i, (lat, lon) in enumerate(fixes) if i > dep and d_site.contains(lon, lat))
                assert (arr - dep) * 30 > fastest * 1.2, (origin, dest, phase)


def test_cli_writes_a_scenario_that_replays(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser(prog="jmc-console")
    sim_cli.add_parser(parser.add_subparsers(dest="command", required=True))
    out = tmp_path / "sim.jsonl"
    argv = ["simulate", "--jsonl", str(out), "--duration", "1800", "--vehicles", "12", "--seed", "9"]
    argv += ["--start", "2026-11-20T08:00:00+08:00", "--anomaly-rate", "0", "--rate-A05", "1"]
    argv += ["--invalid-rate", "0.01"]
    args = parser.parse_args(argv)
    assert sim_cli.rates_from(args).get("A05") == 1.0 and sim_cli.rates_from(args).get("A01") == 0.0
    assert sim_cli.run(args) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) > 500 and {"t", "topic", "payload"} == set(lines[0])
    result = run_replay_file(out, SITES, ROSTER, 0.0, CONFIG)
    assert result.pipeline.stats.rejected > 0
    assert {t.code for t in result.pipeline.book.tickets.values()} <= {"A05"}
    assert sim_cli.run(parser.parse_args(["simulate", "--jsonl", str(out)])) == 2  # no --duration


class _FakeSink:
    """Collects messages; waiting moves the fake clocks instead of sleeping."""

    def __init__(self, start: float) -> None:
        self.mono = 0.0
        self.wall = start
        self.sent: list[tuple[float, str]] = []

    def send(self, topic: str, payload: bytes) -> bool:
        self.sent.append((self.mono, topic))
        return True

    def idle(self, seconds: float) -> None:
        self.mono += seconds
        self.wall += seconds


def test_pacing_follows_the_send_times_and_never_runs_ahead_of_the_clock() -> None:
    sim = simulator(vehicles=20, seed=6)
    sink = _FakeSink(sim.now + 600)  # the simulation started ten minutes ago: no holding back
    run = run_paced(
        sim, sink, speed=10.0, duration_s=600, monotonic=lambda: sink.mono, wall=lambda: sink.wall
    )
    assert run.sent == len(sink.sent) > 100 and not run.stopped
    assert 55.0 <= sink.mono <= 61.0  # 600 simulated seconds at 10 × real time
    fast = simulator(vehicles=20, seed=6)
    sink = _FakeSink(fast.now)  # the wall clock at the simulation start
    run = run_paced(fast, sink, as_fast_as_possible=True, duration_s=600, max_ahead_s=60.0,
                    monotonic=lambda: sink.mono, wall=lambda: sink.wall)  # fmt: skip
    assert run.sent == len(sink.sent)
    assert fast.now - 120.0 <= sink.wall <= fast.now  # held back to at most 60 s ahead of the clock
