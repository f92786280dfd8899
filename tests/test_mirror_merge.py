"""The ticket merge (desktop.store.merge): one history of automatic events, conflicts for
concurrent different decisions, and the same result for any arrival order."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.models.ticket import SYSTEM, Evidence, Resolution, TicketStatus
from desktop.store.merge import RESOLVED, MergeEvent, conflict_id, merge_ticket

TID = "A01-00000000000000aa"


@dataclass
class Console:
    """One console's view of the ticket while simulating: its events and what it knows."""

    name: str
    seq: int = 0
    knows: dict[str, int] = field(default_factory=dict)
    events: list[MergeEvent] = field(default_factory=list)

    def record(self, kind: str, at: float, actor: str = "officer", gap: int = 1, **data: Any) -> MergeEvent:
        self.seq += gap  # other tickets' rows interleave in the console's chain
        e = MergeEvent(
            event_id=f"{self.name}-{self.seq}",
            origin=self.name,
            origin_seq=self.seq,
            ticket_id=TID,
            seq=len(self.events) + 1,
            kind=kind,
            at=at,
            actor=actor,
            data=data,
            knows=dict(self.knows),
        )
        self.events.append(e)
        return e

    def pull(self, other: Console) -> None:
        self.knows[other.name] = other.seq


def test_automatic_events_of_two_consoles_form_one_history() -> None:
    a, b = Console("kh-01"), Console("tp-02")
    ra = a.record("raised", 100.0, SYSTEM, ts=90.0, detail="pin")
    rb = b.record("raised", 100.4, SYSTEM, ts=90.0, detail="pin")
    ea = a.record("escalated", 700.0, SYSTEM, severity="critical", reason="overdue")
    eb = b.record("escalated", 699.0, SYSTEM, severity="critical", reason="overdue")
    merged = merge_ticket([*a.events, *b.events])
    assert [e.kind for e in merged.history] == ["raised", "escalated"]
    assert merged.echoes == {rb.event_id: ra.event_id, ea.event_id: eb.event_id}  # earliest stands
    assert merged.severity == "critical" and merged.escalated
    assert not merged.conflicts


def test_decisions_made_after_pulling_are_not_conflicts() -> None:
    a, b = Console("kh-01"), Console("tp-02")
    a.record("raised", 1.0, SYSTEM)
    b.record("raised", 1.0, SYSTEM)
    a.record("findings", 10.0, text="seal intact; driver stopped for fuel")
    b.pull(a)
    b.record("findings", 5.0, text="seal intact; fuel stop confirmed by CCTV")  # b's clock is behind
    merged = merge_ticket([*a.events, *b.events])
    assert merged.conflicts == ()
    assert merged.findings == "seal intact; fuel stop confirmed by CCTV"  # b saw a's and replaced it


def test_concurrent_different_findings_are_a_conflict_until_resolved() -> None:
    a, b = Console("kh-01"), Console("tp-02")
    a.record("raised", 1.0, SYSTEM)
    b.record("raised", 1.0, SYSTEM)
    fa = a.record("findings", 10.0, text="cargo intact")
    fb = b.record("findings", 11.0, text="cargo missing two pallets")
    merged = merge_ticket([*a.events, *b.events])
    (conflict,) = merged.conflicts
    assert conflict.topic == "findings"
    assert {o.event_id for o in conflict.options} == {fa.event_id, fb.event_id}
    assert conflict.conflict_id == conflict_id(TID, "findings", [fb.event_id, fa.event_id])
    # an officer on a, having pulled b, writes new findings: the conflict stays for a supervisor
    a.pull(b)
    a.record("findings", 15.0, text="one pallet short")
    still = merge_ticket([*a.events, *b.events])
    assert [c.conflict_id for c in still.conflicts] == [conflict.conflict_id]
    assert still.findings == "one pallet short"
    a.record(
        RESOLVED,
        20.0,
        "chief.lin",
        conflict_id=conflict.conflict_id,
        topic="findings",
        chosen_event_id=fa.event_id,
        reason="photos",
    )
    resolved = merge_ticket([*a.events, *b.events])
    assert resolved.conflicts == ()
    assert resolved.findings == "cargo intact"


def test_two_supervisors_choosing_differently_apart_is_a_new_conflict() -> None:
    a, b = Console("kh-01"), Console("tp-02")
    fa = a.record("findings", 10.0, text="cargo intact")
    fb = b.record("findings", 11.0, text="cargo missing")
    a.pull(b)
    b.pull(a)
    cid = merge_ticket([*a.events, *b.events]).conflicts[0].conflict_id
    ra = a.record(RESOLVED, 20.0, "chief.lin", topic="findings", chosen_event_id=fa.event_id, conflict_id=cid)
    rb = b.record(RESOLVED, 21.0, "chief.wu", topic="findings", chosen_event_id=fb.event_id, conflict_id=cid)
    (conflict,) = merge_ticket([*a.events, *b.events]).conflicts
    assert {o.event_id for o in conflict.options} == {ra.event_id, rb.event_id}


