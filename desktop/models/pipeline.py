"""The pipeline: wire → validate → dedup → trips → rules → tickets (one-way).

:class:`Pipeline` is the single domain entry point used by the live console and by
``jmc-console replay`` alike. It never raises on wire input: rejected messages are
quarantined, a failing rule is logged and counted, and the other rules go on.
"""

from __future__ import annotations

import heapq
import logging
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any, Final

from desktop.models.catalogue import AUTO_CLOSE_BLOCKERS, Severity
from desktop.models.clock import Clock, SystemClock
from desktop.models.config import RuleConfig
from desktop.models.dedup import DuplicateFilter
from desktop.models.heard import DeviceHeardLog
from desktop.models.routing import TripRouter
from desktop.models.rules import FOLD_RULES, TIMER_RULES, FoldRule, GateNoScanRule, RuleContext
from desktop.models.rules.gate_rules import choose_gate_owner
from desktop.models.sites import Roster, SiteIndex
from desktop.models.ticket import Ticket
from desktop.models.ticketbook import Finding, TicketBook
from desktop.models.trips import Progress, Trip, step
from desktop.models.validation import (
    GATE_PASS,
    ORDER,
    TELEMETRY,
    Envelope,
    QuarantineRecord,
    WireValidator,
)
from desktop.models.wire import TransportOrder

log = logging.getLogger(__name__)

ACCEPTED: Final = "accepted"
REJECTED: Final = "rejected"
DUPLICATE: Final = "duplicate"
_RETAIN_ENDED_S: Final = 24 * 3600.0
_AUTO_CLOSE_REASON: Final = (
    "自動結案: trip completed with every seal unsealed normally inside the destination and "
    "no A06/A07/A12/A13/T1 on the trip"
)


@dataclass(slots=True)
class PipelineStats:
    """Counters an operator sees in the status bar."""

    accepted: int = 0
    rejected: int = 0
    orders_seen: int = 0  # order messages accepted, amendments and re-sends included
    stale_orders: int = 0
    rebuilds: int = 0
    internal_errors: int = 0
    retired_trips: int = 0
    rule_errors: Counter[str] = field(default_factory=Counter)


