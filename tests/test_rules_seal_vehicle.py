"""Seal and vehicle rules (protocol §6.1 A01-A06, A10, A12, A13), §6.3 closure, rule isolation.

Every scenario drives a real :class:`Pipeline` through :class:`Harness`: the canned active
trip departs at minute 3 (first OBU fix outside EX-YARD-A after the OBU was seen inside it)
and, with :meth:`Harness.drive`, reaches the last route point, just outside EX-TERM-B, at 12.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from desktop.models.catalogue import Severity
from desktop.models.rules.seal_rules import SealPinAbnormalRule
from desktop.models.ticket import Ticket
from tests.helpers import CONTAINER, CONTAINER_2, IN_DEST, IN_ORIGIN, Harness, T, route

MID = route(10)[5]  # between the sites, outside every geofence
FAR = 0.005  # degrees of latitude, about 556 m: beyond the 200 m separation limit
Step = Callable[[Harness, float], object]


def of(h: Harness, code: str) -> list[Ticket]:
    return [t for t in h.tickets() if t.code == code]


def only(h: Harness, code: str) -> Ticket:
    found = of(h, code)
    assert len(found) == 1, f"expected one {code} ticket, got {h.rows()}"
    return found[0]


def assert_ticket(t: Ticket, subject: str, severity: Severity, order_no: str = "ORD-1") -> None:
    assert (t.order_no, t.subject, t.severity) == (order_no, subject, severity)
    assert not t.is_closed


# -- A01 SEAL_PIN_ABNORMAL ---------------------------------------------------------------------


def test_a01_repeated_pin_abnormal_in_transit_is_one_ticket_with_occurrences() -> None:
    h = Harness()
    dep = h.depart_active()
    for i in (1, 2, 3):
        lat, lon = route(10)[i]
        h.fix(dep + i, lat, lon)
        h.status(dep + i, pos=(lat, lon), pin="abnormal")
    t = only(h, "A01")
    assert_ticket(t, "VS-1", Severity.HIGH)
    assert t.occurrences == 3
    assert t.raised_at == T(dep + 1)


def test_a01_not_raised_before_departure() -> None:
    h = Harness()
    h.order()
    h.fix(1, *IN_ORIGIN, speed=0)
    h.event(2, "sealed")
    h.status(2.5, pos=IN_ORIGIN, pin="abnormal")
    h.fix(3, *route(10)[0])  # departs now, after the abnormal status
    h.status(3.5, pos=route(10)[0])
    assert h.pipeline.trips["ORD-1"].phase == "departed"
    assert "A01" not in h.codes()


# -- A02 SEAL_LOST / A05 VEHICLE_LOST ----------------------------------------------------------


def test_a02_seal_silent_300s_while_obu_reports() -> None:
    h = Harness()
    end = h.drive(h.depart_active())  # last seal status at console minute 12
    for m in range(13, 17):
        h.fix(m, *route(10)[-1])
    h.at(end + 4.9)
    assert "A02" not in h.codes()
    h.fix(end + 5, *route(10)[-1])
    t = only(h, "A02")
    assert_ticket(t, "VS-1", Severity.HIGH)
    assert t.raised_at == T(end + 5)
    assert "A05" not in h.codes()


def test_a02_not_raised_when_the_obu_is_silent_too() -> None:
    h = Harness()
    end = h.drive(h.depart_active())
    h.at(end + 10)
    assert "A05" in h.codes()
    assert "A02" not in h.codes()


def test_a02_not_raised_for_a_seal_that_never_reported_since_sealing() -> None:
    h = Harness()
    dep = h.depart_active(statuses=False)  # the seal sends its `sealed` event, then nothing
    end = h.drive(dep, statuses=False)
    for m in range(int(end) + 1, int(end) + 10):
        h.fix(m, *route(10)[-1])
    assert h.pipeline.trips["ORD-1"].phase == "departed"
    assert "A02" not in h.codes(), h.rows()


def test_a05_obu_silent_300s_in_transit() -> None:
    h = Harness()
    end = h.drive(h.depart_active())
    h.at(end + 5)
    t = only(h, "A05")
    assert_ticket(t, "OBU-1", Severity.HIGH)
    assert t.raised_at == T(end + 5)


def test_a05_not_raised_after_290s_of_silence() -> None:
    h = Harness()
    end = h.drive(h.depart_active())
    h.at(end + 290 / 60)
    assert "A05" not in h.codes()


def test_a05_not_raised_after_the_trip_completed() -> None:
    h = Harness()
    end = h.drive(h.depart_active())
    h.arrive_and_unseal(end + 1)
    h.at(end + 60)
    assert h.pipeline.trips["ORD-1"].phase == "completed"
    assert "A05" not in h.codes()


# -- A03 SEAL_SEPARATED ------------------------------------------------------------------------


def separated_run(h: Harness, offsets: list[float]) -> None:
    """After departure, one OBU fix and one seal status per minute, the seal ``offset`` north."""
    dep = h.depart_active()
    for i, offset in enumerate(offsets, start=1):
        lat, lon = route(10)[i]
        h.fix(dep + i, lat, lon)
        h.status(dep + i, pos=(lat + offset, lon))


def test_a03_three_consecutive_far_statuses() -> None:
    h = Harness()
    separated_run(h, [FAR, FAR])
    assert "A03" not in h.codes()
    lat, lon = route(10)[3]
    h.fix(6, lat, lon)
    h.status(6, pos=(lat + FAR, lon))
    assert_ticket(only(h, "A03"), "VS-1", Severity.HIGH)


@pytest.mark.parametrize(
    "offsets",
    [[FAR, FAR], [FAR, FAR, 0.0, FAR, FAR]],
    ids=["only-two-in-a-row", "near-one-resets-the-run"],
)
def test_a03_not_raised_without_three_in_a_row(offsets: list[float]) -> None:
    h = Harness()
    separated_run(h, offsets)
    assert "A03" not in h.codes()


# -- A04 OBU_POWER_REMOVED ---------------------------------------------------------------------


def test_a04_ext_power_false_in_transit() -> None:
    h = Harness()
    dep = h.depart_active()
    h.fix(dep + 1, *route(10)[1], ext_power=False)
    h.fix(dep + 2, *route(10)[2], ext_power=False)
    t = only(h, "A04")
    assert_ticket(t, "OBU-1", Severity.HIGH)
    assert t.occurrences == 2


def test_a04_not_raised_before_departure() -> None:
    h = Harness()
    h.order()
    h.fix(1, *IN_ORIGIN, speed=0, ext_power=False)
    h.event(2, "sealed")
    h.fix(2.5, *IN_ORIGIN, speed=0, ext_power=False)
    h.fix(3, *route(10)[0])
    assert h.pipeline.trips["ORD-1"].phase == "departed"
    assert "A04" not in h.codes()


# -- A06 SEAL_BROKEN ---------------------------------------------------------------------------

BREAKS: dict[str, Step] = {
    "pin-cut": lambda h, m: h.status(m, pos=MID, pin="cut"),
    "state-open": lambda h, m: h.status(m, pos=MID, state="open"),
    "event-tamper": lambda h, m: h.event(m, "tamper", pos=MID),
}


@pytest.mark.parametrize("name", list(BREAKS))
def test_a06_seal_broken_after_sealing_is_critical(name: str) -> None:
    h = Harness()
    dep = h.depart_active()
    h.fix(dep + 1, *MID)
    BREAKS[name](h, dep + 1.5)
    assert_ticket(only(h, "A06"), "VS-1", Severity.CRITICAL)


def test_a06_not_raised_for_a_seal_unsealed_normally_inside_the_destination() -> None:
    h = Harness()
    containers = [
        {"container_no": CONTAINER, "seal_id": "VS-1", "seal_type": "active"},
        {"container_no": CONTAINER_2, "seal_id": "VS-2", "seal_type": "active"},
    ]
    h.order(containers=containers)
    h.fix(1, *IN_ORIGIN, speed=0)
    h.event(2, "sealed", seal_id="VS-1")
    h.event(2, "sealed", seal_id="VS-2")
    h.fix(3, *route(10)[0])
    end = h.drive(3, statuses=False)
    h.arrive_and_unseal(end + 1)  # VS-1 only: the trip stays open for VS-2
    h.status(end + 2, seal_id="VS-1", state="unsealed", pin="cut", pos=IN_DEST)
    assert h.pipeline.trips["ORD-1"].phase == "arrived"
    assert "A06" not in h.codes()
    h.status(end + 3, seal_id="VS-2", pin="cut", pos=IN_DEST)  # control: VS-2 is still guarded
    assert [t.subject for t in of(h, "A06")] == ["VS-2"]


def test_a06_not_raised_after_the_trip_completed() -> None:
    h = Harness()
    end = h.drive(h.depart_active())
    h.arrive_and_unseal(end + 1)
    h.status(end + 2, state="unsealed", pin="cut", pos=IN_DEST)
    assert "A06" not in h.codes()


def test_a06_not_raised_for_a_cut_after_cut_authorised_unseal() -> None:
    h = Harness()
    dep = h.depart_active()
    h.fix(dep + 1, *MID, speed=0)
    h.event(dep + 2, "unsealed", method="cut_authorised", pos=MID)
    h.status(dep + 3, pos=MID, state="open", pin="cut")
    assert "A06" not in h.codes()


# -- A10 SEAL_LOW_BATTERY ----------------------------------------------------------------------


def test_a10_battery_below_20() -> None:
    h = Harness()
    dep = h.depart_active()
    h.status(dep + 1, pos=MID, battery=19)
    assert_ticket(only(h, "A10"), "VS-1", Severity.LOW)


def test_a10_not_raised_at_exactly_20() -> None:
    h = Harness()
    dep = h.depart_active()
    h.status(dep + 1, pos=MID, battery=20)
    assert "A10" not in h.codes()


# -- A12 UNSCHEDULED_STOP ----------------------------------------------------------------------


def stop(h: Harness, start: float, minutes: int, pos: tuple[float, float]) -> float:
    """One fix a minute at ``pos`` with speed 0 from ``start`` for ``minutes``; returns the end."""
    for i in range(minutes + 1):
        h.fix(start + i, *pos, speed=0)
    return start + minutes


def test_a12_stopped_15_min_outside_every_site() -> None:
    h = Harness()
    dep = h.depart_active()
    end = stop(h, dep + 1, 14, MID)
    assert "A12" not in h.codes()
    stop(h, end + 1, 5, MID)  # reaches 15 min, then stays 5 more: still one stop
    t = only(h, "A12")
    assert_ticket(t, "ORD-1", Severity.MEDIUM)
    assert t.raised_at == T(dep + 16)
    assert t.occurrences == 1


def test_a12_not_raised_for_a_14_min_stop() -> None:
    h = Harness()
    dep = h.depart_active()
    end = stop(h, dep + 1, 14, MID)
    h.drive(end, statuses=False)
    assert "A12" not in h.codes()


def test_a12_not_raised_when_stopped_inside_a_site() -> None:
    h = Harness()
    end = h.drive(h.depart_active())
    stop(h, end + 1, 20, IN_DEST)  # arrived, never unsealed: still in transit
    assert h.pipeline.trips["ORD-1"].phase == "arrived"
    assert "A12" not in h.codes()


# -- A13 GNSS_JUMP -----------------------------------------------------------------------------


def test_a13_jump_of_2km_in_30s() -> None:
    h = Harness()
    dep = h.depart_active()
    h.fix(dep + 1, *MID)
    h.fix(dep + 1.5, MID[0] + 0.02, MID[1])  # about 2.2 km: 267 km/h
    assert_ticket(only(h, "A13"), "OBU-1", Severity.HIGH)


@pytest.mark.parametrize(
    ("dlat", "minutes"),
    [(0.01, 1.0), (0.008, 10 / 60)],
    ids=["1.1km-in-1min-is-67kmh", "0.9km-is-under-1km"],
)
def test_a13_not_raised_for_a_plausible_or_short_move(dlat: float, minutes: float) -> None:
    h = Harness()
    dep = h.depart_active()
    h.fix(dep + 1, *MID)
    h.fix(dep + 1 + minutes, MID[0] + dlat, MID[1])
    assert "A13" not in h.codes()


# -- §6.3 automatic closure --------------------------------------------------------------------


def trip_with_device_anomalies(h: Harness, extra: Step | None = None) -> None:
    """A01, A04 and A10 in transit, optionally ``extra``, then a normal arrival and unseal."""
    dep = h.depart_active()
    lat, lon = route(10)[1]
    h.fix(dep + 1, lat, lon, ext_power=False)
    h.status(dep + 1, pos=(lat, lon), pin="abnormal", battery=15)
    if extra is not None:
        extra(h, dep + 1.5)
    end = h.drive(dep + 1)
    h.arrive_and_unseal(end + 1)
    assert h.pipeline.trips["ORD-1"].phase == "completed"


def test_auto_closure_of_device_tickets_after_normal_completion() -> None:
    h = Harness()
    trip_with_device_anomalies(h)
    for code in ("A01", "A04", "A10"):
        t = only(h, code)
        assert t.is_closed and t.resolution == "auto_closed", code


BLOCKERS: dict[str, Step] = {
    "A06": lambda h, m: h.event(m, "tamper"),
    "A13": lambda h, m: h.fix(m, route(10)[1][0] + 0.05, route(10)[1][1]),
}


@pytest.mark.parametrize("blocker", list(BLOCKERS))
def test_no_auto_closure_when_the_trip_has_a_blocker(blocker: str) -> None:
    h = Harness()
    trip_with_device_anomalies(h, BLOCKERS[blocker])
    assert blocker in h.codes()
    closed = [t for t in h.tickets() if t.is_closed or t.resolution is not None]
    assert closed == []
    assert {"A01", "A04", "A10"} <= h.codes()


# -- rule isolation ----------------------------------------------------------------------------


def test_a_failing_rule_does_not_stop_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(self: SealPinAbnormalRule, *args: object) -> None:
        raise RuntimeError("rule bug")

    monkeypatch.setattr(SealPinAbnormalRule, "observe", boom)
    h = Harness()
    dep = h.depart_active()
    h.fix(dep + 1, *MID, ext_power=False)
    h.status(dep + 1, pos=MID, pin="abnormal", battery=15)
    assert h.pipeline.stats.rule_errors["A01"] > 0
    assert h.pipeline.stats.internal_errors == 0
    assert "A01" not in h.codes()
    assert_ticket(only(h, "A04"), "OBU-1", Severity.HIGH)
    assert_ticket(only(h, "A10"), "VS-1", Severity.LOW)


def test_an_ended_trip_is_retired_after_a_day_keeping_its_tickets() -> None:
    h = Harness()
    end = h.drive(h.depart_active(1), pin="abnormal")
    h.arrive_and_unseal(end + 1)
    assert h.pipeline.trips["ORD-1"].phase == "completed"
    h.at(end + 23 * 60)
    assert "ORD-1" in h.pipeline.trips  # still there for late messages
    h.at(end + 25 * 60)
    assert "ORD-1" not in h.pipeline.trips and h.pipeline.stats.retired_trips == 1
    assert [(t.code, t.resolution) for t in h.tickets()] == [("A01", "auto_closed")]
    assert h.fix(end + 25 * 60, *IN_DEST) == "accepted"  # a late message for a retired trip
