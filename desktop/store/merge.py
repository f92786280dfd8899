"""Converging a ticket from the events of every console (pure: no database, no Qt).

:func:`merge_ticket` takes the union of one ticket's audited events from all origins and
returns its converged state and its conflicts. The result depends only on the *set* of
events: the input is first put into a canonical order, and everything after works on that.

Rules (docs/mirror.md has the reasoning):

* **Automatic events** (actor ``system``) of different consoles that saw the same messages
  are the same event recorded twice: the *k*-th automatic event of a kind on each console
  shares the key ``(kind, k)``; the one with the smallest ``(at, origin, origin_seq)`` stands for
  the key in the history, the others are *echoes* (kept upstream, hidden in the history).
* **Causality** comes from each event's knowledge vector (``knows``: peer console -> highest
  ``origin_seq`` of that peer the console had stored when it recorded the event), closed
  transitively over the ticket's events. An event *saw* another when its vector covers it.
* **History order**: Lamport depth over "saw", then ``(at, origin, origin_seq, event_id)``: a
  decision always comes after what its console saw, whatever the clocks say.
* **Topics** (findings, evidence, assignee, dispatch, decision = sign-off vs return): two
  writes of a topic made apart (neither saw the other) with different values are a
  :class:`Conflict`; both are kept. It stays until a supervisor's ``conflict_resolved`` event
  that saw both (a later plain write does not clear it); the resolution then sets the topic to
  the chosen event's value. Writes joined through such pairs form one conflict whose options
  are the group's latest writes.
* **State** replays the history with the domain's lifecycle; a step not allowed from the
  merged state (a return after a concurrent sign-off) is skipped and shows only as the
  conflict; a resolution re-applies the chosen event's effect.
"""

from __future__ import annotations

import uuid
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from desktop.models.ticket import SYSTEM, Evidence, Resolution, TicketStatus

RESOLVED: Final = "conflict_resolved"
_NAMESPACE: Final = uuid.UUID("9d3e4c1a-2f57-4b8e-8f43-6a1d2c7b9e05")  # JMC Console conflicts

#: event kind -> topic it writes
TOPIC_OF: Final[Mapping[str, str]] = {
    "findings": "findings",
    "evidence": "evidence",
    "assigned": "assignee",
    "dispatched": "dispatch",
    "signed_off": "decision",
    "returned": "decision",
}
_FROM: Final[Mapping[str, frozenset[TicketStatus]]] = {
    "acknowledged": frozenset({TicketStatus.OPEN}),
    "dispatched": frozenset({TicketStatus.OPEN, TicketStatus.ACKNOWLEDGED}),
    "submitted": frozenset({TicketStatus.ACKNOWLEDGED, TicketStatus.DISPATCHED}),
    "signed_off": frozenset({TicketStatus.AWAITING_SIGNOFF}),
    "returned": frozenset({TicketStatus.AWAITING_SIGNOFF}),
}


@dataclass(frozen=True, slots=True)
class MergeEvent:
    """One audited ticket event of one console, as the mirror moves it (plain data)."""

    event_id: str
    origin: str
    origin_seq: int
    ticket_id: str
    seq: int
    kind: str
    at: float
    actor: str
    data: Mapping[str, Any] = field(default_factory=dict)
    knows: Mapping[str, int] = field(default_factory=dict)

    @property
    def automatic(self) -> bool:
        return self.actor == SYSTEM

    @property
    def topic(self) -> str | None:
        if self.kind == RESOLVED:
            return str(self.data.get("topic", "")) or None
        return TOPIC_OF.get(self.kind)


@dataclass(frozen=True, slots=True)
class Conflict:
    """Concurrent, different decisions on one topic of a ticket; ``options`` are kept events."""

    conflict_id: str
    ticket_id: str
    topic: str
    options: tuple[MergeEvent, ...]


