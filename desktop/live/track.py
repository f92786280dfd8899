"""A trip's track for replay: positions, speed, seal state and events over time (Qt-free).

:class:`TrackSource` is what the replay panel asks. :class:`PipelineTrackSource` builds the
track from the in-memory pipeline trip's message log (a trip is kept for a day after it ends);
the store (``Store.trip_track(trip_id)``) can stand in for it with the same method, for trips
the pipeline has already retired.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from desktop.live.feed import Lock
from desktop.live.trip_tickets import TicketSummary, summarise
from desktop.live.views import SeverityName, TrailPoint
from desktop.models.pipeline import Pipeline
from desktop.models.validation import GATE_PASS, NFC_READ, SEAL_EVENT, SEAL_STATUS, TELEMETRY, Envelope

#: Seal state levels of :attr:`TripTrack.seal_states` (the worst over the trip's seals).
SEAL_UNSEALED: Final = 0
SEAL_SEALED: Final = 1
SEAL_ABNORMAL: Final = 2  # pin abnormal or cut, seal open, tamper event

#: Event kinds of :class:`TrackEvent` (the GUI turns them into translated labels).
EVENT_KINDS: Final = (
    "sealed",
    "unsealed",
    "tamper",
    "nfc_departure",
    "nfc_arrival",
    "nfc_read_only",
    "gate_in",
    "gate_out",
    "ticket",
)


@dataclass(frozen=True, slots=True)
class TrackEvent:
    """Something that happened on the trip at ``ts`` (device time).

    ``lat``/``lon`` are the message's own coordinates or, failing those, the vehicle's latest
    reported position at or before ``ts``; ``None`` when neither exists.
    """

    ts: float
    kind: str  # one of EVENT_KINDS
    subject: str  # the seal, gate or ticket code it concerns
    lat: float | None
    lon: float | None
    severity: SeverityName | None = None  # tickets only
    ticket: TicketSummary | None = None


@dataclass(frozen=True, slots=True)
class TripTrack:
    """Everything the replay shows of one trip."""

    trip_id: str
    points: tuple[TrailPoint, ...]  # located OBU fixes, device-time order
    speeds: tuple[tuple[float, float], ...]  # (ts, km/h)
    seal_states: tuple[tuple[float, int], ...]  # (ts, SEAL_* level), at every change
    events: tuple[TrackEvent, ...]  # device-time order

    @property
    def start(self) -> float | None:
        times = [
            t for t in (_first(self.points), _first(self.events), _first_pair(self.speeds)) if t is not None
        ]
        return min(times) if times else None

    @property
    def end(self) -> float | None:
        times = [
            t for t in (_last(self.points), _last(self.events), _last_pair(self.speeds)) if t is not None
        ]
        return max(times) if times else None

    def position_at(self, ts: float) -> TrailPoint | None:
        """The latest reported position at or before ``ts``."""
        return _position_at(self.points, ts)

    def map_events(self) -> list[tuple[float, float, float, str, str | None]]:
        """``(ts, lat, lon, kind, severity)`` of the located events, as ``MapView.show_track`` takes."""
        return [
            (e.ts, e.lat, e.lon, e.kind if e.kind != "ticket" else e.subject, e.severity)
            for e in self.events
            if e.lat is not None and e.lon is not None
        ]


class TrackSource(Protocol):
    """Where the replay gets a trip's track."""

    def trip_track(self, trip_id: str) -> TripTrack | None:
        """The trip's track, or ``None`` when the trip is unknown here."""
        ...


class PipelineTrackSource:
    """Tracks of the trips the pipeline still holds (ongoing, or ended less than a day ago)."""

    def __init__(self, pipeline: Pipeline, lock: Lock) -> None:
        self._pipeline = pipeline
        self._lock = lock

    def trip_track(self, trip_id: str) -> TripTrack | None:
        with self._lock:  # copy under the lock, build outside it
            trip = self._pipeline.trips.get(trip_id)
            if trip is None:
                return None
            entries = [env for _, env in trip.log]
            tickets = [summarise(t) for t in self._pipeline.book.for_order(trip_id)]
        return build_track(trip_id, entries, tickets)


class ChainedTrackSource:
    """Asks each source in turn (e.g. the live pipeline, then the store)."""

    def __init__(self, *sources: TrackSource) -> None:
        self._sources = sources

    def trip_track(self, trip_id: str) -> TripTrack | None:
        for source in self._sources:
            track = source.trip_track(trip_id)
            if track is not None:
                return track
        return None


