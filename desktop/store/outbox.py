"""The outbox: changes for the upstream mirror, written in the transaction that made them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, insert

from desktop.store.chain import canonical_json
from desktop.store.schema_ops import OutboxRow


def write_outbox(
    conn: Connection, origin: str, changes: Sequence[tuple[str, str, dict[str, Any]]], now: float
) -> None:
    """Queue ``(table, row key, row)`` changes; ``payload_json`` is ``{"table", "row"}``."""
    if changes:
        conn.execute(
            insert(OutboxRow),
            [
                {
                    "origin": origin,
                    "table_name": table,
                    "row_key": key[:80],
                    "payload_json": canonical_json({"table": table, "row": row}),
                    "created_at": now,
                    "sent_at": None,
                }
                for table, key, row in changes
            ],
        )