class Pipeline:
    """Turns field messages into tickets exactly as protocol §5-6 define them.

    Args:
        sites: the sites and gates.
        roster: officers authorised per site (S4); empty disables the roster check.
        config: rule thresholds per region.
        clock: the console clock; every timer reads it and nothing else.
        quarantine_limit: keep at most this many rejected messages in memory (``None``: all).
    """

    def __init__(
        self,
        sites: SiteIndex,
        roster: Roster | None = None,
        config: RuleConfig | None = None,
        clock: Clock | None = None,
        quarantine_limit: int | None = None,
    ) -> None:
        self.sites = sites
        self.roster: Roster = roster or {}
        self.config = config or RuleConfig()
        self.clock: Clock = clock or SystemClock()
        self.validator = WireValidator(sites.sites, {g.gate_id: g.site_code for g in sites.gates.values()})
        self.dedup = DuplicateFilter()
        self.book = TicketBook(self.config.signoff_minimum)
        self.quarantine: deque[QuarantineRecord] = deque(maxlen=quarantine_limit)
        self.stats = PipelineStats()
        self.router = TripRouter()
        self.trips: dict[str, Trip] = self.router.trips
        self._ctx: dict[str, RuleContext] = {}
        self._gate_tickets: dict[str, list[tuple[Ticket, Envelope]]] = {}
        self.heard = DeviceHeardLog(self.config.defaults.vehicle_silence_s)
        self._timers: list[tuple[float, int, str, int]] = []
        self._timer_seq = 0
        self._ended: deque[tuple[float, str]] = deque()
        self._folding: tuple[Trip, int] | None = None  # the trip and log position being folded
        #: order numbers of trips that took a message, were (re)created or retired since a reader
        #: last drained the set; ``None`` (the default) records nothing (see desktop/live/feed.py)
        self.changed_trips: set[str] | None = None
        #: completed or cancelled trips are kept this long (console clock) for late messages
        self.retain_ended_s = _RETAIN_ENDED_S
        self._now = self.clock.now()
        #: the envelope of the latest accepted message (``received_at`` is the clock reading it
        #: was processed at): what the store's message journal records (desktop/store/journal.py)
        self.last_accepted: Envelope | None = None
        self._gate_rule = GateNoScanRule()
        self._by_kind: dict[str, list[FoldRule]] = {}
        self._phase_rules: list[FoldRule] = [r for r in FOLD_RULES if not r.kinds]
        for rule in FOLD_RULES:
            for kind in rule.kinds:
                self._by_kind.setdefault(kind, []).append(rule)

    # -- input -----------------------------------------------------------------------------

    @property
    def duplicates(self) -> int:
        return self.dedup.duplicates

    @property
    def console_time(self) -> float:
        """The console time processed so far: the messages taken and the timers fired up to it
        (the store records it with each commit; a restart replays up to it)."""
        return self._now

    def set_clock(self, clock: Clock) -> None:
        """Read the console time from ``clock`` from now on.

        Before the first message the pipeline's "now" starts over at ``clock.now()`` (a journal
        replay starts in the past); afterwards it never runs backwards.
        """
        self.clock = clock
        if self.stats.accepted == self.stats.rejected == self.dedup.duplicates == 0 and not self._timers:
            self._now = clock.now()

    def ingest(self, topic: str, raw: bytes) -> str:
        """Process one MQTT message at the clock's current time; return what became of it."""
        now = self.clock.now()
        if self._timers and self._timers[0][0] <= now:
            self.advance(now)
        elif now > self._now:
            self._now = now
        result = self.validator.validate(topic, raw, now)
        if isinstance(result, QuarantineRecord):
            self.quarantine.append(result)
            self.stats.rejected += 1
            return REJECTED
        env = result
        if env.kind != ORDER:
            if self.dedup.check_and_remember(env.device, env.seq):
                return DUPLICATE
            self.heard.record(env.device, now, env.ts)
        self.last_accepted = env
        self.stats.accepted += 1
        try:
            if env.kind == ORDER:
                self.stats.orders_seen += 1
                self._on_order(env)
            else:
                self._deliver(env)
        except Exception:
            self.stats.internal_errors += 1
            log.exception("pipeline error on %s", topic)
        return ACCEPTED

    def advance(self, now: float | None = None) -> None:
        """Fire every timer due at or before ``now`` (default: the clock), in due order."""
        now = self.clock.now() if now is None else now
        timers = self._timers
        while timers and timers[0][0] <= now:
            due, _, order_no, index = heapq.heappop(timers)
            trip = self.trips.get(order_no)
            rule = TIMER_RULES[index]
            if trip is None or trip.scheduled.get(rule.code) != due:
                continue
            del trip.scheduled[rule.code]
            self._now = max(self._now, due)
            ctx = self._ctx[order_no]
            try:
                rule.check(ctx, self.heard, due)
            except Exception:
                self._rule_failed(rule.code, order_no)
            self._schedule(trip, (index,), due)
        self._now = max(self._now, now)
        ended = self._ended
        while ended and ended[0][0] + self.retain_ended_s <= now:
            ended_at, order_no = ended.popleft()
            trip = self.trips.get(order_no)
            if trip is not None and trip.ended_at == ended_at:
                self._retire(trip)

    def _note_end(self, trip: Trip) -> None:
        """Remember when (console clock) a trip completed or was cancelled, to retire it later."""
        ended = trip.cancelled or trip.progress.t_complete is not None
        if ended and trip.ended_at is None:
            trip.ended_at = self._now
            self._ended.append((self._now, trip.order_no))
        elif not ended:
            trip.ended_at = None

    def _retire(self, trip: Trip) -> None:
        """Forget a trip that ended long ago (its tickets stay in the book)."""
        self.router.remove(trip)
        del self._ctx[trip.order_no]
        self.stats.retired_trips += 1
        if self.changed_trips is not None:
            self.changed_trips.add(trip.order_no)

    # -- orders ----------------------------------------------------------------------------

    def _on_order(self, env: Envelope) -> None:
        order: Any = env.msg
        assert isinstance(order, TransportOrder)
        existing = self.trips.get(order.order_no)
        if existing is not None:
            if order.ts < existing.order.ts:
                self.stats.stale_orders += 1
                return
            if order == existing.order:
                return
        origin, dest = self.sites.sites[order.origin_site], self.sites.sites[order.dest_site]
        trip = Trip(order, env.region, origin, dest, existing.opened_ts if existing else None)
        trip.lookback_s = self.config.for_region(trip.region).order_lookback_min * 60.0
        entries = self.router.gather(trip, existing)
        if existing is not None:
            trip.timer_state = existing.timer_state
            trip.scheduled = existing.scheduled
            self.router.remove(existing)
        self._ctx[trip.order_no] = RuleContext(
            trip, self.config.for_region(trip.region), self.sites, self.roster, self._emit, self._escalate
        )
        self.router.add(trip)
        if self.changed_trips is not None:
            self.changed_trips.add(trip.order_no)
        for entry in sorted(entries, key=lambda e: e.key):
            trip.insert(entry)
        self._rebuild(trip)
        self._relink_gate_tickets(trip)

    # -- routing ---------------------------------------------------------------------------

    def _deliver(self, env: Envelope) -> None:
        targets = self.router.targets(env)
        if env.kind == GATE_PASS:
            self._raise_gate_ticket(env)
        for trip in targets:
            self._feed(trip, env)

    def _feed(self, trip: Trip, env: Envelope) -> None:
        if self.changed_trips is not None:
            self.changed_trips.add(trip.order_no)
        position = trip.insert(env)
        if position < len(trip.log) - 1:
            self.stats.rebuilds += 1
            self._rebuild(trip, position)
            return
        changed = self._fold(trip, position, env)
        self._settle_closure(trip)
        if changed.completed:
            self._note_end(trip)
        if _any(changed) or env.kind not in _SILENCE_TIMERS_FOR:
            self._schedule(trip, _ALL_TIMERS)
        else:
            # silence timers only move later when a device is heard: a pending one stays valid
            scheduled = trip.scheduled
            pending = tuple(i for i in _SILENCE_TIMERS_FOR[env.kind] if _TIMER_CODES[i] not in scheduled)
            if pending:
                self._schedule(trip, pending)

    def _fold(self, trip: Trip, position: int, env: Envelope) -> Progress:
        """Fold the log entry at ``position`` and run the fold rules on it."""
        self._folding = (trip, position)
        trip.before_fold(position, env.ts)
        changed = step(trip, env)
        self._observe(trip, env, changed)
        self._folding = None
        trip.checkpoint(position + 1)
        return changed

    def _observe(self, trip: Trip, env: Envelope, changed: Progress) -> None:
        ctx = self._ctx[trip.order_no]
        for rule in self._by_kind.get(env.kind, ()):
            try:
                rule.observe(ctx, env, changed)
            except Exception:
                self._rule_failed(rule.code, trip.order_no)
        if _any(changed):
            for rule in self._phase_rules:
                try:
                    rule.observe(ctx, env, changed)
                except Exception:
                    self._rule_failed(rule.code, trip.order_no)

    def _rebuild(self, trip: Trip, position: int = 0) -> None:
        """Re-fold the trip from the latest snapshot before ``position`` (late input) and
        reconcile its tickets with everything the fold finds."""
        before = trip.progress.milestones()
        folded = trip.restore(position)
        if self.book.for_order(trip.order_no):
            with self.book.rebuild(trip.order_no, self._now):
                for _, finding in trip.findings:  # found before the snapshot: still true
                    self.book.add(finding, self._now)
                self._refold(trip, folded)
        else:  # nothing to reconcile: whatever the fold finds is new
            self._refold(trip, folded)
        self._note_end(trip)
        if trip.progress.milestones() != before or position == 0:
            self._schedule(trip, _ALL_TIMERS)
        else:
            self._schedule(trip, _SILENCE_TIMERS)

    def _refold(self, trip: Trip, start: int) -> None:
        log = trip.log
        for index in range(start, len(log)):  # a cancelled trip keeps what it had
            self._fold(trip, index, log[index][1])
        self._settle_closure(trip)

    def _rule_failed(self, code: str, order_no: str) -> None:
        self.stats.rule_errors[code] += 1
        log.exception("rule %s failed on order %s; the other rules go on", code, order_no)

    # -- tickets ---------------------------------------------------------------------------

    def _emit(self, finding: Finding) -> None:
        if self._folding is not None:
            trip, position = self._folding
            trip.findings.append((position, finding))
        self.book.add(finding, self._now)

    def _escalate(self, code: str, order_no: str, subject: str, severity: Severity, reason: str) -> None:
        ticket = self.book.open_ticket(code, order_no, subject)
        if ticket is not None:
            self.book.escalate(ticket, severity, self._now, reason)

    def _settle_closure(self, trip: Trip) -> None:
        """§6.3: close (or, on later evidence, reopen) the trip's device/signal tickets."""
        t_complete = trip.progress.t_complete
        if t_complete is None and not self.book.has_auto_closed(trip.order_no):
            return
        tickets = self.book.for_order(trip.order_no)
        blocked = any(t.code in AUTO_CLOSE_BLOCKERS for t in tickets)
        eligible = t_complete is not None and not blocked
        self.book.apply_auto_closure(
            trip.order_no, eligible, t_complete or self._now, self._now, _AUTO_CLOSE_REASON
        )

    def _gate_owner(self, env: Envelope) -> Trip | None:
        msg: Any = env.msg
        return choose_gate_owner(env, self.router.holders(msg.container_nos))

    def _raise_gate_ticket(self, env: Envelope) -> None:
        owner = self._gate_owner(env)
        finding = self._gate_rule.evaluate(env, owner)
        if finding is None:
            return
        ticket = self.book.add(finding, self._now)
        if ticket is not None:
            for number in getattr(env.msg, "container_nos", ()):
                self._gate_tickets.setdefault(number, []).append((ticket, env))

    def _relink_gate_tickets(self, trip: Trip) -> None:
        """A new or amended order may be the better owner of earlier gate-pass tickets."""
        for number in trip.containers:
            for ticket, env in self._gate_tickets.get(number, ()):
                owner = self._gate_owner(env)
                if owner is not None and owner.order_no != ticket.order_no:
                    direction = getattr(env.msg, "direction", "in")
                    handling = self._gate_rule.handling_for(direction, owner)
                    self.book.attach_order(ticket, owner.order_no, handling, self._now)

    # -- timers ----------------------------------------------------------------------------

    def _schedule(self, trip: Trip, which: tuple[int, ...], now: float | None = None) -> None:
        now = self._now if now is None else now
        ctx = self._ctx[trip.order_no]
        for index in which:
            rule = TIMER_RULES[index]
            try:
                due = rule.next_due(ctx, self.heard, now)
            except Exception:
                self._rule_failed(rule.code, trip.order_no)
                continue
            if due is None:
                continue
            current = trip.scheduled.get(rule.code)
            if current is None or due < current:
                trip.scheduled[rule.code] = due
                self._timer_seq += 1
                heapq.heappush(self._timers, (due, self._timer_seq, trip.order_no, index))


def _any(changed: Progress) -> bool:
    return changed.departed or changed.arrived or changed.completed


_ALL_TIMERS: Final = tuple(range(len(TIMER_RULES)))
_SILENCE_TIMERS: Final = tuple(i for i, rule in enumerate(TIMER_RULES) if rule.code in ("A02", "A05"))
_TIMER_INDEX: Final = {rule.code: i for i, rule in enumerate(TIMER_RULES)}
_TIMER_CODES: Final = tuple(rule.code for rule in TIMER_RULES)
_SILENCE_TIMERS_FOR: Final[dict[str, tuple[int, ...]]] = {
    TELEMETRY: (_TIMER_INDEX["A05"], _TIMER_INDEX["A02"]),
    "seal_status": (_TIMER_INDEX["A02"],),
    "seal_event": (_TIMER_INDEX["A02"],),
}
