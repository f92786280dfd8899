"""Every table of the local store (importing this module registers them all on ``Base``)."""

from __future__ import annotations

from desktop.store import schema_mirror  # noqa: F401  (registers the mirror's local tables)
from desktop.store.base import Base
from desktop.store.schema_journal import JournalMark, JournalRow
from desktop.store.schema_ops import HandoverRow, OutboxRow, QuarantineRow
from desktop.store.schema_tickets import (
    ChainHead,
    ChainState,
    DispositionRow,
    SignoffRow,
    TicketEventRow,
    TicketRow,
)
from desktop.store.schema_trips import GateRow, OrderRow, SiteRow, TrackPoint, TripRow
from desktop.store.users_schema import UserAccount, UserRole

AUDITED_TABLES = (TicketEventRow, DispositionRow, SignoffRow)

__all__ = [
    "AUDITED_TABLES",
    "Base",
    "ChainHead",
    "ChainState",
    "DispositionRow",
    "GateRow",
    "HandoverRow",
    "JournalMark",
    "JournalRow",
    "OrderRow",
    "OutboxRow",
    "QuarantineRow",
    "SignoffRow",
    "SiteRow",
    "TicketEventRow",
    "TicketRow",
    "TrackPoint",
    "TripRow",
    "UserAccount",
    "UserRole",
]
