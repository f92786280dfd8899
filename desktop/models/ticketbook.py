"""The ticket book: one ticket per anomaly episode (§6.2), automatic closure (§6.3).

Rules emit :class:`Finding` objects; the book turns them into tickets. Findings of the
device-time fold (``FOLD_CODES``) can be *rebuilt* for a trip when a message arrives out of
device-time order: the book then derives the trip's fold tickets afresh and reconciles,
keeping ids stable where the evidence did not change, so the final tickets depend only on
the set of messages, not on their arrival order. Tickets a person has acted on are never
withdrawn or re-keyed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from desktop.models.catalogue import (
    AUTO_CLOSABLE,
    CATALOGUE,
    FOLD_CODES,
    KEYED_BY_SUBJECT,
    HandlingUnit,
    Severity,
)
from desktop.models.ticket import Ticket, TicketStatus, ticket_id

EpisodeKey = tuple[str, str, str]


def episode_key(code: str, order_no: str | None, subject: str) -> EpisodeKey:
    """At most one open ticket per key (§6.2)."""
    return (code, "" if code in KEYED_BY_SUBJECT else (order_no or ""), subject)


def _key(t: Ticket) -> EpisodeKey:
    return episode_key(t.code, t.order_no, t.subject)


Listener = Callable[[str, Ticket], None]


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of evidence for an anomaly, as a rule emits it."""

    code: str
    order_no: str | None
    subject: str
    ts: float
    region: str
    detail: str
    handling: HandlingUnit


