"""The map's batch builder: only what changed, as compact arrays, and nothing invented (Qt-free)."""

from __future__ import annotations

import base64
import itertools
import json
import math
from array import array
from dataclasses import replace
from typing import Any

import pytest

from desktop.live.views import FeedDelta, TrailPoint, TripView
from desktop.map.batch import NO_FIX, NO_VALUE, BatchBuilder

T0 = 1_790_000_000.0


def trip(trip_id: str = "T1", **changes: Any) -> TripView:
    base = TripView(
        trip_id=trip_id,
        order_no="KH2024000123",
        region="kaohsiung",
        kind="active",
        phase="in_transit",
        plate="KLA-1234",
        driver="王小明",
        containers=("MSCU1234565", "TGHU7654321"),
        seals=("S-0001",),
        origin="KHH-T-40",
        destination="KHH-CY-QZ",
        deadline=None,
        lat=22.585,
        lon=120.301,
        fix_ts=T0,
        speed_kmh=31.4,
        worst_severity=None,
        open_tickets=0,
    )
    return replace(base, **changes)


def ints(text: str, width: int) -> list[tuple[int, ...]]:
    values = array("i", base64.b64decode(text))
    return [tuple(values[i : i + width]) for i in range(0, len(values), width)]


def build(builder: BatchBuilder) -> dict[str, Any]:
    text = builder.build()
    assert text is not None
    return json.loads(text)


def test_first_batch_has_meta_rows_and_packed_positions() -> None:
    b = BatchBuilder()
    b.merge(FeedDelta(changed=[trip("T1"), trip("T2", lat=None, lon=None, fix_ts=None, speed_kmh=None)]))
    batch = build(b)
    slots = {row[1]: row[0] for row in batch["m"]}
    assert set(slots) == {"T1", "T2"}
    row = next(r for r in batch["m"] if r[1] == "T1")
    assert row[2:] == [0, 0, "KLA-1234", "KH2024000123", "MSCU1234565 TGHU7654321", "S-0001",
                       "in_transit", "KHH-T-40", "KHH-CY-QZ", 0, "kaohsiung", 0]  # fmt: skip
    assert batch["b"] == int(T0)
    pos = {p[0]: p[1:] for p in ints(batch["p"], 5)}
    assert pos[slots["T1"]] == (22_585_000, 120_301_000, 0, 314)
    # nothing located: no position is made up, and the page is told so
    assert pos[slots["T2"]] == (NO_FIX, NO_FIX, NO_VALUE, NO_VALUE)
    assert b.build() is None  # nothing pending any more


def test_later_batches_carry_only_what_changed() -> None:
    b = BatchBuilder()
    b.merge(FeedDelta(changed=[trip("T1"), trip("T2")]))
    build(b)
    b.merge(FeedDelta(changed=[trip("T1", lat=22.586, fix_ts=T0 + 30), trip("T2")]))  # T2 identical
    batch = build(b)
    assert batch["m"] == []  # no description changed
    assert [p[0] for p in ints(batch["p"], 5)] == [b.slot_of("T1")]
    b.merge(FeedDelta(changed=[trip("T2", worst_severity="critical", open_tickets=2)]))
    batch = build(b)
    assert [(r[1], r[2], r[11]) for r in batch["m"]] == [("T2", 4, 2)]
    assert batch["p"] == ""  # position unchanged


def test_many_updates_between_batches_coalesce_to_the_latest() -> None:
    b = BatchBuilder()
    for k in range(10):
        b.merge(FeedDelta(changed=[trip("T1", lat=22.5 + k / 1000, fix_ts=T0 + k)]))
    batch = build(b)
    assert len(batch["m"]) == 1
    [(slot, lat, lon, fix_rel, speed)] = ints(batch["p"], 5)
    assert (slot, lat, lon, speed) == (0, 22_509_000, 120_301_000, 314)
    assert fix_rel + batch["b"] == T0 + 9


def test_removed_trip_frees_its_slot_and_drops_pending_changes() -> None:
    b = BatchBuilder()
    b.merge(FeedDelta(changed=[trip("T1"), trip("T2")]))
    build(b)
    slot = b.slot_of("T1")
    b.merge(FeedDelta(changed=[trip("T1", lat=22.6)], trail={"T1": [TrailPoint(T0 + 5, 22.6, 120.3)]}))
    b.merge(FeedDelta(removed=["T1"]))
    batch = build(b)
    assert batch["rm"] == [slot] and batch["m"] == [] and batch["p"] == "" and batch["tr"] == ""
    assert b.slot_of("T1") is None and b.trip_count == 1
    b.merge(FeedDelta(changed=[trip("T3")]))
    batch = build(b)
    assert batch["m"][0][:2] == [slot, "T3"]  # reused, announced afresh
    b.merge(FeedDelta(removed=["never-seen"]))
    assert b.build() is None


