"""Coalesce live feed deltas into compact batches for the map page (Qt-free).

``merge`` is called at the feed's rate and only updates dictionaries keyed by trip id; ``build``
is called by the map's timer (4 Hz) and produces one JSON text holding only what changed since
the previous batch. Per-vehicle data travels as arrays, never as an object per vehicle:

``{"b": base, "t": now, "rm": [slot...], "m": [[slot, trip_id, sev, kind, plate, order,
containers, seals, phase, origin, destination, open_tickets, region], ...], "p": <base64 int32
[slot, lat_e6, lon_e6, fix_rel_s, speed_dkmh] * n>, "tr": <base64 int32 [slot, ts_rel_s, lat_e6,
lon_e6] * n>}``

Times are whole seconds relative to ``b`` (the first device time seen). A vehicle with no located
position has ``lat_e6 == NO_FIX``; the page draws nothing for it (a position is never invented).
Trail points are decimated to at most ``max_trail_points`` per trail window and must come in time
order per trip (an older point than the last one kept is dropped: the trail is a visual hint; the
replay panel shows the full track).
"""

from __future__ import annotations

import base64
import json
import math
from array import array
from typing import Final

from desktop.live.views import FeedDelta, TrailPoint, TripView
from desktop.map.symbols import severity_code

NO_FIX: Final = -(2**31)
NO_VALUE: Final = -(2**31)
_Meta = tuple[str, int, int, str, str, str, str, str, str, str, int, str]
_Pos = tuple[int, int, int, int]


_INT32_MAX: Final = 2**31 - 1


def _e6(value: float | None, limit: float) -> int:
    """Micro-degrees, or NO_FIX for a missing or impossible coordinate."""
    return NO_FIX if value is None or not -limit <= value <= limit else round(value * 1e6)


def _int32(value: float | None) -> int:
    """A whole number that fits the batch arrays, or NO_VALUE."""
    if value is None or not math.isfinite(value) or abs(value) > _INT32_MAX:
        return NO_VALUE
    return round(value)


def _meta(view: TripView) -> _Meta:
    return (
        view.trip_id,
        severity_code(view.worst_severity),
        1 if view.kind == "passive" else 0,
        view.plate or "",
        view.order_no or "",
        " ".join(view.containers),
        " ".join(view.seals),
        view.phase,
        view.origin or "",
        view.destination or "",
        view.open_tickets,
        view.region,
    )


def _b64(values: array[int]) -> str:
    return base64.b64encode(values.tobytes()).decode("ascii")


