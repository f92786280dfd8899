"""Rules on the trip as a whole: A07, A08/S3, T1, S2, S4."""

from __future__ import annotations

from typing import Any, ClassVar

from desktop.models.rules.base import RuleContext
from desktop.models.timeutil import format_rfc3339
from desktop.models.trips import Progress
from desktop.models.validation import GATE_PASS, NFC_READ, Envelope

ANY_KIND: frozenset[str] = frozenset()


class DepartedUnsealedRule:
    """A07 出站未加封: an active-seal trip departs while any active seal is not sealed."""

    code: ClassVar[str] = "A07"
    kinds: ClassVar[frozenset[str]] = ANY_KIND

    def observe(self, ctx: RuleContext, env: Envelope, changed: Progress) -> None:
        trip = ctx.trip
        if not changed.departed or not trip.is_active:
            return
        missing = sorted(
            s.seal_id for s in trip.progress.seals.values() if s.is_active and s.sealed_ts is None
        )
        if missing:
            ctx.emit(self.code, trip.order_no, env.ts, "departed with unsealed seal(s) " + ", ".join(missing))


class LateArrivalRule:
    """A08 到站逾時 (active) / S3 逾時進站 (passive): arrived after the deadline."""

    code: ClassVar[str] = "A08"
    passive_code: ClassVar[str] = "S3"
    kinds: ClassVar[frozenset[str]] = ANY_KIND

    def observe(self, ctx: RuleContext, env: Envelope, changed: Progress) -> None:
        trip = ctx.trip
        deadline = trip.deadline
        t_arr = trip.progress.t_arr
        if not changed.arrived or deadline is None or t_arr is None or t_arr <= deadline:
            return
        late_min = (t_arr - deadline) / 60.0
        code = self.code if trip.is_active else self.passive_code
        ctx.emit(
            code,
            trip.order_no,
            t_arr,
            f"arrived {late_min:.0f} min after the deadline {format_rfc3339(deadline)}",
        )


class ImplausibleTransitRule:
    """T1 運送時間不合理: arrived sooner than the straight-line distance allows."""

    code: ClassVar[str] = "T1"
    kinds: ClassVar[frozenset[str]] = ANY_KIND

    def observe(self, ctx: RuleContext, env: Envelope, changed: Progress) -> None:
        trip = ctx.trip
        p = trip.progress
        if not changed.arrived or p.t_dep is None or p.t_arr is None:
            return
        metres = ctx.sites.distance_m(trip.origin.code, trip.dest.code)
        fastest_s = metres / (ctx.limits.plausible_speed_kmh / 3.6)
        took_s = p.t_arr - p.t_dep
        if took_s < fastest_s:
            ctx.emit(
                self.code,
                trip.order_no,
                p.t_arr,
                f"{metres / 1000:.1f} km in {took_s / 60:.1f} min; at "
                f"{ctx.limits.plausible_speed_kmh:g} km/h it takes at least {fastest_s / 60:.1f} min",
            )


class DepartureNotReadRule:
    """S2 出站未讀取: a passive seal moves (gate out at origin, arrival read, gate in at the
    destination) with no departure read before it."""

    code: ClassVar[str] = "S2"
    kinds: ClassVar[frozenset[str]] = frozenset({GATE_PASS, NFC_READ})

    def observe(self, ctx: RuleContext, env: Envelope, changed: Progress) -> None:
        trip = ctx.trip
        msg: Any = env.msg
        seals = trip.progress.seals
        if env.kind == NFC_READ:
            if msg.kind != "arrival":
                return
            moving = [seals[msg.seal_id]] if msg.seal_id in seals else []
            how = f"arrival read at {msg.site_code}"
        else:
            at_origin = msg.direction == "out" and msg.site_code == trip.origin.code
            at_dest = msg.direction == "in" and msg.site_code == trip.dest.code
            if not (at_origin or at_dest):
                return
            numbers = set(msg.container_nos)
            moving = [s for s in seals.values() if s.container_no in numbers]
            how = f"gate {msg.direction} pass at {msg.gate_id}"
        unread = sorted(s.container_no for s in moving if not s.is_active and s.sealed_ts is None)
        if unread:
            ctx.emit(
                self.code, trip.order_no, env.ts, f"{how} before a departure read of {', '.join(unread)}"
            )


class ReaderNotAuthorisedRule:
    """S4 進站讀取人員不符: an arrival read by an officer not on the destination's roster, or
    at a site other than the destination. Without a roster only the site is checked."""

    code: ClassVar[str] = "S4"
    kinds: ClassVar[frozenset[str]] = frozenset({NFC_READ})

    def observe(self, ctx: RuleContext, env: Envelope, changed: Progress) -> None:
        msg: Any = env.msg
        trip = ctx.trip
        if msg.kind != "arrival" or msg.seal_id not in trip.progress.seals:
            return
        dest = trip.dest.code
        if msg.site_code != dest:
            ctx.emit(self.code, trip.order_no, env.ts, f"arrival read at {msg.site_code}, not at {dest}")
        elif ctx.roster and msg.officer_id not in ctx.roster.get(dest, frozenset()):
            ctx.emit(
                self.code, trip.order_no, env.ts, f"officer {msg.officer_id} is not on the roster of {dest}"
            )


TRIP_RULES = (
    DepartedUnsealedRule(),
    LateArrivalRule(),
    ImplausibleTransitRule(),
    DepartureNotReadRule(),
    ReaderNotAuthorisedRule(),
)
