"""Late input re-folds a trip from its latest checkpoint and reaches the same tickets as
in-order delivery (store-and-forward, protocol §2)."""

from __future__ import annotations

import pytest

from desktop.models.catalogue import FOLD_CODES
from desktop.models.trips import CHECKPOINT_EVERY
from tests.helpers import Harness, T, route


def long_trip(
    h: Harness, *, late: set[int] | frozenset[int] = frozenset(), deliver_late_at: float = 0
) -> None:
    """An active trip of ~200 log entries with pin-abnormal, low-battery and power-cut stretches.
    Messages whose running number is in ``late`` are held back and delivered at the end."""
    held: list[tuple[str, dict[str, object]]] = []
    h.depart_active(1)
    points = route(100)
    n = 0
    for i, (lat, lon) in enumerate(points[1:], 1):
        m = 3 + i * 0.25
        for kind in ("fix", "status"):
            n += 1
            if kind == "fix":
                args = {"minutes": m, "lat": lat, "lon": lon, "ext_power": not 40 <= i < 45}
            else:
                args = {
                    "minutes": m,
                    "pos": (lat, lon),
                    "pin": "abnormal" if 20 <= i < 30 or i == 77 else "ok",
                    "battery": 15.0 if 60 <= i < 70 else 80.0,
                }
            if n in late:
                held.append((kind, args))
                continue
            (h.fix if kind == "fix" else h.status)(**args)  # type: ignore[arg-type]
    for kind, args in held:
        if kind == "fix":
            h.fix(**args, at=deliver_late_at, seq=None)  # type: ignore[arg-type]
        else:
            h.status(**args, at=deliver_late_at)  # type: ignore[arg-type]
    h.arrive_and_unseal(3 + 100 * 0.25 + 1)


def fold_state(h: Harness) -> tuple[object, ...]:
    trip = h.pipeline.trips["ORD-1"]
    p = trip.progress
    tickets = sorted(
        (t.id, t.code, t.occurrences, t.first_seen, t.last_seen, str(t.status), t.resolution)
        for t in h.tickets()
        if t.code in FOLD_CODES
    )
    return (p.t_dep, p.t_arr, p.t_complete, tickets)


@pytest.mark.parametrize("late", [{55}, {153}, {2, 90, 170}, set(range(100, 140))])
def test_held_back_messages_give_the_same_fold_tickets(late: set[int]) -> None:
    in_order, held = Harness(), Harness()
    long_trip(in_order)
    long_trip(held, late=late, deliver_late_at=3 + 100 * 0.25)
    assert held.pipeline.stats.rebuilds >= 1
    assert len(held.pipeline.trips["ORD-1"].log) > 4 * CHECKPOINT_EVERY
    assert fold_state(held) == fold_state(in_order)
    assert {"A01", "A04", "A10"} <= {t.code for t in in_order.tickets()}


def test_a_late_message_before_a_checkpoint_refolds_from_an_earlier_one() -> None:
    h = Harness()
    long_trip(h, late={3}, deliver_late_at=3 + 100 * 0.25)
    trip = h.pipeline.trips["ORD-1"]
    assert [c for c, _ in trip.checkpoints] == list(
        range(CHECKPOINT_EVERY, len(trip.log) + 1, CHECKPOINT_EVERY)
    )
    assert trip.progress.t_arr is not None and trip.progress.t_arr <= T(3 + 100 * 0.25 + 1)
    assert trip.phase == "completed"