@dataclass(frozen=True, slots=True)
class MergedTicket:
    """The converged state of a ticket over every console's events."""

    ticket_id: str
    status: TicketStatus
    resolution: Resolution | None
    closed_at: float | None
    findings: str
    evidence: Evidence
    assignee: str | None
    actions: tuple[str, ...]
    escalated: bool
    severity: str | None  # set by the last escalation, else None (the ticket's own)
    order_no: str | None  # set by the last order link, else None (the ticket's own)
    withdrawn: bool
    history: tuple[MergeEvent, ...]  # one history: automatic echoes left out
    echoes: Mapping[str, str]  # echo event id -> the event id that stands for it
    conflicts: tuple[Conflict, ...]

    @property
    def in_conflict(self) -> bool:
        return bool(self.conflicts)


def conflict_id(ticket_id: str, topic: str, event_ids: Iterable[str]) -> str:
    """The id of a conflict: the same competing events give the same id on every console."""
    return str(uuid.uuid5(_NAMESPACE, "|".join([ticket_id, topic, *sorted(event_ids)])))


def topic_value(event: MergeEvent, by_id: Mapping[str, MergeEvent]) -> Any:
    """What an event sets its topic to (a resolution: what its chosen event set)."""
    if event.kind == RESOLVED:
        chosen = by_id.get(str(event.data.get("chosen_event_id", "")))
        return None if chosen is None or chosen.kind == RESOLVED else topic_value(chosen, by_id)
    data = event.data
    if event.kind == "findings":
        return str(data.get("text", ""))
    if event.kind == "evidence":
        return tuple(bool(data.get(k)) for k in ("system_images", "operator_cctv", "whereabouts_traced"))
    if event.kind == "assigned":
        return str(data.get("assignee", ""))
    if event.kind == "dispatched":
        return str(data.get("to_site") or "")
    return event.kind  # decision: signed_off | returned


class _Causality:
    """Transitively closed knowledge vectors and Lamport depths over one ticket's events."""

    def __init__(self, events: list[MergeEvent]) -> None:
        self.by_origin: dict[str, list[MergeEvent]] = {}
        for e in events:  # events are in canonical order: by origin, origin_seq
            self.by_origin.setdefault(e.origin, []).append(e)
        self.seqs = {o: [e.origin_seq for e in es] for o, es in self.by_origin.items()}
        self.clock: dict[str, dict[str, int]] = {}
        self.depth: dict[str, int] = {}
        for e in events:
            self._resolve(e)

    def _before(self, e: MergeEvent) -> list[MergeEvent]:
        """The latest event of each origin that ``e`` knew directly (its own previous one too)."""
        found = []
        for origin, upto in sorted({**e.knows, e.origin: e.origin_seq - 1}.items()):
            seqs = self.seqs.get(origin)
            if seqs:
                i = bisect_right(seqs, upto)
                if i:
                    found.append(self.by_origin[origin][i - 1])
        return found

    def _resolve(self, first: MergeEvent) -> None:
        """Depth-first without recursion; an event met again on its own path (inconsistent
        input: a knowledge cycle) is ignored there."""
        if first.event_id in self.clock:
            return
        stack: list[tuple[MergeEvent, list[MergeEvent]]] = [(first, self._before(first))]
        on_path = {first.event_id}
        while stack:
            e, pending = stack[-1]
            while pending and (pending[-1].event_id in self.clock or pending[-1].event_id in on_path):
                pending.pop()
            if pending:
                nxt = pending.pop()
                stack.append((nxt, self._before(nxt)))
                on_path.add(nxt.event_id)
                continue
            stack.pop()
            on_path.discard(e.event_id)
            vector = {peer: seq for peer, seq in e.knows.items() if peer != e.origin}
            vector[e.origin] = e.origin_seq
            depth = 0
            for before in self._before(e):
                if before.event_id not in self.clock:  # skipped: a cycle
                    continue
                depth = max(depth, self.depth[before.event_id])
                for peer, seq in self.clock[before.event_id].items():
                    vector[peer] = max(vector.get(peer, 0), seq)
            self.clock[e.event_id] = vector
            self.depth[e.event_id] = depth + 1

    def saw(self, later: MergeEvent, earlier: MergeEvent) -> bool:
        if later.event_id == earlier.event_id:
            return False
        return self.clock[later.event_id].get(earlier.origin, 0) >= earlier.origin_seq

    def order_key(self, e: MergeEvent) -> tuple[int, float, str, int, str]:
        return (self.depth[e.event_id], e.at, e.origin, e.origin_seq, e.event_id)