class BatchBuilder:
    """Pending changes per trip, and the slot numbers the page knows the trips by."""

    def __init__(self, trail_minutes: float = 5.0, max_trail_points: int = 60) -> None:
        if not (trail_minutes > 0 and math.isfinite(trail_minutes)):
            raise ValueError(f"trail_minutes must be a positive number, not {trail_minutes!r}")
        if max_trail_points < 2:
            raise ValueError("max_trail_points must be at least 2")
        self.trail_seconds = trail_minutes * 60.0
        self.trail_spacing = self.trail_seconds / max_trail_points
        self.base: int | None = None
        self.now: float | None = None
        self._slots: dict[str, int] = {}
        self._free: list[int] = []
        self._next_slot = 0
        self._sent_meta: dict[str, _Meta] = {}
        self._sent_pos: dict[str, _Pos] = {}
        self._trail_last: dict[str, float] = {}
        self._meta: dict[str, _Meta] = {}
        self._pos: dict[str, _Pos] = {}
        self._trail: dict[str, list[tuple[float, float, float]]] = {}
        self._removed: list[int] = []

    # -- feed side ---------------------------------------------------------------------------
    def merge(self, delta: FeedDelta) -> None:
        """Fold one feed delta into the pending batch (cheap: dictionary updates only)."""
        for trip_id in delta.removed:
            self._remove(trip_id)
        for view in delta.changed:
            self._change(view)
        for trip_id, points in delta.trail.items():
            if trip_id in self._slots:
                self._add_trail(trip_id, points)

    def _remove(self, trip_id: str) -> None:
        slot = self._slots.pop(trip_id, None)
        if slot is None:
            return
        self._removed.append(slot)
        self._free.append(slot)
        for store in (self._sent_meta, self._sent_pos, self._trail_last, self._meta, self._pos, self._trail):
            store.pop(trip_id, None)  # type: ignore[attr-defined]

    def _change(self, view: TripView) -> None:
        trip_id = view.trip_id
        if trip_id not in self._slots:
            self._slots[trip_id] = self._free.pop() if self._free else self._take_slot()
        meta = _meta(view)
        if self._sent_meta.get(trip_id) != meta:
            self._meta[trip_id] = meta
        else:
            self._meta.pop(trip_id, None)
        if view.fix_ts is not None and view.kind == "active":
            self._tick(view.fix_ts)
        lat, lon = _e6(view.lat, 90.0), _e6(view.lon, 180.0)
        if NO_FIX in (lat, lon):
            lat = lon = NO_FIX
        pos = (
            lat,
            lon,
            _int32(view.fix_ts),
            _int32(None if view.speed_kmh is None else view.speed_kmh * 10),
        )
        if self._sent_pos.get(trip_id) != pos:
            self._pos[trip_id] = pos
        else:
            self._pos.pop(trip_id, None)

    def _take_slot(self) -> int:
        self._next_slot += 1
        return self._next_slot - 1

    def _tick(self, ts: float) -> None:
        if math.isfinite(ts) and abs(ts) < _INT32_MAX:
            if self.base is None:
                self.base = math.floor(ts)
            if self.now is None or ts > self.now:
                self.now = ts

    def _add_trail(self, trip_id: str, points: list[TrailPoint]) -> None:
        last = self._trail_last.get(trip_id, -math.inf)
        pending = self._trail.get(trip_id)
        for p in points:
            if not (p.ts >= last + self.trail_spacing and abs(p.ts) < _INT32_MAX):
                continue  # also drops NaN times
            if NO_FIX in (_e6(p.lat, 90.0), _e6(p.lon, 180.0)):
                continue
            last = p.ts
            self._tick(p.ts)
            if pending is None:
                pending = self._trail[trip_id] = []
            pending.append((p.ts, p.lat, p.lon))
        self._trail_last[trip_id] = last

    # -- timer side ----------------------------------------------------------------------------
    def has_pending(self) -> bool:
        return bool(self._meta or self._pos or self._trail or self._removed)

    def slot_of(self, trip_id: str) -> int | None:
        return self._slots.get(trip_id)

    @property
    def trip_count(self) -> int:
        return len(self._slots)

    def build(self) -> str | None:
        """The pending changes as one batch text, or None when nothing changed; clears them."""
        if not self.has_pending():
            return None
        base = self.base or 0
        slots = self._slots
        meta_rows = [[slots[trip_id], *meta] for trip_id, meta in self._meta.items()]
        self._sent_meta.update(self._meta)
        positions = array("i")
        for trip_id, (lat, lon, fix, speed) in self._pos.items():
            rel = NO_VALUE if fix == NO_VALUE or abs(fix - base) > _INT32_MAX else fix - base
            positions.extend((slots[trip_id], lat, lon, rel, speed))
        self._sent_pos.update(self._pos)
        cutoff = (self.now or 0.0) - self.trail_seconds
        trail = array("i")
        for trip_id, points in self._trail.items():
            slot = slots[trip_id]
            for ts, lat, lon in points:
                if ts >= cutoff:
                    trail.extend((slot, round(ts) - base, round(lat * 1e6), round(lon * 1e6)))
        batch: dict[str, object] = {
            "b": base,
            "t": round(self.now) - base if self.now is not None else 0,
            "rm": self._removed,
            "m": meta_rows,
            "p": _b64(positions),
            "tr": _b64(trail),
        }
        self._meta, self._pos, self._trail, self._removed = {}, {}, {}, []
        return json.dumps(batch, ensure_ascii=False, separators=(",", ":"))

    def resync(self) -> None:
        """Queue everything the page had been sent (after the page was reloaded); trails restart."""
        self._meta = dict(self._sent_meta)
        self._pos = dict(self._sent_pos)
        self._sent_meta, self._sent_pos = {}, {}
        self._trail.clear()
        self._trail_last.clear()
        self._removed.clear()
