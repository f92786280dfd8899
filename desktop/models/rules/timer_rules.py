"""Rules fired by the console clock: A02, A05, A09/S7 (with escalation), S8.

Each rule says when it next wants to be checked (:meth:`next_due`) and, when checked,
emits what is due. What fired is remembered in ``trip.timer_state`` so a timer fires once
per episode (one silence, one deadline) and a trip rebuild does not fire it again.
"""

from __future__ import annotations

from typing import ClassVar

from desktop.models.catalogue import Severity
from desktop.models.rules.base import HeardLog, RuleContext
from desktop.models.timeutil import format_rfc3339


def _monitored(ctx: RuleContext) -> bool:
    """Departed, not completed, not cancelled: the trip is in transit by the console's view."""
    trip = ctx.trip
    return not trip.cancelled and trip.progress.t_dep is not None and trip.progress.t_complete is None


class VehicleLostRule:
    """A05 車輛失聯: in transit, the OBU sends nothing for the silence limit (console clock)."""

    code: ClassVar[str] = "A05"

    def next_due(self, ctx: RuleContext, heard: HeardLog, now: float) -> float | None:
        trip = ctx.trip
        if not trip.obu_id or not _monitored(ctx):
            return None
        heard_at = heard.heard_at("obu:" + trip.obu_id)
        if heard_at is None or trip.timer_state.get(self.code) == heard_at:
            return None
        return heard_at + ctx.limits.vehicle_silence_s

    def check(self, ctx: RuleContext, heard: HeardLog, now: float) -> None:
        due = self.next_due(ctx, heard, now)
        trip = ctx.trip
        if due is None or now < due or trip.obu_id is None:
            return
        device = "obu:" + trip.obu_id
        trip.timer_state[self.code] = heard.heard_at(device)
        last_ts = heard.last_ts(device) or now
        ctx.emit(
            self.code,
            trip.obu_id,
            last_ts + ctx.limits.vehicle_silence_s,
            f"OBU silent since {format_rfc3339(last_ts)}",
        )


class SealLostRule:
    """A02 封條失聯: a sealed seal that has reported since sealing goes silent while its OBU
    is still heard from (when the OBU is silent too, only A05 is raised)."""

    code: ClassVar[str] = "A02"

    def _due(self, ctx: RuleContext, heard: HeardLog, now: float) -> dict[str, float]:
        trip = ctx.trip
        if not trip.obu_id or not _monitored(ctx):
            return {}
        fired: dict[str, float] = trip.timer_state.setdefault(self.code, {})
        obu_heard = heard.heard_at("obu:" + trip.obu_id)
        obu_since = heard.heard_since("obu:" + trip.obu_id) or 0.0
        silence = ctx.limits.seal_silence_s
        due: dict[str, float] = {}
        for seal in trip.progress.seals.values():
            if not seal.is_active or seal.sealed_ts is None or seal.released_ts is not None:
                continue
            heard_at = heard.heard_at("seal:" + seal.seal_id)
            last_ts = heard.last_ts("seal:" + seal.seal_id)
            if heard_at is None or last_ts is None or last_ts <= seal.sealed_ts:
                continue  # has not reported since it was sealed
            if fired.get(seal.seal_id) == heard_at:
                continue
            # "while its OBU is still heard from": the seal's silence counts from when the
            # OBU (back from any silence of its own) is heard, the OBU reported during the
            # second half of it and is not silent itself. Two devices that fall silent
            # together (a vehicle out of coverage) are A05 only.
            start = max(heard_at, obu_since)
            obu_alive = (
                obu_heard is not None
                and obu_heard >= start + silence / 2
                and now - obu_heard < ctx.limits.vehicle_silence_s
            )
            when = start + silence
            if when > now or obu_alive:
                due[seal.seal_id] = when
        return due

    def next_due(self, ctx: RuleContext, heard: HeardLog, now: float) -> float | None:
        due = self._due(ctx, heard, now)
        return min(due.values()) if due else None

    def check(self, ctx: RuleContext, heard: HeardLog, now: float) -> None:
        fired: dict[str, float] = ctx.trip.timer_state.setdefault(self.code, {})
        for seal_id, when in sorted(self._due(ctx, heard, now).items()):
            if when > now:
                continue
            device = "seal:" + seal_id
            fired[seal_id] = heard.heard_at(device) or now
            last_ts = heard.last_ts(device) or now
            ctx.emit(
                self.code,
                seal_id,
                last_ts + ctx.limits.seal_silence_s,
                f"seal silent since {format_rfc3339(last_ts)} while its OBU reports",
            )


class OverdueRule:
    """A09 逾時未到站 (active) / S7 逾時未進站 (passive): not arrived at the deadline;
    escalated to critical when still not arrived ``overdue_escalation_h`` later."""

    code: ClassVar[str] = "A09"
    passive_code: ClassVar[str] = "S7"

    def _code(self, ctx: RuleContext) -> str:
        return self.code if ctx.trip.is_active else self.passive_code

    def next_due(self, ctx: RuleContext, heard: HeardLog, now: float) -> float | None:
        trip = ctx.trip
        deadline = trip.deadline
        state = trip.timer_state.get(self.code)
        if trip.cancelled or deadline is None or trip.progress.t_complete is not None:
            return None
        if state is None:
            return deadline
        if state == "fired":
            return deadline + ctx.limits.overdue_escalation_h * 3600.0
        return None

    def check(self, ctx: RuleContext, heard: HeardLog, now: float) -> None:
        trip = ctx.trip
        deadline = trip.deadline
        due = self.next_due(ctx, heard, now)
        if deadline is None or due is None or now < due:
            return
        t_arr = trip.progress.t_arr
        code = self._code(ctx)
        if trip.timer_state.get(self.code) is None:
            if t_arr is not None and t_arr <= deadline:
                trip.timer_state[self.code] = "done"
                return
            trip.timer_state[self.code] = "fired"
            ctx.emit(code, trip.order_no, deadline, f"not arrived by the deadline {format_rfc3339(deadline)}")
            return
        trip.timer_state[self.code] = "done"
        if t_arr is None or t_arr > due:
            hours = ctx.limits.overdue_escalation_h
            ctx.escalate(
                code, trip.order_no, Severity.CRITICAL, f"still not arrived {hours:g} h after the deadline"
            )


class ArrivalNotReadRule:
    """S8 未到站讀取: an ``in`` gate pass at the destination with no arrival read in time."""

    code: ClassVar[str] = "S8"

    def next_due(self, ctx: RuleContext, heard: HeardLog, now: float) -> float | None:
        trip = ctx.trip
        gate_in = trip.progress.dest_in_gate
        if trip.cancelled or gate_in is None or self.code in trip.timer_state:
            return None
        if all(s.is_active for s in trip.progress.seals.values()):
            return None
        return gate_in + ctx.limits.arrival_read_window_min * 60.0

    def check(self, ctx: RuleContext, heard: HeardLog, now: float) -> None:
        due = self.next_due(ctx, heard, now)
        if due is None or now < due:
            return
        trip = ctx.trip
        trip.timer_state[self.code] = due
        read = trip.progress.first_arrival_read
        if read is None or read > due:
            window = ctx.limits.arrival_read_window_min
            ctx.emit(
                self.code, trip.order_no, due, f"no arrival read within {window:g} min of the gate-in pass"
            )


TIMER_RULES = (SealLostRule(), VehicleLostRule(), OverdueRule(), ArrivalNotReadRule())