def _canonical(events: Iterable[MergeEvent]) -> list[MergeEvent]:
    unique: dict[str, MergeEvent] = {}
    for e in sorted(events, key=lambda e: (e.origin, e.origin_seq, e.event_id, e.seq, e.kind)):
        unique.setdefault(e.event_id, e)
    return list(unique.values())


def _echoes(events: list[MergeEvent]) -> dict[str, str]:
    """Automatic events recorded by several consoles: echo id -> representative id."""
    keyed: dict[tuple[str, int], list[MergeEvent]] = {}
    counters: dict[tuple[str, str], int] = {}
    for e in events:
        if e.automatic and e.kind != RESOLVED:
            n = counters.get((e.origin, e.kind), 0) + 1
            counters[(e.origin, e.kind)] = n
            keyed.setdefault((e.kind, n), []).append(e)
    echoes: dict[str, str] = {}
    for group in keyed.values():
        group.sort(key=lambda e: (e.at, e.origin, e.origin_seq, e.event_id))
        for echo in group[1:]:
            echoes[echo.event_id] = group[0].event_id
    return echoes


def _root(group: list[int], i: int) -> int:
    """Union-find: the representative of ``i``'s group."""
    while group[i] != i:
        group[i] = group[group[i]]
        i = group[i]
    return i


def _conflicts(
    ticket_id: str, history: list[MergeEvent], causality: _Causality, by_id: Mapping[str, MergeEvent]
) -> list[Conflict]:
    """Per topic: writes made apart (neither saw the other) with different values, and not both
    seen by a later resolution, are joined into conflicts; the options are the latest writes of
    each joined group. A later plain write does not clear a conflict: a resolution must."""
    topics: dict[str, list[MergeEvent]] = {}
    for e in history:
        topic = e.topic
        if topic is not None:
            topics.setdefault(topic, []).append(e)
    found: list[Conflict] = []
    for topic, writes in sorted(topics.items()):
        values = [repr(topic_value(w, by_id)) for w in writes]
        resolutions = [w for w in writes if w.kind == RESOLVED]
        group = list(range(len(writes)))
        for i, a in enumerate(writes):
            for j in range(i + 1, len(writes)):
                b = writes[j]
                if values[i] == values[j] or causality.saw(a, b) or causality.saw(b, a):
                    continue
                if any(causality.saw(r, a) and causality.saw(r, b) for r in resolutions):
                    continue
                group[_root(group, j)] = _root(group, i)
        members: dict[int, list[int]] = {}
        for i in range(len(writes)):
            members.setdefault(_root(group, i), []).append(i)
        for indices in members.values():
            if len(indices) < 2:
                continue
            latest = [
                writes[i] for i in indices if not any(causality.saw(writes[k], writes[i]) for k in indices)
            ]
            if len({repr(topic_value(w, by_id)) for w in latest}) > 1:
                ids = [w.event_id for w in latest]
                found.append(Conflict(conflict_id(ticket_id, topic, ids), ticket_id, topic, tuple(latest)))
    return found


