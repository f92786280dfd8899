"""View records handed from the pipeline side to the GUI (map, trip detail, search).

They are immutable snapshots: the GUI never holds a reference into the pipeline's mutable state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SeverityName = Literal["critical", "high", "medium", "low"]
SealKind = Literal["active", "passive"]


@dataclass(frozen=True, slots=True)
class TrailPoint:
    """One point of a vehicle's trail (device time, WGS84)."""

    ts: float
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class TripView:
    """A trip as the map and the detail panel show it.

    ``lat``/``lon`` are the last *reported* position (for a passive-seal trip: the departure
    read); they are ``None`` when nothing located has been heard. A position is never estimated.
    ``conflict``: a ticket of the trip has an unresolved CONFLICT (two consoles decided it
    differently; ``Ticket.conflicts``), which a supervisor must resolve.
    """

    trip_id: str
    order_no: str | None
    region: str
    kind: SealKind
    phase: str  # e.g. "planned", "in_transit", "arrived", "completed", "cancelled"
    plate: str | None
    driver: str | None
    containers: tuple[str, ...]
    seals: tuple[str, ...]
    origin: str | None  # site code
    destination: str | None  # site code
    deadline: float | None  # epoch seconds
    lat: float | None
    lon: float | None
    fix_ts: float | None  # device time of the last position
    speed_kmh: float | None
    worst_severity: SeverityName | None  # of the trip's open tickets
    open_tickets: int = 0
    conflict: bool = False


@dataclass(slots=True)
class FeedDelta:
    """What changed since the previous poll."""

    changed: list[TripView] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # trip ids no longer shown
    trail: dict[str, list[TrailPoint]] = field(default_factory=dict)  # new points per trip id
