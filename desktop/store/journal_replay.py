"""Rebuilding the pipeline at start from the message journal, then reconciling its tickets
with the stored ones (see docs/store.md, "Restart: replay, then reconcile").

    report = restore_pipeline(store, pipeline)   # a fresh pipeline, before anyone subscribes
    ...                                          # subscribe, create the ingest service
    with lock:
        pipeline.advance()                       # timers due while the console was down fire

1. **Pre-restore** the stored open tickets the journal cannot re-derive (trip-bound tickets
   whose order is not in the journal before the ticket was raised: raised before the journal
   existed, or their trip's messages were pruned). The earlier run held them in its book while
   it took the journaled messages (``TicketBook.restore`` at its start), so the replay must too:
   later findings of their episode fold into them, as they did.
2. **Replay** every journal row in order: the pipeline's clock (a ``SimulatedClock``) set to
   the row's ``received_at``, ``advance()`` to it (live, housekeeping fires due timers within
   0.2 s), then ``ingest``. This console's officers' events (``ticket_events`` of this origin
   by a person) are re-applied at their recorded time, between the messages they came
   between, because a person's action changes what the pipeline does next: a closed episode
   opens a new ticket, a touched ticket is never withdrawn, one awaiting sign-off is not
   closed automatically. Then the timers due by the console time the last commit had reached
   (``journal_marks``) fire: their effects are in the store, so they are derived here and
   reconciled, not fired again (and counted twice) after the restart.
3. **Reconcile** each ticket the replay derived with the stored one of the same id
   (deterministic ids): stored lifecycle wins (it also carries other consoles' merged state),
   counters never go down, the history is the stored one unless the replay's extends it (then
   the extension is stored). Pre-restored tickets get their stored state back whole: the
   stored state already holds every journaled message's effect (same transaction).
4. **Restore** the stored open tickets the replay did not derive (``TicketBook.restore``).
5. Store the tickets the replay derived beyond the store (new ones, extended histories), prune
   the journal, and switch the pipeline to the live clock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import Connection, func, select

from desktop.models.catalogue import KEYED_BY_SUBJECT
from desktop.models.clock import Clock, SimulatedClock
from desktop.models.pipeline import ACCEPTED, Pipeline
from desktop.models.ticket import SYSTEM, Evidence, Resolution, Ticket, TicketEvent, TicketStatus
from desktop.store.api import Store
from desktop.store.journal import iter_journal, journal_count, prune_journal, read_mark
from desktop.store.reload import read_events, read_open_tickets, read_tickets
from desktop.store.schema_journal import JournalRow
from desktop.store.schema_tickets import TicketEventRow
from desktop.store.tickets_io import snapshot

log = logging.getLogger(__name__)

_STATUS_AFTER: Final = {
    "acknowledged": TicketStatus.ACKNOWLEDGED,
    "dispatched": TicketStatus.DISPATCHED,
    "submitted": TicketStatus.AWAITING_SIGNOFF,
    "returned": TicketStatus.DISPATCHED,
    "signed_off": TicketStatus.CLOSED,
}
#: what the stored row says about a ticket's lifecycle (identity and indexes excluded)
_LIFECYCLE: Final = (
    "severity",
    "status",
    "resolution",
    "closed_at",
    "escalated",
    "assignee",
    "findings",
    "evidence",
    "signoff_minimum",
)
_PROGRESS_EVERY: Final = 100_000
#: ``progress(done, total)``: journal messages replayed so far, of ``total`` (``journal_count``)
ReplayProgress = Callable[[int, int], None]
PROGRESS_INTERVAL_S = 0.1  # at most ~10 progress calls a second
_CHECK_EVERY = 64  # messages between looks at the clock


class ProgressThrottle:
    """Passes ``(done, total)`` on to ``report`` at most every ``interval_s`` (the first and the
    final call always; never the same ``done`` twice), so a GUI thread is not flooded.

    Args:
        report: the receiver (called on the replaying thread).
        total: what ``done`` counts up to.
        clock: monotonic seconds.
    """

    def __init__(
        self,
        report: ReplayProgress,
        total: int,
        *,
        interval_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._report = report
        self.total = total
        self._interval = PROGRESS_INTERVAL_S if interval_s is None else interval_s
        self._clock = clock
        self._due = float("-inf")
        self._last = -1

    def __call__(self, done: int, *, final: bool = False) -> None:
        if done == self._last:
            return
        now = self._clock()
        if final or now >= self._due:
            self._due = now + self._interval
            self._last = done
            self._report(done, max(self.total, done))


@dataclass(slots=True)
class RestoreReport:
    """What :func:`restore_pipeline` did."""

    replayed: int = 0  # journal messages re-ingested
    not_accepted: int = 0  # of which the replay did not accept (a changed configuration)
    person_events: int = 0  # officers' events re-applied during the replay
    reconciled: int = 0  # derived tickets matched with a stored one
    stored_new: int = 0  # derived tickets (or history) the store did not have, now stored
    pre_restored: list[Ticket] = field(default_factory=list)
    restored: list[Ticket] = field(default_factory=list)  # open, not derived: TicketBook.restore
    open_tickets: list[Ticket] = field(default_factory=list)  # every open ticket afterwards
    pruned: int = 0
    seconds: float = 0.0


def restore_pipeline(
    store: Store,
    pipeline: Pipeline,
    *,
    live_clock: Clock | None = None,
    prune: bool = True,
    progress: ReplayProgress | None = None,
) -> RestoreReport:
    """Rebuild a fresh pipeline from the store's journal and tickets (steps in the module doc).

    Call it before anything subscribes to ``pipeline.book`` and before ingest starts; then, once
    the subscribers are in place, ``pipeline.advance()`` under the pipeline's lock.

    Args:
        store: the store.
        pipeline: a pipeline that has processed nothing yet.
        live_clock: the clock to run on afterwards (default: the pipeline's own).
        prune: prune the journal afterwards (:func:`desktop.store.journal.prune_journal`).
        progress: told ``(replayed, total)`` from the replaying thread: ``(0, total)`` first,
            then at most every :data:`PROGRESS_INTERVAL_S`, and ``(total, total)`` once the
            replay is done (``total`` is the journal's row count; it never goes down).

    Raises:
        ValueError: the pipeline has already processed messages.
        SQLAlchemyError: the store could not be read or written.
    """
    if pipeline.stats.accepted or pipeline.stats.rejected or pipeline.trips or pipeline.book.tickets:
        raise ValueError("restore_pipeline needs a pipeline that has processed nothing yet")
    started = time.perf_counter()
    live = live_clock or pipeline.clock
    report = RestoreReport()
    book = pipeline.book
    with store.read() as conn:
        stored_open = read_open_tickets(conn, store.console_id)
        first = conn.execute(select(func.min(JournalRow.received_at))).scalar()
        mark = read_mark(conn)
        pre = _not_derivable(conn, stored_open)
        persons = [] if first is None else _person_events(conn, store.console_id, float(first))
        total = journal_count(conn) if progress is not None else 0
    throttle = ProgressThrottle(progress, total) if progress is not None else None
    if throttle is not None:
        throttle(0)
    report.pre_restored = book.restore(pre)
    pre_state = {t.id: snapshot(t) for t in report.pre_restored}
    if first is not None:
        reached = min(mark or 0.0, live.now())
        _replay(store, pipeline, float(first), persons, report, reached=reached, progress=throttle)
    if throttle is not None:
        throttle(report.replayed, final=True)
    pipeline.set_clock(live)
    with store.read() as conn:
        derived = [t for t in book.tickets.values() if t.id not in pre_state]
        stored = read_tickets(conn, store.console_id, [t.id for t in derived])
    changed = _reconcile(derived, stored, report)
    for ticket in report.pre_restored:
        _take_state(ticket, pre_state[ticket.id], counters=True, events=True)
    withdrawn = {t.id for t in book.withdrawn}
    rest = [t for t in stored_open if t.id not in book.tickets]
    for ticket in rest:
        if ticket.id in withdrawn or book.open_ticket(ticket.code, ticket.order_no, ticket.subject):
            log.warning("ticket %s: stored open, not re-derived by the replay; restored as stored", ticket.id)
    report.restored = book.restore(rest)
    if changed:
        store.persist_tickets(changed)
        report.stored_new = len(changed)
    if prune:
        report.pruned = prune_journal(store, pipeline, nullcontext(), now=live.now())
    report.open_tickets = [t for t in book.tickets.values() if not t.is_closed]
    report.seconds = time.perf_counter() - started
    log.info(
        "restart: %d journaled messages replayed (%d officers' events) in %.1f s; %d tickets reconciled, "
        "%d pre-restored, %d restored, %d stored anew; %d journal rows pruned",
        report.replayed,
        report.person_events,
        report.seconds,
        report.reconciled,
        len(report.pre_restored),
        len(report.restored),
        report.stored_new,
        report.pruned,
    )
    return report


# -- 1. what the journal cannot re-derive ---------------------------------------------------------


def _not_derivable(conn: Connection, tickets: Sequence[Ticket]) -> list[Ticket]:
    """Trip-bound open tickets whose order is not in the journal by the time they were raised."""
    bound = [t for t in tickets if t.order_no and t.code not in KEYED_BY_SUBJECT]
    devices = sorted({f"order:{t.order_no}" for t in bound})
    first_order: dict[str, float] = {}
    for start in range(0, len(devices), 500):
        chunk = devices[start : start + 500]
        query = (
            select(JournalRow.device, func.min(JournalRow.received_at))
            .where(JournalRow.device.in_(chunk))
            .group_by(JournalRow.device)
        )
        first_order.update((str(device), float(at)) for device, at in conn.execute(query))
    found = []
    for t in bound:
        raised = t.events[0].at if t.events else t.updated_at
        seen = first_order.get(f"order:{t.order_no}")
        if seen is None or seen > raised:
            found.append(t)
    return found


# -- 2. replay --------------------------------------------------------------------------------------


def _person_events(conn: Connection, console_id: str, since: float) -> list[tuple[str, TicketEvent]]:
    """This console's officers' events from ``since`` on, in time order."""
    e = TicketEventRow
    where = (e.origin == console_id, e.actor != SYSTEM, e.at >= since)
    return read_events(conn, where, (e.at, e.ticket_id, e.seq))


def _replay(
    store: Store,
    pipeline: Pipeline,
    first: float,
    persons: list[tuple[str, TicketEvent]],
    report: RestoreReport,
    reached: float,
    progress: ProgressThrottle | None = None,
) -> None:
    """Re-ingest the journal, officers' events at their time, then fire the timers due by
    ``reached`` (what the last commit had processed: their effects are stored, so they must be
    derived before the reconcile, not fired again afterwards)."""
    clock = SimulatedClock(first)
    pipeline.set_clock(clock)
    tickets = pipeline.book.tickets
    pending = 0

    def act_before(t: float) -> None:  # a message and an action at the same reading: message first
        nonlocal pending
        while pending < len(persons) and persons[pending][1].at < t:
            ticket_id, event = persons[pending]
            pending += 1
            clock.advance_to(event.at)
            pipeline.advance()
            ticket = tickets.get(ticket_id)
            if ticket is not None and apply_person_event(ticket, event):
                report.person_events += 1

    for entry in iter_journal(store):
        act_before(entry.received_at)
        clock.advance_to(entry.received_at)
        pipeline.advance()
        if pipeline.ingest(entry.topic, entry.payload) != ACCEPTED:
            report.not_accepted += 1
        report.replayed += 1
        if progress is not None and report.replayed % _CHECK_EVERY == 0:
            progress(report.replayed)
        if report.replayed % _PROGRESS_EVERY == 0:
            log.info("restart: %d journaled messages replayed", report.replayed)
    act_before(reached)
    clock.advance_to(reached)
    pipeline.advance()
    act_before(float("inf"))
    if report.not_accepted:
        log.warning(
            "restart: %d journaled messages were not accepted again (a changed configuration?)",
            report.not_accepted,
        )


def apply_person_event(ticket: Ticket, event: TicketEvent) -> bool:
    """Re-apply a person's stored event to a ticket the replay derived; ``False`` (nothing
    done) unless the ticket's history is exactly the one the event followed."""
    if len(ticket.events) != event.seq - 1:
        return False
    kind, data = event.kind, event.data
    status = _STATUS_AFTER.get(kind)
    if status is not None:
        ticket.status = status
    if kind == "signed_off":
        ticket.resolution = Resolution.SIGNED_OFF
        ticket.closed_at = event.at
    elif kind == "assigned":
        ticket.assignee = data.get("assignee")
    elif kind == "action":
        ticket.actions.append(str(data.get("action")))
    elif kind == "findings":
        ticket.findings = str(data.get("text", ""))
    elif kind == "evidence":
        ticket.evidence = Evidence(
            bool(data.get("system_images")),
            bool(data.get("operator_cctv")),
            bool(data.get("whereabouts_traced")),
        )
    ticket.events.append(event)
    ticket.updated_at = max(ticket.updated_at, event.at)
    return True


# -- 3. reconcile -----------------------------------------------------------------------------------


def _signature(events: Iterable[TicketEvent]) -> list[tuple[int, str, float, str]]:
    return [(e.seq, e.kind, e.at, e.actor) for e in events]


def _reconcile(derived: Sequence[Ticket], stored: dict[str, Ticket], report: RestoreReport) -> list[Ticket]:
    """Merge each derived ticket with its stored self; return those the store must take."""
    changed: list[Ticket] = []
    for ticket in derived:
        mine = stored.get(ticket.id)
        if mine is None:
            changed.append(ticket)  # its effect was never committed (or the journal outlived it)
            continue
        report.reconciled += 1
        if mine.events and mine.events[-1].kind == "withdrawn":
            continue  # derived again after a withdrawal: as the earlier run held it
        ours, theirs = _signature(ticket.events), _signature(mine.events)
        if ours == theirs:
            _take_state(ticket, mine, counters=False, events=False)
        elif ours[: len(theirs)] == theirs:
            pass  # the replay went further than the last commit: the extension is stored
        else:
            log.warning(
                "ticket %s: the replay's history differs from the stored one; keeping the stored", ticket.id
            )
            _take_state(ticket, mine, counters=False, events=True)
        ticket.occurrences = max(ticket.occurrences, mine.occurrences)
        ticket.first_seen = min(ticket.first_seen, mine.first_seen)
        ticket.last_seen = max(ticket.last_seen, mine.last_seen)
        counters = (ticket.occurrences, ticket.first_seen, ticket.last_seen)
        if counters != (mine.occurrences, mine.first_seen, mine.last_seen) or len(ticket.events) > len(
            mine.events
        ):
            changed.append(ticket)
    return changed


def _take_state(ticket: Ticket, source: Ticket, *, counters: bool, events: bool) -> None:
    for name in _LIFECYCLE:
        setattr(ticket, name, getattr(source, name))
    ticket.actions = list(source.actions)
    ticket.detail = source.detail or ticket.detail
    ticket.updated_at = max(ticket.updated_at, source.updated_at)
    if counters:
        ticket.occurrences, ticket.first_seen, ticket.last_seen = (
            source.occurrences,
            source.first_seen,
            source.last_seen,
        )
        ticket.updated_at = source.updated_at
    if events:
        ticket.events = list(source.events)