class _State:
    def __init__(self) -> None:
        self.status = TicketStatus.OPEN
        self.resolution: Resolution | None = None
        self.closed_at: float | None = None
        self.findings = ""
        self.evidence = Evidence()
        self.assignee: str | None = None
        self.actions: list[str] = []
        self.escalated = False
        self.severity: str | None = None
        self.order_no: str | None = None
        self.withdrawn = False
        self.previous_before_auto: TicketStatus = TicketStatus.OPEN

    def apply(self, e: MergeEvent, by_id: Mapping[str, MergeEvent], forced: bool = False) -> None:
        kind, data = e.kind, e.data
        allowed = _FROM.get(kind)
        if allowed is not None and not forced and self.status not in allowed:
            return  # stale (already further along) or conflicting: the conflict shows it
        if kind == RESOLVED:
            chosen = by_id.get(str(data.get("chosen_event_id", "")))
            if chosen is not None and chosen.kind != RESOLVED:
                self.apply(chosen, by_id, forced=True)
        elif kind == "acknowledged":
            self.status = TicketStatus.ACKNOWLEDGED
        elif kind == "dispatched" or kind == "returned":
            self.status = TicketStatus.DISPATCHED
            self.resolution, self.closed_at = None, None
        elif kind == "submitted":
            self.status = TicketStatus.AWAITING_SIGNOFF
        elif kind == "signed_off":
            self.status, self.resolution, self.closed_at = TicketStatus.CLOSED, Resolution.SIGNED_OFF, e.at
        elif kind == "assigned":
            self.assignee = str(data.get("assignee", "")) or None
        elif kind == "action":
            self.actions.append(str(data.get("action", "")))
        elif kind == "findings":
            self.findings = str(data.get("text", ""))
        elif kind == "evidence":
            flags = (bool(data.get(k)) for k in ("system_images", "operator_cctv", "whereabouts_traced"))
            self.evidence = Evidence(*flags)
        else:
            self._apply_automatic(e)

    def _apply_automatic(self, e: MergeEvent) -> None:
        kind, data = e.kind, e.data
        if kind == "escalated":
            self.escalated, self.severity = True, str(data.get("severity", "")) or self.severity
        elif kind == "auto_closed":
            if self.status is not TicketStatus.CLOSED:
                self.previous_before_auto = self.status
            self.status, self.resolution, self.closed_at = TicketStatus.CLOSED, Resolution.AUTO_CLOSED, e.at
        elif kind == "reopened":
            if self.resolution is Resolution.AUTO_CLOSED:
                self.status, self.resolution, self.closed_at = self.previous_before_auto, None, None
        elif kind == "linked":
            self.order_no = str(data.get("order_no", "")) or None
        elif kind == "withdrawn":
            self.withdrawn = True


def merge_ticket(events: Iterable[MergeEvent]) -> MergedTicket:
    """The converged state and conflicts of one ticket from the union of its events.

    Raises:
        ValueError: no events, or events of more than one ticket.
    """
    canonical = _canonical(events)
    if not canonical:
        raise ValueError("merge_ticket needs at least one event")
    ticket_ids = {e.ticket_id for e in canonical}
    if len(ticket_ids) != 1:
        raise ValueError(f"merge_ticket got events of several tickets: {sorted(ticket_ids)}")
    ticket_id = canonical[0].ticket_id
    by_id = {e.event_id: e for e in canonical}
    causality = _Causality(canonical)
    echoes = _echoes(canonical)
    history = sorted((e for e in canonical if e.event_id not in echoes), key=causality.order_key)
    state = _State()
    for e in history:
        state.apply(e, by_id)
    return MergedTicket(
        ticket_id=ticket_id,
        status=state.status,
        resolution=state.resolution,
        closed_at=state.closed_at,
        findings=state.findings,
        evidence=state.evidence,
        assignee=state.assignee,
        actions=tuple(state.actions),
        escalated=state.escalated,
        severity=state.severity,
        order_no=state.order_no,
        withdrawn=state.withdrawn,
        history=tuple(history),
        echoes=echoes,
        conflicts=tuple(_conflicts(ticket_id, history, causality, by_id)),
    )
