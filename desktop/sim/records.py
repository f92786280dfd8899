"""What the simulator reports about its own traffic."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class TripRecord:
    """One transport order the simulator issued, for checking what the console made of it."""

    order_no: str
    region: str
    kind: str  # "active" or "passive"
    origin: str
    dest: str
    codes: tuple[str, ...]  # anomalies injected
    ordered_at: float
    completed_at: float | None = None  # device time of the completing message


@dataclass(slots=True)
class SimStats:
    """What the simulator has sent so far."""

    messages: int = 0
    duplicates: int = 0  # QoS 1 redeliveries (orders included)
    duplicate_orders: int = 0
    invalid: int = 0  # deliberately invalid messages (each is a quarantine record)
    orders: int = 0
    completed: int = 0
    injected: dict[str, int] = field(default_factory=dict)
