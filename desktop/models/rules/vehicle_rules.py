"""Rules on the vehicle's on-board unit: A04, A12, A13."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from desktop.models.geo import haversine_m, surely_within_m
from desktop.models.rules.base import RuleContext
from desktop.models.trips import Progress
from desktop.models.validation import TELEMETRY, Envelope


def _obu_fix(ctx: RuleContext, env: Envelope) -> Any | None:
    """The telemetry message if it is this trip's OBU with a usable fix."""
    msg: Any = env.msg
    if msg.obu_id != ctx.trip.obu_id or msg.fix == "none":
        return None
    return msg


class ObuPowerRemovedRule:
    """A04 車機拔除電源: in transit, telemetry with ``ext_power: false``."""

    code: ClassVar[str] = "A04"
    kinds: ClassVar[frozenset[str]] = frozenset({TELEMETRY})

    def observe(self, ctx: RuleContext, env: Envelope, changed: Progress) -> None:
        msg: Any = env.msg
        if not msg.ext_power and msg.obu_id == ctx.trip.obu_id and ctx.trip.progress.in_transit(env.ts):
            ctx.emit(self.code, msg.obu_id, env.ts, "OBU on its own battery (ext_power: false)")


@dataclass(slots=True)
class _StopState:
    since: float | None = None
    reported: bool = False
    last: tuple[float, float, float] | None = None  # ts, lat, lon of the previous fix

    def copy(self) -> _StopState:
        return _StopState(self.since, self.reported, self.last)


class UnscheduledStopRule:
    """A12 異常停留: in transit, slower than the limit for long enough outside every site.

    Speed is the reported ``speed_kmh``, or, when absent, derived from the previous fix.
    One occurrence per stop.
    """

    code: ClassVar[str] = "A12"
    kinds: ClassVar[frozenset[str]] = frozenset({TELEMETRY})

    def observe(self, ctx: RuleContext, env: Envelope, changed: Progress) -> None:
        msg = _obu_fix(ctx, env)
        if msg is None:
            return
        state: _StopState = ctx.state(self.code, _StopState)
        previous, state.last = state.last, (env.ts, msg.lat, msg.lon)
        if not ctx.trip.progress.in_transit(env.ts):
            state.since, state.reported = None, False
            return
        speed = msg.speed_kmh if isinstance(msg.speed_kmh, float) else None
        if speed is None and previous is not None and env.ts > previous[0]:
            metres = haversine_m(previous[1], previous[2], msg.lat, msg.lon)
            speed = metres / (env.ts - previous[0]) * 3.6
        slow = speed is not None and speed < ctx.limits.stop_speed_kmh
        if not slow or ctx.sites.in_any_site(msg.lon, msg.lat):
            state.since, state.reported = None, False
            return
        if state.since is None:
            state.since = env.ts
        minutes = (env.ts - state.since) / 60.0
        if not state.reported and minutes >= ctx.limits.stop_duration_min:
            state.reported = True
            ctx.emit(
                self.code,
                ctx.trip.order_no,
                env.ts,
                f"stopped {minutes:.0f} min outside any site at {msg.lat:.5f},{msg.lon:.5f}",
            )


class GnssJumpRule:
    """A13 定位跳躍: consecutive OBU fixes far apart at an impossible speed, in transit."""

    code: ClassVar[str] = "A13"
    kinds: ClassVar[frozenset[str]] = frozenset({TELEMETRY})

    def observe(self, ctx: RuleContext, env: Envelope, changed: Progress) -> None:
        msg = _obu_fix(ctx, env)
        if msg is None:
            return
        holder: list[tuple[float, float, float]] = ctx.state(self.code, list)
        previous = holder[0] if holder else None
        holder[:] = [(env.ts, msg.lat, msg.lon)]
        if previous is None or not ctx.trip.progress.in_transit(env.ts):
            return
        if surely_within_m(previous[1], previous[2], msg.lat, msg.lon, ctx.limits.jump_min_distance_m):
            return
        metres = haversine_m(previous[1], previous[2], msg.lat, msg.lon)
        if metres < ctx.limits.jump_min_distance_m:
            return
        seconds = env.ts - previous[0]
        kmh = float("inf") if seconds <= 0 else metres / seconds * 3.6
        if kmh > ctx.limits.jump_speed_kmh:
            speed = "instantly" if seconds <= 0 else f"in {seconds:.0f} s ({kmh:.0f} km/h)"
            ctx.emit(self.code, msg.obu_id, env.ts, f"position jumped {metres / 1000:.1f} km {speed}")


VEHICLE_RULES = (ObuPowerRemovedRule(), UnscheduledStopRule(), GnssJumpRule())
