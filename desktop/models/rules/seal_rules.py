"""Rules on active seals: A01, A03, A06, A10."""

from __future__ import annotations

from typing import Any, ClassVar

from desktop.models.geo import haversine_m, surely_within_m
from desktop.models.rules.base import RuleContext
from desktop.models.trips import Progress
from desktop.models.validation import SEAL_EVENT, SEAL_STATUS, Envelope


class SealPinAbnormalRule:
    """A01 封條異常(插銷異常): in transit, a seal status reports ``pin: abnormal``."""

    code: ClassVar[str] = "A01"
    kinds: ClassVar[frozenset[str]] = frozenset({SEAL_STATUS})

    def observe(self, ctx: RuleContext, env: Envelope, changed: Progress) -> None:
        msg: Any = env.msg
        seal = ctx.trip.progress.seals.get(msg.seal_id)
        in_transit = ctx.trip.progress.in_transit(env.ts)
        if msg.pin == "abnormal" and seal is not None and seal.released_ts is None and in_transit:
            ctx.emit(self.code, msg.seal_id, env.ts, "seal status pin: abnormal in transit")


class SealSeparatedRule:
    """A03 封條連續脫離: the seal's own position is far from its OBU's, several times running.

    Compared with the latest OBU fix at or before the status, at most ``obu_fix_window_s``
    old. A status without a position, or with no such fix, neither counts nor breaks the run.
    """

    code: ClassVar[str] = "A03"
    kinds: ClassVar[frozenset[str]] = frozenset({SEAL_STATUS})

    def observe(self, ctx: RuleContext, env: Envelope, changed: Progress) -> None:
        msg: Any = env.msg
        p = ctx.trip.progress
        fix = p.last_fix
        if not ctx.trip.has_obu or not isinstance(msg.lat, float) or not isinstance(msg.lon, float):
            return
        if fix is None or env.ts - fix[0] > ctx.limits.obu_fix_window_s:
            return
        if msg.seal_id not in p.seals or not p.in_transit(env.ts):
            return
        runs: dict[str, int] = ctx.state(self.code, dict)
        limit = ctx.limits.seal_separation_m
        if surely_within_m(msg.lat, msg.lon, fix[1], fix[2], limit):
            runs[msg.seal_id] = 0
            return
        distance = haversine_m(msg.lat, msg.lon, fix[1], fix[2])
        if distance <= limit:
            runs[msg.seal_id] = 0
            return
        runs[msg.seal_id] = run = runs.get(msg.seal_id, 0) + 1
        if run >= ctx.limits.seal_separation_count:
            ctx.emit(self.code, msg.seal_id, env.ts, f"seal {distance:.0f} m from its OBU ({run} in a row)")


class SealBrokenRule:
    """A06 封條破壞: after sealing and before release, ``pin: cut``, ``state: open`` or tamper."""

    code: ClassVar[str] = "A06"
    kinds: ClassVar[frozenset[str]] = frozenset({SEAL_STATUS, SEAL_EVENT})

    def observe(self, ctx: RuleContext, env: Envelope, changed: Progress) -> None:
        msg: Any = env.msg
        seal = ctx.trip.progress.seals.get(msg.seal_id)
        if seal is None or not seal.guarded_at(env.ts):
            return
        if env.kind == SEAL_STATUS:
            if msg.pin == "cut":
                detail = "seal status pin: cut"
            elif msg.state == "open":
                detail = "seal status state: open"
            else:
                return
        elif msg.event == "tamper":
            detail = "seal event: tamper"
        else:
            return
        ctx.emit(self.code, msg.seal_id, env.ts, detail)


class SealLowBatteryRule:
    """A10 封條低電量: a seal of the trip, sealed and not released, reports a low battery."""

    code: ClassVar[str] = "A10"
    kinds: ClassVar[frozenset[str]] = frozenset({SEAL_STATUS})

    def observe(self, ctx: RuleContext, env: Envelope, changed: Progress) -> None:
        msg: Any = env.msg
        seal = ctx.trip.progress.seals.get(msg.seal_id)
        if seal is None or msg.battery_pct >= ctx.limits.low_battery_pct:
            return
        if seal.guarded_at(env.ts):
            ctx.emit(self.code, msg.seal_id, env.ts, f"seal battery {msg.battery_pct:g} %")


SEAL_RULES = (SealPinAbnormalRule(), SealSeparatedRule(), SealBrokenRule(), SealLowBatteryRule())
