"""``INSERT ... ON CONFLICT`` for SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func
from sqlalchemy.dialects import postgresql, sqlite


def _insert(conn: Connection, table: Any) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"the store does not support {conn.dialect.name}")


def upsert(
    conn: Connection, table: Any, values: dict[str, Any] | Sequence[dict[str, Any]], keys: list[str]
) -> None:
    """Insert, or update every non-key column of the existing row with the same ``keys``."""
    rows = [values] if isinstance(values, dict) else list(values)
    if not rows:
        return
    stmt = _insert(conn, table)
    columns = [k for k in rows[0] if k not in keys]
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_={c: stmt.excluded[c] for c in columns})
    conn.execute(stmt, rows)


def insert_ignore(
    conn: Connection, table: Any, rows: Sequence[dict[str, Any]], keys: list[str] | None = None
) -> None:
    """Insert, skipping rows that collide with an existing one (``ON CONFLICT DO NOTHING``)."""
    if rows:
        stmt = _insert(conn, table)
        conn.execute(stmt.on_conflict_do_nothing(index_elements=keys), list(rows))


def upsert_greatest(
    conn: Connection, table: Any, rows: Sequence[dict[str, Any]], keys: list[str], column: str
) -> None:
    """Insert, or raise ``column`` of the existing row with the same ``keys`` to the new value
    when that is greater (it never goes down)."""
    if not rows:
        return
    stmt = _insert(conn, table)
    greatest = func.greatest if conn.dialect.name == "postgresql" else func.max  # SQLite: scalar max(a, b)
    new = {column: greatest(getattr(table, column), stmt.excluded[column])}
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=new), list(rows))
