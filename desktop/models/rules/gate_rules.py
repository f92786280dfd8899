"""A11 出哨未儀檢: a gate pass whose required radiation/X-ray scan (儀檢) was not done."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from desktop.models.catalogue import HandlingUnit, handling_unit
from desktop.models.ticketbook import Finding
from desktop.models.trips import Trip
from desktop.models.validation import Envelope
from desktop.models.wire import GatePass


class GateNoScanRule:
    """A11: ``scan_required: true`` with ``scanned: false``. Subject ``{gate_id}#{seq}``;
    the order is the open order holding one of the pass's containers, if any."""

    code: ClassVar[str] = "A11"

    def evaluate(self, env: Envelope, trip: Trip | None) -> Finding | None:
        msg = env.msg
        if not isinstance(msg, GatePass) or not msg.scan_required or msg.scanned:
            return None
        return Finding(
            self.code,
            trip.order_no if trip else None,
            f"{msg.gate_id}#{msg.seq}",
            env.ts,
            trip.region if trip else env.region,
            f"gate {msg.direction} pass at {msg.site_code} without the required scan",
            self.handling(msg, trip),
        )

    def handling(self, msg: GatePass, trip: Trip | None) -> HandlingUnit:
        """Origin office for an ``out`` pass, destination office for ``in`` (§6.4)."""
        origin = trip.origin.code if trip else msg.site_code
        dest = trip.dest.code if trip else msg.site_code
        return handling_unit(self.code, origin, dest, msg.direction)

    def handling_for(self, direction: str, trip: Trip) -> HandlingUnit:
        """The handling unit of a pass in ``direction`` once its order is known."""
        return handling_unit(self.code, trip.origin.code, trip.dest.code, direction)


def choose_gate_owner(env: Envelope, holders: Iterable[Trip]) -> Trip | None:
    """The open order a gate pass belongs to, among the orders holding one of its containers.

    Preference, so that the answer depends only on the orders known, not on arrival order: an
    order whose origin (``out``) or destination (``in``) is the pass's site, then the latest one
    issued at or before the pass, then the earliest after it. Cancelled orders never.
    """
    msg: Any = env.msg
    candidates = [t for t in holders if not t.cancelled]
    if not candidates:
        return None
    at_site = [
        t for t in candidates if (t.origin if msg.direction == "out" else t.dest).code == msg.site_code
    ]
    pool = at_site or candidates
    before = [t for t in pool if t.order.ts.timestamp() <= env.ts]
    if before:
        return max(before, key=lambda t: (t.order.ts, t.order_no))
    return min(pool, key=lambda t: (t.order.ts, t.order_no))
