"""Order cancellation and amendment (protocol §3.5) and handling units (§6.4).

Timelines as in test_rules_trip_passive.py (minutes after 08:00).
"""

from __future__ import annotations

from tests.helpers import IN_DEST, IN_ORIGIN, Harness, T, route
from tests.test_rules_trip_passive import DEST_GATE, ESCALATE_MIN, arrival_read, only, passive_departed

# -- order cancellation and amendment (§3.5) ------------------------------------------------


def test_cancelled_passive_order_raises_nothing_further_and_closes_nothing() -> None:
    h = Harness()
    h.passive_order()
    h.gate(5, "out")  # S2 (no departure read), departure at 5 → deadline 65
    s2 = only(h, "S2")
    h.passive_order(minutes=10, at=10, status="cancelled")
    arrival_read(h, 70, officer="KL-0301")  # would be S3 and S4 on an open order
    h.gate(75, "in", gate_id=DEST_GATE, site="EX-TERM-B")  # would be S8
    h.at(65 + ESCALATE_MIN + 10)
    assert h.codes() == {"S2"}
    assert only(h, "S2") is s2 and not s2.is_closed


def test_cancelled_active_order_raises_no_a09_and_keeps_a07_open() -> None:
    h = Harness()
    h.depart_active(seal=False)
    a07 = only(h, "A07")
    h.order(minutes=10, at=10, status="cancelled")
    h.at(63 + ESCALATE_MIN + 10)
    assert "A09" not in h.codes()
    assert only(h, "A07") is a07 and not a07.is_closed


def test_a11_on_a_cancelled_order_has_no_order_no() -> None:
    h = Harness()
    h.passive_order()
    h.passive_order(minutes=1, at=1, status="cancelled")
    h.gate(5, "out", scan_required=True)
    assert only(h, "A11").order_no is None


def test_amendment_extending_max_transit_moves_the_deadline() -> None:
    h = Harness()
    passive_departed(h)  # deadline 65
    h.passive_order(minutes=10, at=10, max_transit_min=120)  # deadline 125
    h.at(100)
    assert "S7" not in h.codes()
    arrival_read(h, 110)
    h.at(200)
    assert not {"S3", "S7"} & h.codes()


def test_amendment_shortening_max_transit_moves_the_deadline() -> None:
    h = Harness()
    h.depart_active()  # deadline 63
    h.order(minutes=10, at=10, max_transit_min=30)  # deadline 33
    h.at(32.9)
    assert "A09" not in h.codes()
    h.at(33)
    assert only(h, "A09").raised_at == T(33)


def test_stale_amendment_does_not_move_the_deadline() -> None:
    h = Harness()
    h.passive_order(minutes=10, at=10)
    h.read(12, "departure")  # deadline 72
    h.passive_order(minutes=5, at=13, max_transit_min=600)  # older ts: ignored
    h.at(72)
    assert only(h, "S7").raised_at == T(72)


def test_amendment_long_after_departure_keeps_the_passive_departure() -> None:
    h = Harness()
    passive_departed(h, max_transit_min=600)  # departed at 5
    h.passive_order(minutes=100, at=100, max_transit_min=300)  # deadline 5 + 300 = 305
    h.at(305)
    assert only(h, "S7").raised_at == T(305)


def test_amendment_long_after_departure_keeps_the_active_departure() -> None:
    h = Harness()
    h.order(max_transit_min=600)
    h.fix(1, *IN_ORIGIN, speed=0)
    h.event(2, "sealed")
    h.fix(3, *route(10)[0])  # departed at 3
    h.fix(90, *route(10)[3])
    h.order(minutes=100, at=100, max_transit_min=300)  # deadline 3 + 300 = 303
    assert h.pipeline.trips["ORD-1"].phase == "departed"
    h.at(303)
    assert only(h, "A09").raised_at == T(303)


# -- handling units (§6.4) ------------------------------------------------------------------


def test_handling_units_of_departure_arrival_and_transit_anomalies() -> None:
    h = Harness()
    h.depart_active(seal=False)  # A07
    h.status(4, pin="abnormal", pos=route(10)[0])  # A01, in transit
    h.at(63)  # A09
    h.fix(70, *IN_DEST, speed=0)  # A08
    units = {t.code: (str(t.handling.kind), t.handling.site_code) for t in h.tickets()}
    assert units["A07"] == ("origin_office", "EX-YARD-A")
    assert units["A08"] == ("destination_office", "EX-TERM-B")
    assert units["A01"] == ("monitoring_centre", "EX-TERM-B")
    assert units["A09"] == ("monitoring_centre", "EX-TERM-B")


def test_a_truck_that_left_the_origin_before_its_next_order_has_not_departed_it() -> None:
    h = Harness()
    end = h.drive(h.depart_active(1))  # ORD-1: leaves EX-YARD-A at 3
    h.arrive_and_unseal(end + 1)
    back = end + 10
    h.fix(back, *IN_ORIGIN, speed=0)  # back in the yard, empty
    h.order(
        "ORD-2",
        minutes=back + 20,
        at=back + 20,
        containers=[{"container_no": "TGHU1234567", "seal_id": "VS-2", "seal_type": "active"}],
    )
    trip = h.pipeline.trips["ORD-2"]
    assert trip.phase == "planned" and trip.progress.t_dep is None
    assert "A07" not in h.codes()
    h.fix(back + 21, *IN_ORIGIN, speed=0)  # seen inside after the order: armed
    h.fix(back + 22, *route(10)[0])
    assert trip.progress.t_dep == T(back + 22) and "A07" in h.codes()  # left unsealed
