"""Replay tracks from the store, for trips the pipeline no longer holds (Qt-free).

``Store.trip_track(trip_id)`` returns the downsampled track as ``(ts, lat, lon, speed_kmh)``
tuples (at most one point per 30 s of device time); the replay panel asks a
:class:`~desktop.live.track.TrackSource` for a :class:`~desktop.live.track.TripTrack`.
:class:`StoreTrackSource` adapts the one to the other; chain it after the live source:

    ChainedTrackSource(PipelineTrackSource(pipeline, lock), StoreTrackSource(store.trip_track))

A stored track has positions and speeds only: seal states and events (seal events, NFC reads,
gate passes) are not stored, so the replay of a retired trip shows the route and the speed plot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence

from desktop.live.track import TripTrack
from desktop.live.views import TrailPoint

log = logging.getLogger(__name__)

StoredPoint = tuple[float, float, float, float | None]  # (ts, lat, lon, speed_kmh)
StoredTrack = Callable[[str], Sequence[StoredPoint]]


class StoreTrackSource:
    """A :class:`~desktop.live.track.TrackSource` over ``Store.trip_track``.

    Args:
        rows: ``Store.trip_track`` (or anything with its signature). A read that fails (the
            database is unreachable) is logged and answered with "no track".
    """

    def __init__(self, rows: StoredTrack) -> None:
        self._rows = rows

    def trip_track(self, trip_id: str) -> TripTrack | None:
        try:
            rows = self._rows(trip_id)
        except Exception:
            log.exception("cannot read the stored track of %s", trip_id)
            return None
        return track_from_rows(trip_id, rows) if rows else None


def track_from_rows(trip_id: str, rows: Iterable[StoredPoint]) -> TripTrack:
    """A :class:`TripTrack` of stored points (any order; device time decides)."""
    ordered = sorted(rows, key=lambda r: r[0])
    points = tuple(TrailPoint(ts, lat, lon) for ts, lat, lon, _ in ordered)
    speeds = tuple((ts, float(speed)) for ts, _, _, speed in ordered if speed is not None)
    return TripTrack(trip_id, points, speeds, (), ())
