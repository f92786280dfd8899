"""Anomaly injection: per-trip rates for each catalogue code, and the plan of one trip.

A plan says, in seconds after the truck leaves the origin yard (*vehicle time*), what goes
wrong on the trip and when. Trouble that needs the trip to be in transit gets its own slot
between leaving the origin geofence and entering the destination's, one after the other; when
the drive is too short for them, the truck waits at the route's stop point (never 15 min or
more, which would be an A12 stop) — and anything that still does not fit is left out.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from desktop.sim.profile import Route

ACTIVE_CODES: Final = ("A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A10", "A12", "A13", "T1")
PASSIVE_CODES: Final = ("S2", "S3", "S4", "S8")
INJECTABLE: Final = (*ACTIVE_CODES[:9], "A11", *ACTIVE_CODES[9:], *PASSIVE_CODES)
#: ticket codes the console raises for an injected code (A08 comes with A09, S3 with S7)
RAISES: Final[dict[str, tuple[str, ...]]] = {
    **{code: (code,) for code in INJECTABLE},
    "A08": ("A08", "A09"),
    "S3": ("S3", "S7"),
}
DEFAULT_RATE: Final = 0.02
MAX_HOLD_S: Final = 13 * 60  # a wait without an A12 (slower than 3 km/h for 15 min)
MARGIN_S: Final = 30  # slots keep this far (plus two report intervals) from the geofences
SLOT_GAP_S: Final = 20


@dataclass(frozen=True, slots=True)
class AnomalyRates:
    """Per-trip probability of each injectable code (see :data:`INJECTABLE`).

    ``A08`` injects a late arrival (raising A08 and A09), ``S3`` a late passive trip (S3 and S7).
    Codes not named default to :data:`DEFAULT_RATE`.
    """

    rates: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for code, rate in self.rates.items():
            if code not in INJECTABLE:
                raise ValueError(f"{code} is not an injectable anomaly code ({', '.join(INJECTABLE)})")
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"rate of {code} must be between 0 and 1, not {rate}")

    def get(self, code: str) -> float:
        return self.rates.get(code, DEFAULT_RATE)

    @classmethod
    def uniform(cls, rate: float) -> AnomalyRates:
        """Every code at the same rate."""
        return cls(dict.fromkeys(INJECTABLE, rate))

    @classmethod
    def none(cls) -> AnomalyRates:
        """No anomalies: every trip is clean."""
        return cls.uniform(0.0)

    @classmethod
    def only(cls, code: str, rate: float = 1.0) -> AnomalyRates:
        """One code at ``rate``, every other at 0."""
        return cls({**dict.fromkeys(INJECTABLE, 0.0), code: rate})

    def draw(self, rng: random.Random, codes: tuple[str, ...]) -> list[str]:
        """The codes that strike one trip (one draw per code, in catalogue order)."""
        return [code for code in codes if (rate := self.get(code)) > 0 and rng.random() < rate]


Window = tuple[float, float]


@dataclass(slots=True)
class ActivePlan:
    """What happens on one active-seal trip; times in vehicle seconds after leaving the yard."""

    codes: list[str]
    max_transit_min: int
    hold_s: float = 0.0  # standing still at the route's stop point
    seal_after_s: float | None = None  # A07: sealed only once on the road
    pin_abnormal: Window | None = None  # A01
    seal_silent: Window | None = None  # A02
    seal_far: Window | None = None  # A03
    seal_offset_m: tuple[float, float] = (0.0, 0.0)
    power_off: Window | None = None  # A04
    gaps: list[Window] = field(default_factory=list)  # A05 blackout and ordinary cover gaps
    break_kind: str | None = None  # A06: "cut", "open" or "tamper"
    break_at_s: float = 0.0
    battery: float | None = None  # A10: the seal's battery on this trip
    jump_at_s: float | None = None  # A13
    gate_no_scan: str | None = None  # A11: "out" or "in"
    fake: bool = False  # T1: the route is a fake fast track
    phase_ms: int = 0  # T1: offset of the first fix after leaving the yard


@dataclass(slots=True)
class PassivePlan:
    """What happens on one passive / e-paper trip."""

    codes: list[str]
    max_transit_min: int
    hold_s: float = 0.0
    departure_read: bool = True  # S2: False
    unauthorised_reader: bool = False  # S4
    arrival_read_after_s: float = 300.0  # after the in-gate pass; S8: over 30 min
    gate_no_scan: str | None = None


def _transit_minutes(seconds: float) -> int:
    """A deadline with room to spare: one and a half times the drive, plus half an hour."""
    return max(30, min(2880, math.ceil(seconds / 60 * 1.5) + 30))


def max_gap_s(interval_s: float) -> float:
    """The longest ordinary cover gap that leaves no A05 or A02 (silences stay under 280 s)."""
    return min(180.0, 220.0 - 2 * max(interval_s, 1.0))


def plan_active(
    rng: random.Random,
    codes: list[str],
    route: Route,
    interval_s: float,
    gap_rate: float,
) -> ActivePlan:
    """Lay out the trip's anomalies (``codes``, already drawn) on the drive."""
    if "T1" in codes:  # a fake track is too short for anything that needs time in transit
        kept = [c for c in codes if c in ("T1", "A10", "A11")]
        plan = ActivePlan(kept, _transit_minutes(route.duration_s))
        plan.fake = True
        _common_active(rng, plan)
        return plan
    plan = ActivePlan(list(codes), 0)
    if route.stop_s is None:  # nowhere to stop clear of the sites: no waiting on this route
        plan.codes = [c for c in plan.codes if c not in ("A08", "A12")]
    slots: list[tuple[str, float]] = []  # (what, length) in the order they happen
    margin = MARGIN_S + 2 * interval_s  # the console sees the departure by then, noise or not
    if "A07" in codes:
        slots.append(("A07", 60 + interval_s))
    lengths = {
        "A01": 150.0,
        "A02": rng.uniform(420, 480),
        "A03": 270.0,
        "A04": 120.0,
        "A05": rng.uniform(420, 540),
        "A06": 30.0,
        "A13": 2 * interval_s + 10,
    }
    order = ("A01", "A06", "A03", "A04", "A13", "A02", "A05")
    slots += [(code, lengths[code]) for code in order if code in codes]
    hold = 0.0
    if "A12" in plan.codes:
        hold = rng.uniform(17, 22) * 60
    if "A08" in plan.codes:
        hold = max(hold, rng.uniform(8, 12) * 60)
    limit = MAX_HOLD_S if "A12" not in plan.codes else 45 * 60.0
    if route.stop_s is None:
        limit = 0.0

    def wait_for(chosen: list[tuple[str, float]]) -> float:
        needed = route.exit_s + margin + sum(length + SLOT_GAP_S for _, length in chosen)
        return max(hold, needed + margin - route.enter_s, 0.0)

    while slots and wait_for(slots) > limit:
        dropped = slots.pop()
        if dropped[0] in plan.codes:
            plan.codes.remove(dropped[0])
    wait = min(wait_for(slots), limit)
    longest_gap = max_gap_s(interval_s)
    if longest_gap >= 30 and rng.random() < gap_rate:  # a tunnel, if the drive has room for one
        gap = ("gap", rng.uniform(min(45.0, longest_gap), longest_gap))
        if wait_for([*slots, gap]) <= wait:
            slots.append(gap)
    plan.hold_s = float(math.ceil(wait))
    cursor = route.exit_s + margin
    for what, length in slots:
        window = (cursor, cursor + length)
        if what == "A07":
            plan.seal_after_s = cursor + 10
        elif what == "A01":
            plan.pin_abnormal = window
        elif what == "A02":
            plan.seal_silent = window
        elif what == "A03":
            plan.seal_far = window
            angle = rng.uniform(0, 2 * math.pi)
            metres = rng.uniform(300, 800)
            plan.seal_offset_m = (metres * math.cos(angle), metres * math.sin(angle))
        elif what == "A04":
            plan.power_off = window
        elif what in ("A05", "gap"):
            plan.gaps.append(window)
        elif what == "A06":
            plan.break_kind = rng.choice(("cut", "open", "tamper"))
            plan.break_at_s = cursor
        elif what == "A13":
            plan.jump_at_s = cursor
        cursor += length + SLOT_GAP_S
    if "A08" in plan.codes:
        plan.max_transit_min = 5
    else:
        plan.max_transit_min = _transit_minutes(route.enter_s + plan.hold_s)
    _common_active(rng, plan)
    return plan


def _common_active(rng: random.Random, plan: ActivePlan) -> None:
    if "A10" in plan.codes:
        plan.battery = round(rng.uniform(8, 18.5), 1)
    if "A11" in plan.codes:
        plan.gate_no_scan = rng.choice(("out", "in"))


def plan_passive(rng: random.Random, codes: list[str], route: Route, wait_s: float) -> PassivePlan:
    """Lay out a passive trip's anomalies; ``wait_s``: from the departure read to leaving."""
    plan = PassivePlan(list(codes), 0)
    if "S3" in codes:
        plan.hold_s = rng.uniform(12, 20) * 60
        plan.max_transit_min = 5
    else:
        plan.max_transit_min = _transit_minutes(wait_s + route.gate_in_s)
    plan.departure_read = "S2" not in codes
    plan.unauthorised_reader = "S4" in codes
    if "S8" in codes:
        plan.arrival_read_after_s = rng.uniform(35, 50) * 60
    else:
        plan.arrival_read_after_s = rng.uniform(120, 900)
    if "A11" in codes:
        plan.gate_no_scan = rng.choice(("out", "in"))
    return plan
