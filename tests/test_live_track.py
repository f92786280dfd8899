"""Trip tracks for replay, built from the pipeline trip's message log (Qt-free)."""

from __future__ import annotations

import threading

from desktop.live.track import (
    SEAL_ABNORMAL,
    SEAL_SEALED,
    SEAL_UNSEALED,
    ChainedTrackSource,
    PipelineTrackSource,
    TripTrack,
)
from tests.helpers import IN_DEST, Harness, T, route


def drive_with_a_pin_alarm(h: Harness) -> None:
    dep = h.depart_active()
    end = h.drive(dep, points=6, every=1.0)
    h.status(end + 0.2, pin="abnormal", pos=route(6)[-1])
    h.status(end + 0.4, pin="ok", pos=route(6)[-1])
    h.arrive_and_unseal(end + 1)


def test_track_has_points_speeds_seal_states_and_events_in_device_time_order() -> None:
    h = Harness()
    drive_with_a_pin_alarm(h)
    track = PipelineTrackSource(h.pipeline, threading.Lock()).trip_track("ORD-1")
    assert track is not None
    assert [(p.lat, p.lon) for p in track.points][-1] == IN_DEST
    assert len(track.points) == 8  # inside the origin, leaving it, 5 on the route, inside the dest
    assert [t for t, _ in track.speeds] == sorted(t for t, _ in track.speeds)
    assert track.speeds[-1][1] == 0.0 and track.speeds[1][1] == 30.0
    levels = [level for _, level in track.seal_states]
    assert levels == [SEAL_SEALED, SEAL_ABNORMAL, SEAL_SEALED, SEAL_UNSEALED]
    kinds = [e.kind for e in track.events]
    assert kinds[0] == "sealed" and "unsealed" in kinds and "ticket" in kinds
    (ticket,) = [e for e in track.events if e.kind == "ticket"]
    assert ticket.subject == "A01" and ticket.severity == "high" and ticket.ticket is not None
    at = track.position_at(ticket.ts)
    assert at is not None and (ticket.lat, ticket.lon) == (at.lat, at.lon)
    assert track.start is not None and track.end is not None and track.start < track.end
    unseal = next(e for e in track.events if e.kind == "unsealed")
    assert (unseal.lat, unseal.lon) == IN_DEST  # the event's own coordinates


def test_map_events_leave_out_unlocated_events_and_name_tickets_by_code() -> None:
    h = Harness()
    h.passive_order()
    h.read(1, "departure")  # no coordinates, no OBU: nowhere to put it
    track = PipelineTrackSource(h.pipeline, threading.Lock()).trip_track("ORD-1")
    assert track is not None
    assert [e.kind for e in track.events] == ["nfc_departure"]
    assert track.events[0].lat is None and track.map_events() == []
    assert track.points == () and track.seal_states == ((T(1), SEAL_SEALED),)


def test_unknown_trip_has_no_track_and_a_chain_asks_the_next_source() -> None:
    h = Harness()
    live = PipelineTrackSource(h.pipeline, threading.Lock())
    assert live.trip_track("NOPE") is None

    class Archive:
        def trip_track(self, trip_id: str) -> TripTrack | None:
            return TripTrack(trip_id, (), (), (), ()) if trip_id == "OLD-1" else None

    chain = ChainedTrackSource(live, Archive())
    found = chain.trip_track("OLD-1")
    assert found is not None and found.trip_id == "OLD-1" and found.start is None
    assert chain.trip_track("NOPE") is None