def test_trail_points_are_decimated_time_ordered_and_cut_to_the_window() -> None:
    b = BatchBuilder(trail_minutes=5.0, max_trail_points=60)  # at most one point per 5 s
    b.merge(FeedDelta(changed=[trip("T1", fix_ts=T0 + 600)]))
    points = [TrailPoint(T0 + s, 22.5 + s / 1e5, 120.3) for s in range(0, 601, 1)]
    b.merge(FeedDelta(trail={"T1": points}))
    b.merge(FeedDelta(trail={"T1": [TrailPoint(T0 + 100, 22.0, 120.0)]}))  # late: older than kept
    b.merge(FeedDelta(trail={"unknown": [TrailPoint(T0, 22.0, 120.0)]}))  # no such trip: ignored
    batch = build(b)
    trail = ints(batch["tr"], 4)
    times = [t[1] + batch["b"] - T0 for t in trail]  # seconds after T0
    assert times == sorted(times)
    assert min(times) >= 600 - 300  # older than the 5-minute window is not sent
    assert all(b2 - a >= 5 for a, b2 in itertools.pairwise(times))
    assert 55 <= len(trail) <= 61
    assert batch["t"] + batch["b"] - T0 == 600


def test_bad_numbers_never_crash_and_never_become_positions() -> None:
    b = BatchBuilder()
    bad = [
        trip("nan", lat=math.nan, lon=120.3),
        trip("inf", lat=22.5, lon=math.inf),
        trip("far", lat=95.0, lon=120.3),
        trip("huge", fix_ts=1e300, speed_kmh=1e300),
    ]
    b.merge(FeedDelta(changed=bad, trail={"nan": [TrailPoint(math.nan, 1, 2), TrailPoint(T0, 200.0, 1)]}))
    batch = build(b)
    pos = {p[0]: p[1:] for p in ints(batch["p"], 5)}
    for trip_id in ("nan", "inf", "far"):
        assert pos[b.slot_of(trip_id)][:2] == (NO_FIX, NO_FIX)  # type: ignore[index]
    assert pos[b.slot_of("huge")][2:] == (NO_VALUE, NO_VALUE)  # type: ignore[index]
    assert batch["tr"] == ""
    with pytest.raises(ValueError, match="trail_minutes"):
        BatchBuilder(trail_minutes=0)


def test_resync_resends_everything_the_page_had() -> None:
    b = BatchBuilder()
    b.merge(FeedDelta(changed=[trip("T1"), trip("T2", worst_severity="high")]))
    first = build(b)
    b.resync()
    again = build(b)
    assert sorted(map(tuple, again["m"])) == sorted(map(tuple, first["m"]))
    assert sorted(ints(again["p"], 5)) == sorted(ints(first["p"], 5))
    b.merge(FeedDelta(changed=[trip("T1", lat=22.6)]))  # a trip with a pending change is described too
    b.resync()
    third = build(b)
    assert sorted(r[1] for r in third["m"]) == ["T1", "T2"]
    assert {p[0]: p[1] for p in ints(third["p"], 5)}[b.slot_of("T1")] == 22_600_000


def test_passive_trip_keeps_its_read_position_and_does_not_move_the_clock() -> None:
    b = BatchBuilder()
    b.merge(FeedDelta(changed=[trip("A", fix_ts=T0 + 100)]))
    b.merge(FeedDelta(changed=[trip("P", kind="passive", fix_ts=T0 + 5000, lat=22.55, lon=120.31)]))
    batch = build(b)
    row = next(r for r in batch["m"] if r[1] == "P")
    assert row[3] == 1
    assert (b.slot_of("P"), 22_550_000, 120_310_000) in [p[:3] for p in ints(batch["p"], 5)]
    assert batch["t"] + batch["b"] == T0 + 100  # the trail window follows live (active) time only


def test_a_conflict_alone_resends_the_trips_meta_row_with_the_flag() -> None:
    b = BatchBuilder()
    b.merge(FeedDelta(changed=[trip("T1")]))
    build(b)
    b.merge(FeedDelta(changed=[trip("T1", conflict=True)]))
    batch = build(b)
    (row,) = batch["m"]
    assert row[1] == "T1" and row[13] == 1 and row[2] == 0  # the severity is unchanged
    b.merge(FeedDelta(changed=[trip("T1", conflict=True)]))
    assert build(b)["m"] == []  # nothing new to say
    b.merge(FeedDelta(changed=[trip("T1")]))
    assert build(b)["m"][0][13] == 0
