"""The live feed (Qt-free): deltas of changed trips, trail points, removals, search."""

from __future__ import annotations

import itertools
import threading

import pytest

from desktop.live.feed import LiveFeed
from desktop.live.search import TripSearchIndex, normalise
from tests.helpers import CONTAINER, CONTAINER_2, IN_ORIGIN, Harness, iso, route


def feed_for(h: Harness) -> LiveFeed:
    return LiveFeed(h.pipeline, threading.Lock())


def test_first_poll_has_every_known_trip_then_nothing_until_something_changes() -> None:
    h = Harness()
    h.order("ORD-1", plate="KLA-1234")
    h.order("ORD-2", obu_id="OBU-2", containers=[{"container_no": CONTAINER_2, "seal_id": "VS-2",
                                                  "seal_type": "active"}])  # fmt: skip
    feed = feed_for(h)
    delta = feed.poll()
    assert sorted(v.trip_id for v in delta.changed) == ["ORD-1", "ORD-2"]
    assert delta.removed == [] and delta.trail == {}
    assert feed.poll().changed == []
    h.fix(1, *IN_ORIGIN, obu_id="OBU-2")
    assert [v.trip_id for v in feed.poll().changed] == ["ORD-2"]


def test_a_moving_trip_reports_its_last_fix_speed_phase_and_a_trail() -> None:
    h = Harness()
    feed = feed_for(h)
    h.depart_active()
    first = feed.poll()
    (view,) = first.changed
    assert view.phase == "in_transit" and view.kind == "active"
    assert (view.lat, view.lon) == route(10)[0]
    assert view.speed_kmh == 30.0 and view.containers == (CONTAINER,) and view.seals == ("VS-1",)
    assert view.origin == "EX-YARD-A" and view.destination == "EX-TERM-B"
    assert view.deadline is not None and view.worst_severity is None
    end = h.drive(3, points=6, every=1.0)
    delta = feed.poll()
    (moved,) = delta.changed
    assert (moved.lat, moved.lon) == route(6)[-1] and moved.fix_ts == pytest.approx(h.clock.now())
    points = delta.trail["ORD-1"]
    assert [(p.lat, p.lon) for p in points] == route(6)[1:]  # one fix a minute: every one is kept
    assert end == 8


def test_trail_keeps_at_most_one_point_per_ten_seconds() -> None:
    h = Harness()
    feed = feed_for(h)
    h.depart_active()
    feed.poll()
    for i, (lat, lon) in enumerate(route(31)[1:], start=1):
        h.fix(3 + i * 2 / 60, lat, lon)  # every 2 s
    points = feed.poll().trail["ORD-1"]
    gaps = [b.ts - a.ts for a, b in itertools.pairwise(points)]
    assert 5 <= len(points) <= 7 and min(gaps) >= 10.0


def test_open_tickets_give_the_worst_severity_and_a_ticket_alone_marks_the_trip_changed() -> None:
    h = Harness()
    feed = feed_for(h)
    h.depart_active(seal=False)  # departs with its active seal not sealed: A07, critical
    view = feed.poll().changed[0]
    assert view.worst_severity == "critical" and view.open_tickets >= 1
    assert any(t.code == "A07" and t.severity == "critical" for t in feed.tickets("ORD-1"))
    h.at(60 * 3)  # silence: timer tickets (A02/A05/A09) only; no message reaches the trip
    (later,) = feed.poll().changed
    assert later.open_tickets > view.open_tickets


def test_passive_trip_is_located_by_its_departure_read_only_when_the_read_has_coordinates() -> None:
    h = Harness()
    feed = feed_for(h)
    h.passive_order("ORD-P")
    h.read(1, "departure", order_no="ORD-P")
    (view,) = feed.poll().changed
    assert view.kind == "passive" and view.phase == "in_transit"
    assert (view.lat, view.lon, view.fix_ts) == (None, None, None)  # never estimated
    payload = {
        "v": 1, "seal_id": "PS-1", "seq": h.next_seq("app:APP-1"), "device_id": "APP-1", "ts": iso(2),
        "kind": "read_only", "seal_type": "passive", "order_no": "ORD-P", "container_no": CONTAINER,
        "site_code": "EX-YARD-A", "officer_id": "KL-0101", "lat": 25.1421, "lon": 121.7441,
    }  # fmt: skip
    assert h.send("nfc/PS-1/read", payload, 2) == "accepted"
    (located,) = feed.poll().changed
    assert (located.lat, located.lon) == (25.1421, 121.7441)
    assert located.speed_kmh is None and feed.poll().trail == {}


def test_retired_trips_are_removed_and_no_longer_found() -> None:
    h = Harness()
    feed = feed_for(h)
    dep = h.depart_active()
    h.arrive_and_unseal(h.drive(dep))
    assert feed.poll().changed[0].phase == "completed"
    assert feed.find("ORD-1")
    h.at(60 * 26)
    delta = feed.poll()
    assert delta.removed == ["ORD-1"] and feed.find("ORD-1") == [] and feed.view("ORD-1") is None