def build_track(
    trip_id: str, entries: Sequence[Envelope], tickets: Iterable[TicketSummary] = ()
) -> TripTrack:
    """Build a track from a trip's accepted messages (any order) and its tickets."""
    ordered = sorted(entries, key=lambda e: e.key)
    points: list[TrailPoint] = []
    speeds: list[tuple[float, float]] = []
    raw_events: list[tuple[float, str, str, float | None, float | None]] = []
    seal_levels: dict[str, int] = {}
    states: list[tuple[float, int]] = []
    for env in ordered:
        msg: Any = env.msg
        level = _seal_level(env, msg)
        if level is not None:
            seal_id: str = msg.seal_id
            seal_levels[seal_id] = level
            worst = max(seal_levels.values())
            if not states or states[-1][1] != worst:
                states.append((env.ts, worst))
        if env.kind == TELEMETRY:
            if msg.fix != "none":
                points.append(TrailPoint(env.ts, msg.lat, msg.lon))
            if isinstance(msg.speed_kmh, float | int):
                speeds.append((env.ts, float(msg.speed_kmh)))
            continue
        event = _event_of(env, msg)
        if event is not None:
            raw_events.append(event)
    events = [_locate(ts, kind, subject, lat, lon, points) for ts, kind, subject, lat, lon in raw_events]
    for t in tickets:
        at = _position_at(points, t.raised_at)
        events.append(
            TrackEvent(
                t.raised_at,
                "ticket",
                t.code,
                at.lat if at else None,
                at.lon if at else None,
                t.severity,
                t,
            )
        )
    events.sort(key=lambda e: e.ts)
    return TripTrack(trip_id, tuple(points), tuple(speeds), tuple(states), tuple(events))


def _seal_level(env: Envelope, msg: Any) -> int | None:
    if env.kind == SEAL_STATUS:
        if msg.pin != "ok" or msg.state == "open":
            return SEAL_ABNORMAL
        return SEAL_SEALED if msg.state == "sealed" else SEAL_UNSEALED
    if env.kind == SEAL_EVENT:
        return {"sealed": SEAL_SEALED, "unsealed": SEAL_UNSEALED}.get(msg.event, SEAL_ABNORMAL)
    if env.kind == NFC_READ and msg.kind != "read_only":
        return SEAL_SEALED if msg.kind == "departure" else SEAL_UNSEALED
    return None


def _event_of(env: Envelope, msg: Any) -> tuple[float, str, str, float | None, float | None] | None:
    lat, lon = getattr(msg, "lat", None), getattr(msg, "lon", None)
    lat = lat if isinstance(lat, float) else None
    lon = lon if isinstance(lon, float) else None
    if env.kind == SEAL_EVENT:
        return (env.ts, str(msg.event), msg.seal_id, lat, lon)
    if env.kind == NFC_READ:
        return (env.ts, f"nfc_{msg.kind}", msg.seal_id, lat, lon)
    if env.kind == GATE_PASS:
        return (env.ts, f"gate_{msg.direction}", msg.gate_id, None, None)
    return None


def _locate(
    ts: float, kind: str, subject: str, lat: float | None, lon: float | None, points: Sequence[TrailPoint]
) -> TrackEvent:
    if lat is None or lon is None:
        at = _position_at(points, ts)
        lat, lon = (at.lat, at.lon) if at else (None, None)
    return TrackEvent(ts, kind, subject, lat, lon)


def _position_at(points: Sequence[TrailPoint], ts: float) -> TrailPoint | None:
    lo, hi = 0, len(points)
    while lo < hi:
        mid = (lo + hi) // 2
        if points[mid].ts <= ts:
            lo = mid + 1
        else:
            hi = mid
    return points[lo - 1] if lo else None


def _first(items: Sequence[TrailPoint] | Sequence[TrackEvent]) -> float | None:
    return items[0].ts if items else None


def _last(items: Sequence[TrailPoint] | Sequence[TrackEvent]) -> float | None:
    return items[-1].ts if items else None


def _first_pair(items: Sequence[tuple[float, float]]) -> float | None:
    return items[0][0] if items else None


def _last_pair(items: Sequence[tuple[float, float]]) -> float | None:
    return items[-1][0] if items else None
