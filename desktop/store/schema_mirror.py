"""Tables of the upstream mirror (see docs/mirror.md).

Local *and* upstream (same definitions on both sides):

* ``mirror_knowledge``: "console ``knower`` had stored ``peer``'s audited rows up to
  ``peer_seq`` when its own chain was at ``knower_seq``". Every event a console records with a
  ``chain_seq`` above ``knower_seq`` was made knowing those rows. This is what tells two
  decisions made *while apart* (concurrent) from one made after seeing the other. A row only
  grows (``peer_seq = max(...)``) until the knower's chain moves past ``knower_seq``.
* ``ticket_conflicts``: the unresolved conflicts of each ticket, recomputed deterministically
  from the ticket's events by :mod:`desktop.store.merge` (a cache; the events are the truth).

Local only: ``mirror_cursors`` (one pull cursor per other console). Upstream only (its own
metadata, never in the local migrations): ``mirror_origins`` (each console's highest pushed
``origin_seq``: where pullers look for news).
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.base import NAMING_CONVENTION, Base
from desktop.store.schema_tickets import EVENT_ID, ORIGIN


class MirrorCursor(Base):
    """How far this console has pulled another console's audited rows (contiguous)."""

    __tablename__ = "mirror_cursors"

    origin: Mapped[str] = mapped_column(ORIGIN, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)  # highest origin_seq stored here
    pulled_at: Mapped[float] = mapped_column(Float, default=0.0)


class MirrorKnowledge(Base):
    """What a console knew of another console's rows at a point of its own chain."""

    __tablename__ = "mirror_knowledge"
    __table_args__ = (Index("ix_mirror_knowledge_lookup", "knower", "peer", "knower_seq"),)

    knower: Mapped[str] = mapped_column(ORIGIN, primary_key=True)
    knower_seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer: Mapped[str] = mapped_column(ORIGIN, primary_key=True)
    peer_seq: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[float] = mapped_column(Float)


class TicketConflictRow(Base):
    """An unresolved conflict: concurrent decisions on one topic of a ticket (supervisor resolves)."""

    __tablename__ = "ticket_conflicts"

    conflict_id: Mapped[str] = mapped_column(EVENT_ID, primary_key=True)  # deterministic UUID 5
    ticket_id: Mapped[str] = mapped_column(String(40), index=True)
    topic: Mapped[str] = mapped_column(String(24))  # findings | evidence | assignee | dispatch | decision
    options_json: Mapped[str] = mapped_column(Text)  # the competing events (canonical JSON list)
    detected_at: Mapped[float] = mapped_column(Float)


#: tables that exist only upstream (never created in a console's local store)
UPSTREAM_ONLY = MetaData(naming_convention=NAMING_CONVENTION)

mirror_origins = Table(
    "mirror_origins",
    UPSTREAM_ONLY,
    Column("origin", ORIGIN, primary_key=True),
    Column("last_seq", Integer, nullable=False, default=0),  # highest audited origin_seq pushed
    Column("pushed_at", Float, nullable=False, default=0.0),
)
