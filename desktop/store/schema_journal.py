"""The message journal: every accepted field message, in the order the pipeline took it.

Written by the ingest writer in the same transaction as the message's other effects (so it is
covered by commit-before-ack), replayed at start to rebuild the pipeline's trips, timers and
rule contexts, pruned by housekeeping (see ``desktop/store/journal.py`` and docs/store.md).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.base import Base

# 64-bit ids on PostgreSQL; on SQLite an INTEGER primary key is the (64-bit) rowid
_JOURNAL_ID = BigInteger().with_variant(Integer(), "sqlite")


class JournalRow(Base):
    """One accepted (validated, not duplicate) message: topic, raw payload, and the console
    clock reading the pipeline processed it at. ``id`` is the journal order."""

    __tablename__ = "message_journal"

    id: Mapped[int] = mapped_column(_JOURNAL_ID, primary_key=True, autoincrement=True)
    received_at: Mapped[float] = mapped_column(Float, index=True)  # pipeline clock at ingest
    topic: Mapped[str] = mapped_column(Text)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    device: Mapped[str] = mapped_column(String(160))  # the dedup key: "obu:…", "seal:…", "order:…"
    seq: Mapped[int] = mapped_column(BigInteger)  # the device's seq (0 for orders)


class JournalMark(Base):
    """Named console times of the journal; ``console_time``: how far the pipeline had got (every
    journaled message and every timer due by then) when the ingest writer last committed."""

    __tablename__ = "journal_marks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
