"""Coalesce live feed deltas into compact batches for the map page (Qt-free).

``merge`` is called at the feed's rate and only keeps the latest view per trip (a dictionary
store); ``build`` is called by the map's timer (4 Hz), compares each pending view with what the
page already has and produces one JSON text holding only what changed. Per-vehicle data travels
as arrays, never as an object per vehicle:

``{"b": base, "t": now, "rm": [slot...], "m": [[slot, trip_id, sev, kind, plate, order,
containers, seals, phase, origin, destination, open_tickets, region, conflict], ...], "p": <base64 int32
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
from operator import attrgetter
from typing import Any, Final

import numpy as np

from desktop.live.views import FeedDelta, TrailPoint, TripView
from desktop.map.symbols import SEVERITY_CODE

NO_FIX: Final = -(2**31)
NO_VALUE: Final = -(2**31)
_INT32_MAX: Final = 2**31 - 1
_META_FIELDS: Final = (
    "worst_severity",
    "kind",
    "plate",
    "order_no",
    "containers",
    "seals",
    "phase",
    "origin",
    "destination",
    "open_tickets",
    "region",
    "conflict",
)
_meta_of = attrgetter(*_META_FIELDS)
_pos_of = attrgetter("lat", "lon", "fix_ts", "speed_kmh")


def _meta_row(slot: int, trip_id: str, meta: tuple[Any, ...]) -> list[Any]:
    (sev, kind, plate, order_no, containers, seals, phase, origin, destination, open_tickets, region,
     conflict) = meta  # fmt: skip
    return [
        slot,
        trip_id,
        SEVERITY_CODE.get(sev, 0),
        1 if kind == "passive" else 0,
        plate or "",
        order_no or "",
        " ".join(containers),
        " ".join(seals),
        phase,
        origin or "",
        destination or "",
        open_tickets,
        region,
        1 if conflict else 0,
    ]


def _e6(values: np.ndarray, limit: float) -> np.ndarray:
    """Micro-degrees; NO_FIX where missing (NaN) or impossible."""
    ok = np.abs(values) <= limit  # False for NaN
    return np.where(ok, np.round(np.where(ok, values, 0.0) * 1e6), NO_FIX).astype(np.int32)


def _int32(values: np.ndarray) -> np.ndarray:
    """Whole numbers that fit the batch arrays; NO_VALUE where missing or too big."""
    ok = np.abs(values) <= _INT32_MAX
    return np.where(ok, np.round(np.where(ok, values, 0.0)), NO_VALUE).astype(np.int32)


def _b64(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype="<i4").tobytes()).decode("ascii")


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
        self._sent_meta: dict[str, tuple[Any, ...]] = {}
        self._sent_pos: dict[str, tuple[Any, ...]] = {}
        self._trail_last: dict[str, float] = {}
        self._views: dict[str, TripView] = {}
        self._replay: list[str] = []  # trips to describe afresh (the page was reloaded)
        self._trail: dict[str, list[tuple[float, float, float]]] = {}
        self._removed: list[int] = []

    # -- feed side ---------------------------------------------------------------------------
    def merge(self, delta: FeedDelta) -> None:
        """Fold one feed delta into the pending batch (cheap: it keeps the latest view per trip)."""
        for trip_id in delta.removed:
            self._remove(trip_id)
        views = self._views
        for view in delta.changed:
            views[view.trip_id] = view
        for trip_id, points in delta.trail.items():
            if trip_id in self._slots or trip_id in views:
                self._add_trail(trip_id, points)

    def _remove(self, trip_id: str) -> None:
        self._views.pop(trip_id, None)
        self._trail.pop(trip_id, None)
        self._trail_last.pop(trip_id, None)
        slot = self._slots.pop(trip_id, None)
        if slot is None:
            return
        self._removed.append(slot)
        self._free.append(slot)
        self._sent_meta.pop(trip_id, None)
        self._sent_pos.pop(trip_id, None)

    def _add_trail(self, trip_id: str, points: list[TrailPoint]) -> None:
        last = self._trail_last.get(trip_id, -math.inf)
        pending = self._trail.get(trip_id)
        for p in points:
            if not (p.ts >= last + self.trail_spacing and abs(p.ts) < _INT32_MAX):
                continue  # also drops NaN times
            if not (abs(p.lat) <= 90.0 and abs(p.lon) <= 180.0):
                continue  # also drops NaN coordinates
            last = p.ts
            if pending is None:
                pending = self._trail[trip_id] = []
            pending.append((p.ts, p.lat, p.lon))
        self._trail_last[trip_id] = last

    def _tick(self, ts: float) -> None:
        if math.isfinite(ts) and abs(ts) < _INT32_MAX:
            if self.base is None:
                self.base = math.floor(ts)
            if self.now is None or ts > self.now:
                self.now = ts

    # -- timer side ----------------------------------------------------------------------------
    def has_pending(self) -> bool:
        return bool(self._views or self._trail or self._removed or self._replay)

    def slot_of(self, trip_id: str) -> int | None:
        return self._slots.get(trip_id)

    @property
    def trip_count(self) -> int:
        return len(self._slots | self._views.keys())

    def build(self) -> str | None:
        """The pending changes as one batch text, or None when nothing changed; clears them."""
        if not self.has_pending():
            return None
        slots, free, sent_meta, sent_pos = self._slots, self._free, self._sent_meta, self._sent_pos
        meta_rows: list[list[Any]] = []
        moved_slots: list[int] = []
        moved: list[tuple[Any, ...]] = []
        live_times: list[float] = []  # device times of active trips: the trail window follows them
        for trip_id in self._replay:
            if trip_id in self._views:  # described below as new
                sent_meta.pop(trip_id, None)
                sent_pos.pop(trip_id, None)
            elif trip_id in slots:
                meta_rows.append(_meta_row(slots[trip_id], trip_id, sent_meta[trip_id]))
                moved_slots.append(slots[trip_id])
                moved.append(sent_pos[trip_id])
        self._replay = []
        for trip_id, view in self._views.items():
            slot = slots.get(trip_id)
            if slot is None:
                slot = slots[trip_id] = free.pop() if free else self._take_slot()
            meta = _meta_of(view)
            if sent_meta.get(trip_id) != meta:
                sent_meta[trip_id] = meta
                meta_rows.append(_meta_row(slot, trip_id, meta))
            pos = _pos_of(view)
            if sent_pos.get(trip_id) != pos:
                sent_pos[trip_id] = pos
                moved_slots.append(slot)
                moved.append(pos)
                if view.kind == "active" and pos[2] is not None:
                    live_times.append(pos[2])
        live_times.extend(ts for points in self._trail.values() for ts, _lat, _lon in points)
        finite = [ts for ts in live_times if abs(ts) < _INT32_MAX]  # also drops NaN
        if finite:
            self._tick(max(finite))
        base = self.base or 0
        positions = np.empty((len(moved), 5), dtype=np.int32)
        if moved:
            raw = np.array(moved, dtype=float)  # None -> NaN
            lat, lon = _e6(raw[:, 0], 90.0), _e6(raw[:, 1], 180.0)
            unlocated = (lat == NO_FIX) | (lon == NO_FIX)
            positions[:, 0] = moved_slots
            positions[:, 1] = np.where(unlocated, NO_FIX, lat)
            positions[:, 2] = np.where(unlocated, NO_FIX, lon)
            positions[:, 3] = _int32(raw[:, 2] - base)
            positions[:, 4] = _int32(raw[:, 3] * 10)
        cutoff = (self.now or 0.0) - self.trail_seconds
        trail_rows = [
            (slots[trip_id], ts, lat, lon)
            for trip_id, points in self._trail.items()
            for ts, lat, lon in points
            if ts >= cutoff
        ]
        trail = np.empty((len(trail_rows), 4), dtype=np.int32)
        if trail_rows:
            raw = np.array(trail_rows, dtype=float)
            trail[:, 0] = raw[:, 0]
            trail[:, 1] = np.round(raw[:, 1] - base)
            trail[:, 2] = np.round(raw[:, 2] * 1e6)
            trail[:, 3] = np.round(raw[:, 3] * 1e6)
        batch = {
            "b": base,
            "t": round(self.now) - base if self.now is not None else 0,
            "rm": self._removed,
            "m": meta_rows,
            "p": _b64(positions),
            "tr": _b64(trail),
        }
        self._views, self._trail, self._removed = {}, {}, []
        return json.dumps(batch, ensure_ascii=False, separators=(",", ":"))

    def _take_slot(self) -> int:
        self._next_slot += 1
        return self._next_slot - 1

    def resync(self) -> None:
        """The page was reloaded: the next batch describes every trip afresh (from what was sent).

        Trails restart from the next points.
        """
        self._replay = list(self._sent_meta)
        self._trail.clear()
        self._trail_last.clear()
        self._removed.clear()