def test_sign_off_against_return_is_a_conflict_and_the_choice_decides_the_state() -> None:
    a, b = Console("kh-01"), Console("tp-02")
    a.record("raised", 1.0, SYSTEM)
    a.record("acknowledged", 2.0)
    a.record("findings", 3.0, text="ok")
    a.record("evidence", 4.0, system_images=True)
    a.record("submitted", 5.0, required_level=1)
    b.pull(a)
    b.record("raised", 1.0, SYSTEM)
    sign = a.record("signed_off", 10.0, "chief.lin", role="SECTION_CHIEF", level=1, seen="0" * 64)
    back = b.record("returned", 9.0, "chief.wu", reason="need the gate photo")
    merged = merge_ticket([*a.events, *b.events])
    (conflict,) = merged.conflicts
    assert conflict.topic == "decision"
    assert {o.event_id for o in conflict.options} == {sign.event_id, back.event_id}
    b.pull(a)
    b.record(RESOLVED, 30.0, "chief.wu", topic="decision", chosen_event_id=back.event_id, reason="x")
    after = merge_ticket([*a.events, *b.events])
    assert after.conflicts == ()
    assert after.status is TicketStatus.DISPATCHED and after.resolution is None
    b.events.pop()
    b.record(RESOLVED, 30.0, "chief.wu", topic="decision", chosen_event_id=sign.event_id, reason="x")
    after = merge_ticket([*a.events, *b.events])
    assert after.status is TicketStatus.CLOSED and after.resolution is Resolution.SIGNED_OFF
    assert after.closed_at == 10.0


def test_same_findings_from_both_sides_and_additive_actions_do_not_conflict() -> None:
    a, b = Console("kh-01"), Console("tp-02")
    a.record("findings", 10.0, text="cargo intact")
    b.record("findings", 11.0, text="cargo intact")
    a.record("action", 12.0, action="xray")
    b.record("action", 12.5, action="gate_interception")
    b.record("evidence", 13.0, operator_cctv=True)
    merged = merge_ticket([*a.events, *b.events])
    assert merged.conflicts == ()
    assert merged.actions == ("xray", "gate_interception")
    assert merged.evidence == Evidence(operator_cctv=True)


def test_bad_input_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="at least one event"):
        merge_ticket([])
    a = Console("kh-01")
    e = a.record("raised", 1.0, SYSTEM)
    other = MergeEvent("x", "kh-01", 9, "T1-other", 1, "raised", 1.0, SYSTEM)
    with pytest.raises(ValueError, match="several tickets"):
        merge_ticket([e, other])


# -- any arrival order gives the same state --------------------------------------------------------

HUMAN_STEPS = [
    ("acknowledged", {}),
    ("assigned", {"assignee": "officer.chen"}),
    ("assigned", {"assignee": "officer.wang"}),
    ("dispatched", {"to_site": "EX-TERM-B"}),
    ("action", {"action": "xray"}),
    ("findings", {"text": "intact"}),
    ("findings", {"text": "two pallets missing"}),
    ("evidence", {"system_images": True}),
    ("evidence", {"operator_cctv": True}),
    ("submitted", {"required_level": 1}),
    ("signed_off", {"role": "SECTION_CHIEF", "level": 1, "seen": "0" * 64}),
    ("returned", {"reason": "more evidence"}),
    ("checklist", {"step": 1, "done": True}),
]


def simulate(seed: int, consoles: int, steps: int) -> list[MergeEvent]:
    """Consoles acting on one ticket, now apart, now pulling each other; automatic events too."""
    rng = random.Random(seed)
    views = [Console(f"c{i}") for i in range(consoles)]
    for v in views:
        v.record("raised", 100.0 + rng.random(), SYSTEM, ts=90.0, detail="pin")
    clock = 100.0
    for _ in range(steps):
        clock += rng.random() * 10
        v = rng.choice(views)
        roll = rng.random()
        if roll < 0.3:
            v.pull(rng.choice(views))
        elif roll < 0.4:
            for w in views:
                w.record("escalated", clock + rng.random(), SYSTEM, severity="critical", reason="late")
        elif roll < 0.45:
            conflicts = merge_ticket([e for w in views for e in w.events]).conflicts
            if conflicts:
                for w in views:
                    v.pull(w)
                c = rng.choice(conflicts)
                chosen = rng.choice(c.options).event_id
                v.record(RESOLVED, clock, "chief", topic=c.topic, chosen_event_id=chosen, reason="r")
        else:
            kind, data = rng.choice(HUMAN_STEPS)
            v.record(kind, clock + rng.uniform(-5, 5), rng.choice(["a", "b"]), gap=rng.randint(1, 3), **data)
    return [e for v in views for e in v.events]


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 10**9),
    consoles=st.integers(1, 3),
    steps=st.integers(0, 30),
    order=st.randoms(use_true_random=False),
)
def test_any_arrival_order_gives_the_same_merge(seed: int, consoles: int, steps: int, order: Any) -> None:
    events = simulate(seed, consoles, steps)
    expected = merge_ticket(events)
    shuffled = list(events)
    order.shuffle(shuffled)
    repeated = shuffled + shuffled[: len(shuffled) // 3]  # some events delivered twice
    assert merge_ticket(repeated) == expected
    assert len(expected.history) + len(expected.echoes) == len(events)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 10**9), steps=st.integers(0, 30))
def test_one_console_alone_never_conflicts(seed: int, steps: int) -> None:
    assert merge_ticket(simulate(seed, 1, steps)).conflicts == ()