class TicketBook:
    """All tickets, their episodes, and change notification.

    Args:
        signoff_minimum: ``(region, code) -> minimum sign-off level`` (0 = none).
    """

    def __init__(self, signoff_minimum: Callable[[str, str], int] | None = None) -> None:
        self.tickets: dict[str, Ticket] = {}
        self.withdrawn: list[Ticket] = []
        self._episodes: dict[EpisodeKey, list[Ticket]] = {}
        self._by_order: dict[str, list[Ticket]] = {}
        self._listeners: list[Listener] = []
        self._signoff_minimum = signoff_minimum or (lambda region, code: 0)
        self._deferred: list[tuple[str, Ticket]] | None = None
        self._rebuild_counts: dict[str, tuple[int, float, float]] | None = None
        #: restored tickets (id -> occurrences when restored): their evidence is not in memory
        self._restored: dict[str, int] = {}

    # -- observation -----------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(change, ticket)`` on every change (raised, updated, closed, ...)."""
        self._listeners.append(listener)

    def announce(self, change: str, ticket: Ticket) -> None:
        """Tell the listeners about a change made to one of the book's tickets outside it (e.g.
        the converged state from other consoles). Call it as the book is called: under the lock
        that guards the pipeline."""
        if ticket.id not in self.tickets:
            raise KeyError(f"ticket {ticket.id} is not in the book")
        self._notify(change, ticket)

    def _notify(self, change: str, ticket: Ticket) -> None:
        if self._deferred is not None:
            self._deferred.append((change, ticket))
            return
        for listener in self._listeners:
            listener(change, ticket)

    def for_order(self, order_no: str) -> list[Ticket]:
        """Tickets of an order, oldest first."""
        return list(self._by_order.get(order_no, ()))

    def has_auto_closed(self, order_no: str) -> bool:
        """Whether any ticket of the order was closed automatically."""
        tickets = self._by_order.get(order_no)
        if not tickets:
            return False
        return any(t.resolution == "auto_closed" for t in tickets)

    def open_ticket(self, code: str, order_no: str | None, subject: str) -> Ticket | None:
        """The open (not closed) ticket of an episode key, if any."""
        episodes = self._episodes.get(episode_key(code, order_no, subject))
        if episodes and not episodes[-1].is_closed:
            return episodes[-1]
        return None

    # -- restart ---------------------------------------------------------------------------

    def restore(self, tickets: Iterable[Ticket]) -> list[Ticket]:
        """Take back the tickets an earlier run of the console stored (after a restart).

        Each ticket goes back into its episode, its order's list and the id index, so a later
        finding of the same episode folds into it instead of opening a second ticket. The
        evidence that raised a restored ticket is no longer in memory, so a rebuild of its
        order (late input, an amended order) treats it like a ticket a person has acted on: it
        is never withdrawn or re-keyed, and its occurrences only grow. A ticket whose id is
        already in the book is skipped. Listeners are not called: restore before subscribing,
        or seed the subscriber from :attr:`tickets` (as ``TicketFeed.for_pipeline`` does).

        Returns:
            The tickets restored.
        """
        restored: list[Ticket] = []
        for ticket in tickets:
            if ticket.id in self.tickets:
                continue
            self._restored[ticket.id] = ticket.occurrences
            key = _key(ticket)
            self.tickets[ticket.id] = ticket
            episodes = self._episodes.setdefault(key, [])
            episodes.append(ticket)
            episodes.sort(key=lambda t: t.raised_at)
            if ticket.order_no:
                mine = self._by_order.setdefault(ticket.order_no, [])
                mine.append(ticket)
                mine.sort(key=lambda t: (t.raised_at, t.code, t.subject))
            restored.append(ticket)
        return restored

    def is_restored(self, ticket_id: str) -> bool:
        """Whether the ticket came back from the store at start (see :meth:`restore`)."""
        return ticket_id in self._restored

    def _settled(self, t: Ticket) -> bool:
        """A ticket a rebuild must keep as it is: a person acted on it, or it was restored."""
        return t.touched_by_person or t.id in self._restored

    # -- raising ---------------------------------------------------------------------------

    def add(self, f: Finding, now: float) -> Ticket | None:
        """Record a finding: update the episode's open ticket or open a new one.

        Returns the ticket, or ``None`` when the finding belongs to an episode already closed.
        """
        key = episode_key(f.code, f.order_no, f.subject)
        episodes = self._episodes.get(key)
        if episodes:
            current = episodes[-1]
            if not current.is_closed:
                self._count(current, f, now)
                return current
            if f.ts <= max(t.last_seen for t in episodes):
                return None
        identity_order = None if f.code in KEYED_BY_SUBJECT else f.order_no
        tid = ticket_id(f.code, identity_order, f.subject, f.ts)
        ticket = Ticket(
            id=tid,
            code=f.code,
            severity=CATALOGUE[f.code].severity,
            order_no=f.order_no,
            subject=f.subject,
            region=f.region,
            raised_at=f.ts,
            handling=f.handling,
            signoff_minimum=self._signoff_minimum(f.region, f.code),
            updated_at=now,
        )
        ticket.record_occurrence(f.ts, now, f.detail)
        self._index(key, ticket)
        self._notify("raised", ticket)
        return ticket

    def _count(self, ticket: Ticket, f: Finding, now: float) -> None:
        counts = self._rebuild_counts
        if counts is not None and ticket.id in counts:
            n, first, last = counts[ticket.id]
            counts[ticket.id] = (n + 1, min(first, f.ts), max(last, f.ts))
            return
        ticket.record_occurrence(f.ts, now, f.detail)
        self._notify("updated", ticket)

    def _index(self, key: EpisodeKey, ticket: Ticket) -> None:
        self.tickets[ticket.id] = ticket
        self._episodes.setdefault(key, []).append(ticket)
        if ticket.order_no:
            self._by_order.setdefault(ticket.order_no, []).append(ticket)

    def escalate(self, ticket: Ticket, severity: Severity, now: float, reason: str) -> None:
        """Raise a ticket's severity and tell the listeners."""
        if not ticket.is_closed and ticket.severity != severity:
            ticket.escalate(severity, now, reason)
            self._notify("escalated", ticket)

    def attach_order(self, ticket: Ticket, order_no: str, handling: HandlingUnit, now: float) -> None:
        """Link a gate-pass ticket (A11) to the order holding its container, once known."""
        if ticket.order_no == order_no:
            return
        if ticket.order_no is not None:
            previous = self._by_order.get(ticket.order_no, [])
            self._by_order[ticket.order_no] = [t for t in previous if t is not ticket]
        ticket.link_order(order_no, handling, now)
        self._by_order.setdefault(order_no, []).append(ticket)
        self._notify("updated", ticket)

    # -- §6.3 automatic closure ------------------------------------------------------------

    def apply_auto_closure(self, order_no: str, eligible: bool, at: float, now: float, reason: str) -> None:
        """Close the order's auto-closable tickets, or reopen them when no longer eligible.

        Tickets awaiting a supervisor's sign-off are left to the supervisor.
        """
        for t in self._by_order.get(order_no, ()):
            if t.code not in AUTO_CLOSABLE:
                continue
            if eligible and not t.is_closed and t.status is not TicketStatus.AWAITING_SIGNOFF:
                t.auto_close(at, now, reason)
                self._notify("closed", t)
            elif not eligible and t.resolution == "auto_closed":
                t.reopen(now, reason)
                self._notify("reopened", t)

    # -- rebuild on out-of-order input -----------------------------------------------------

    @contextmanager
    def rebuild(self, order_no: str, now: float) -> Iterator[None]:
        """Re-derive an order's fold tickets: replay its findings inside the ``with`` block.

        Untouched fold tickets are derived afresh; on exit, tickets whose id is derived again
        keep their identity and history, new ones are raised, and ones no longer derived are
        withdrawn. Tickets a person has acted on keep their id and never lose occurrences.
        """
        mine = self._by_order.get(order_no, [])
        old = {t.id: t for t in mine if t.code in FOLD_CODES and not self._settled(t)}
        for t in old.values():
            del self.tickets[t.id]
            key = _key(t)
            self._episodes[key] = [e for e in self._episodes[key] if e is not t]
        self._by_order[order_no] = [t for t in mine if t.id not in old]
        touched = [t for t in mine if t.code in FOLD_CODES and t.id not in old and not t.is_closed]
        self._rebuild_counts = {t.id: (0, t.first_seen, t.last_seen) for t in touched}
        survivors = {t.id for t in mine if t.id not in old}
        self._deferred = []
        try:
            yield
        finally:
            deferred, self._deferred = self._deferred, None
            counts, self._rebuild_counts = self._rebuild_counts, None
        # changes to tickets that existed before the rebuild are real; the rest is re-derived
        changes = [(c, t) for c, t in deferred if t.id in survivors]
        for t in touched:
            n, first, last = counts[t.id]
            before = (t.occurrences, t.first_seen, t.last_seen)
            # a restored ticket's earlier evidence is not in the log: it counts on top of it
            t.occurrences = max(t.occurrences, self._restored.get(t.id, 0) + n)
            t.first_seen, t.last_seen = min(t.first_seen, first), max(t.last_seen, last)
            if (t.occurrences, t.first_seen, t.last_seen) != before:
                changes.append(("updated", t))
        self._reconcile(order_no, old, now, changes)

    def _reconcile(
        self, order_no: str, old: dict[str, Ticket], now: float, changes: list[tuple[str, Ticket]]
    ) -> None:
        final: list[Ticket] = []
        for t in self._by_order.get(order_no, []):
            previous = old.pop(t.id, None)
            if previous is None:
                if t.code in FOLD_CODES and not self._settled(t):
                    changes.append(("raised", t))
                    if t.is_closed:
                        changes.append(("closed", t))
                final.append(t)
                continue
            if self._merge(previous, t, now):
                changes.append(("updated", previous))
            final.append(previous)
        for gone in old.values():
            gone.withdraw(now, "messages with earlier device times no longer support it")
            self.withdrawn.append(gone)
            changes.append(("withdrawn", gone))
        final.sort(key=lambda t: (t.raised_at, t.code, t.subject))
        self._by_order[order_no] = final
        for t in final:
            self.tickets[t.id] = t
        keys = {_key(t) for t in final}
        for key in keys:
            self._episodes[key] = sorted(
                (t for t in final if _key(t) == key),
                key=lambda t: t.raised_at,
            )
        for change, ticket in changes:
            self._notify(change, ticket)

    @staticmethod
    def _merge(previous: Ticket, fresh: Ticket, now: float) -> bool:
        """Copy what the rebuild derived into the surviving ticket; return whether it changed."""
        before = (previous.occurrences, previous.first_seen, previous.last_seen, previous.status)
        previous.occurrences = fresh.occurrences
        previous.first_seen, previous.last_seen = fresh.first_seen, fresh.last_seen
        if fresh.is_closed and not previous.is_closed:
            previous.auto_close(fresh.closed_at or now, now, "trip completed normally")
        elif not fresh.is_closed and previous.is_closed:
            previous.reopen(now, "later evidence no longer allows automatic closure")
        after = (previous.occurrences, previous.first_seen, previous.last_seen, previous.status)
        return before != after
