"""Tables of the watch: handovers, quarantined messages, and the outbox to the mirror."""

from __future__ import annotations

from sqlalchemy import Float, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.base import Base


class HandoverRow(Base):
    """A shift handover (交接): notes and a summary of the open tickets, until acknowledged."""

    __tablename__ = "handovers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a UUID
    origin: Mapped[str] = mapped_column(String(64))
    from_user: Mapped[str] = mapped_column(String(64))
    to_user: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[float] = mapped_column(Float, index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    tickets_json: Mapped[str] = mapped_column(Text, default="[]")  # ticket summary
    acknowledged_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    acknowledged_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class QuarantineRow(Base):
    """A rejected field message (§3.7). Identical bytes on the same topic are kept once."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of topic NUL raw
    origin: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[float] = mapped_column(Float, index=True)
    reason: Mapped[str] = mapped_column(Text)


class OutboxRow(Base):
    """A change waiting for the upstream mirror: ``payload_json`` is ``{"table", "row"}``."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unsent", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    origin: Mapped[str] = mapped_column(String(64))
    table_name: Mapped[str] = mapped_column(String(32))
    row_key: Mapped[str] = mapped_column(String(80))
    payload_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)
    sent_at: Mapped[float | None] = mapped_column(Float, nullable=True)