def test_an_amended_order_is_read_afresh_without_repeating_its_trail() -> None:
    h = Harness()
    feed = feed_for(h)
    dep = h.depart_active()
    h.drive(dep, points=4)
    assert len(feed.poll().trail["ORD-1"]) >= 3
    h.order(minutes=10, plate="KLB-7788")  # amendment: a new Trip object with the same log
    delta = feed.poll()
    assert delta.changed[0].plate == "KLB-7788"
    assert delta.trail == {}
    assert [v.trip_id for v in feed.find("klb 7788")] == ["ORD-1"]


def test_one_message_makes_one_trip_change_among_many() -> None:
    h = Harness()
    for n in range(200):
        seal = {"container_no": CONTAINER, "seal_id": f"VS-{n}", "seal_type": "active"}
        h.order(f"ORD-{n}", obu_id=f"OBU-{n}", containers=[seal])
    feed = feed_for(h)
    assert len(feed.poll().changed) == 200
    h.fix(1, *IN_ORIGIN, obu_id="OBU-77")
    assert [v.trip_id for v in feed.poll().changed] == ["ORD-77"]


def test_find_by_order_plate_and_container_ignoring_case_spaces_and_hyphens() -> None:
    h = Harness()
    h.order("KL-2026-0001", plate="KLA-1234")
    h.order("KL-2026-0002", obu_id="OBU-2", plate="ABC-5678",
            containers=[{"container_no": CONTAINER_2, "seal_id": "VS-2", "seal_type": "active"}])  # fmt: skip
    feed = feed_for(h)
    feed.poll()

    def ids(text: str) -> list[str]:
        return [v.trip_id for v in feed.find(text)]

    assert ids("KL-2026-0001") == ["KL-2026-0001"]
    assert ids("kl 2026 000") == ["KL-2026-0001", "KL-2026-0002"]  # prefix
    assert ids("kla1234") == ["KL-2026-0001"]
    assert ids(" abc-5678 ") == ["KL-2026-0002"]
    assert ids(CONTAINER.lower()) == ["KL-2026-0001"]
    assert ids("TGHU 123") == ["KL-2026-0002"]
    assert ids("5678") == ["KL-2026-0002"]  # four characters or more: also inside a key
    assert ids("") == [] and ids("ZZZ") == []


def test_search_index_exact_before_prefix_and_forgets_replaced_keys() -> None:
    index = TripSearchIndex()
    index.update("a", ["AB12"])
    index.update("b", ["AB1"])
    assert index.lookup("ab1") == ["b", "a"]
    index.update("b", ["XY"])
    assert index.lookup("ab1") == ["a"] and index.lookup("xy") == ["b"]
    index.remove("a")
    assert index.lookup("ab") == [] and len(index) == 1
    assert normalise(" kl-20 26/01 ") == "KL202601"


def test_a_conflicted_ticket_marks_its_trip_through_the_book_and_clearing_it_unmarks() -> None:
    h = Harness()
    feed = feed_for(h)
    h.depart_active(seal=False)  # A07 on ORD-1
    h.order("ORD-2", obu_id="OBU-2", containers=[{"container_no": CONTAINER_2, "seal_id": "VS-2",
                                                  "seal_type": "active"}])  # fmt: skip
    views = {v.trip_id: v for v in feed.poll().changed}
    assert views["ORD-1"].conflict is False and views["ORD-2"].conflict is False
    ticket = next(t for t in h.pipeline.book.for_order("ORD-1") if t.code == "A07")
    assert ticket.mark_conflicts(["findings"])
    h.pipeline.book.announce("merged", ticket)  # as the mirror does (desktop/app_mirror.py)
    (marked,) = feed.poll().changed  # the ticket alone marks its trip changed; ORD-2 is not
    assert marked.trip_id == "ORD-1" and marked.conflict is True
    assert marked.worst_severity == "critical"  # the severity stays as it was
    ticket.mark_conflicts([])
    feed.ticket_changed("action", ticket)  # a supervisor resolved it (TicketActions' persist hook)
    (cleared,) = feed.poll().changed
    assert cleared.trip_id == "ORD-1" and cleared.conflict is False


def test_a_closed_tickets_open_conflict_still_marks_its_trip() -> None:
    h = Harness()
    feed = feed_for(h)
    h.depart_active(seal=False)
    feed.poll()
    ticket = next(t for t in h.pipeline.book.for_order("ORD-1") if t.code == "A07")
    ticket.auto_close(h.clock.now(), h.clock.now(), "test: merged state is closed")
    ticket.mark_conflicts(["decision"])  # a sign-off here met a return elsewhere
    feed.ticket_changed("merged", ticket)
    (view,) = feed.poll().changed
    assert view.conflict is True
