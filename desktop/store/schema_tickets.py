"""Tables of the tickets and their audit chain.

``ticket_events``, ``dispositions`` and ``signoffs`` are append-only and *audited*: each row
carries a globally unique deterministic ``event_id`` (the mirror's ``ON CONFLICT DO NOTHING``
key), the ``origin`` console id, a per-origin ``origin_seq`` (the mirror's cursor) and its
place ``chain_seq`` in the console's hash chain, with ``hash = SHA-256(previous hash ||
canonical row)`` (see :mod:`desktop.store.audit`). For audited rows ``origin_seq`` and
``chain_seq`` are drawn from the same per-origin counter, so they are equal.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.base import Base

EVENT_ID = String(36)  # a UUID (version 5: deterministic)
ORIGIN = String(64)  # a console id
HASH = String(64)  # SHA-256, lower-case hex


class TicketRow(Base):
    """The current state of a ticket (mutable: the history is in ``ticket_events``)."""

    __tablename__ = "tickets"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24), index=True)
    resolution: Mapped[str | None] = mapped_column(String(24), nullable=True)
    order_no: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    subject: Mapped[str] = mapped_column(String(80))
    region: Mapped[str] = mapped_column(String(32), index=True)
    raised_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)
    closed_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    occurrences: Mapped[int] = mapped_column(Integer, default=0)
    first_seen: Mapped[float] = mapped_column(Float)
    last_seen: Mapped[float] = mapped_column(Float)
    detail: Mapped[str] = mapped_column(Text, default="")
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    assignee: Mapped[str | None] = mapped_column(String(64), nullable=True)
    findings: Mapped[str] = mapped_column(Text, default="")
    system_images: Mapped[bool] = mapped_column(Boolean, default=False)
    operator_cctv: Mapped[bool] = mapped_column(Boolean, default=False)
    whereabouts_traced: Mapped[bool] = mapped_column(Boolean, default=False)
    actions_json: Mapped[str] = mapped_column(Text, default="[]")
    signoff_minimum: Mapped[int] = mapped_column(Integer, default=0)
    handling_json: Mapped[str] = mapped_column(Text)  # the HandlingUnit as JSON
    events_stored: Mapped[int] = mapped_column(Integer, default=0)  # highest event seq stored


class _Audited:
    """Columns every audited row has (a mixin: each table gets its own copies)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(EVENT_ID, unique=True)
    origin: Mapped[str] = mapped_column(ORIGIN)
    origin_seq: Mapped[int] = mapped_column(Integer)
    chain_seq: Mapped[int] = mapped_column(Integer)
    ticket_id: Mapped[str] = mapped_column(String(40), index=True)
    at: Mapped[float] = mapped_column(Float)  # epoch seconds
    actor: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(HASH)


class TicketEventRow(_Audited, Base):
    """One append-only :class:`~desktop.models.ticket.TicketEvent` of a ticket."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        UniqueConstraint("origin", "chain_seq", name="uq_ticket_events_origin_chain_seq"),
        UniqueConstraint("origin", "origin_seq", name="uq_ticket_events_origin_origin_seq"),
        UniqueConstraint("origin", "ticket_id", "seq", name="uq_ticket_events_origin_ticket_seq"),
    )

    seq: Mapped[int] = mapped_column(Integer)  # the event's place in its ticket's history
    kind: Mapped[str] = mapped_column(String(24))
    data_json: Mapped[str] = mapped_column(Text)  # canonical JSON (sorted keys, compact)


class DispositionRow(_Audited, Base):
    """A disposition entry (處理情形): an action taken, the findings, or the evidence flags."""

    __tablename__ = "dispositions"
    __table_args__ = (
        UniqueConstraint("origin", "chain_seq", name="uq_dispositions_origin_chain_seq"),
        UniqueConstraint("origin", "origin_seq", name="uq_dispositions_origin_origin_seq"),
    )

    source_event_id: Mapped[str] = mapped_column(EVENT_ID)  # the ticket event it comes from
    kind: Mapped[str] = mapped_column(String(16))  # action | findings | evidence
    action: Mapped[str | None] = mapped_column(String(40), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    findings: Mapped[str | None] = mapped_column(Text, nullable=True)
    system_images: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    operator_cctv: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    whereabouts_traced: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class SignoffRow(_Audited, Base):
    """A supervisor's sign-off (簽核): who, when, at which level, and the chain head they saw."""

    __tablename__ = "signoffs"
    __table_args__ = (
        UniqueConstraint("origin", "chain_seq", name="uq_signoffs_origin_chain_seq"),
        UniqueConstraint("origin", "origin_seq", name="uq_signoffs_origin_origin_seq"),
    )

    source_event_id: Mapped[str] = mapped_column(EVENT_ID)
    role: Mapped[str] = mapped_column(String(32))
    level: Mapped[int] = mapped_column(Integer)
    seen_head: Mapped[str] = mapped_column(String(64))  # chain head shown to the signer


class ChainState(Base):
    """The tail of each origin's chain, read and moved under the write lock when appending."""

    __tablename__ = "chain_state"

    origin: Mapped[str] = mapped_column(ORIGIN, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(HASH)
    head_recorded_seq: Mapped[int] = mapped_column(Integer, default=0)
    head_recorded_at: Mapped[float] = mapped_column(Float, default=0.0)


class ChainHead(Base):
    """A recorded chain head; pushed upstream by the mirror, so a rewritten tail shows."""

    __tablename__ = "chain_heads"
    __table_args__ = (UniqueConstraint("origin", "chain_seq", name="uq_chain_heads_origin_chain_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    origin: Mapped[str] = mapped_column(ORIGIN)
    chain_seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(HASH)
    recorded_at: Mapped[float] = mapped_column(Float)
    pushed_at: Mapped[float | None] = mapped_column(Float, nullable=True)  # set by the mirror
