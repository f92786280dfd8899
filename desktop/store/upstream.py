"""The upstream PostgreSQL: where it is, its tables, and pushing one outbox batch into it.

Where (first found wins): the ``url`` given, ``$JMC_UPSTREAM_URL``, ``url`` in the
``[upstream]`` table of ``console.toml`` in the user's config directory. None: local only.
A URL without a password gets it from the console's secrets (``desktop.auth.secrets``,
name ``upstream-db-password``), else from ``$JMC_UPSTREAM_PASSWORD``.

The upstream schema is the local one's shared tables (same ORM definitions) plus
``mirror_origins``, created by :func:`ensure_schema` with ``create_all`` (idempotent, under an
advisory lock); see docs/mirror.md for why no Alembic branch yet.
"""

from __future__ import annotations

import logging
import os
import tomllib
from pathlib import Path
from typing import Any, Final

from platformdirs import user_config_dir
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from desktop.store.base import Base
from desktop.store.schema_mirror import UPSTREAM_ONLY, MirrorKnowledge, TicketConflictRow
from desktop.store.schema_ops import HandoverRow
from desktop.store.schema_tickets import (
    ChainHead,
    ChainState,
    DispositionRow,
    SignoffRow,
    TicketEventRow,
    TicketRow,
)

log = logging.getLogger(__name__)

ENV_URL: Final = "JMC_UPSTREAM_URL"
ENV_PASSWORD: Final = "JMC_UPSTREAM_PASSWORD"
CONFIG_FILE: Final = "console.toml"
CONNECT_TIMEOUT_S: Final = 5

#: the local tables that exist upstream too (same definitions)
SHARED_TABLES: Final = (
    TicketRow,
    TicketEventRow,
    DispositionRow,
    SignoffRow,
    ChainHead,
    ChainState,  # empty upstream: lets ``audit verify`` run there unchanged
    HandoverRow,
    MirrorKnowledge,
    TicketConflictRow,
)
_SCHEMA_LOCK: Final = 0x4A4D43_0001  # advisory lock ids ("JMC")
PUSH_LOCK: Final = 0x4A4D43_0002


class UpstreamError(RuntimeError):
    """The upstream is misconfigured; the message says what to fix."""


def config_path() -> Path:
    return Path(user_config_dir("jmc-console", appauthor=False)) / CONFIG_FILE


def _configured_url(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            doc = tomllib.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UpstreamError(f"cannot read {path}: {exc}") from exc
    section = doc.get("upstream", {})
    url = section.get("url") if isinstance(section, dict) else None
    if url is not None and not isinstance(url, str):
        raise UpstreamError(f"{path}: [upstream] url must be a string")
    return url or None


def _secret_password() -> str | None:
    try:
        from desktop.auth.secrets import UPSTREAM_DB_PASSWORD, get_secret
    except ImportError:  # pragma: no cover - desktop.auth is part of the console
        return None
    try:
        return get_secret(UPSTREAM_DB_PASSWORD)
    except Exception as exc:  # a broken secret store must not stop the console: say so, go on
        log.warning("cannot read the upstream password from the console's secrets: %s", exc)
        return None


def resolve_upstream_url(url: str | None = None, config: Path | None = None) -> str | None:
    """The upstream URL with its password filled in, or ``None`` (no upstream: local only).

    Raises:
        UpstreamError: a URL that is not ``postgresql+psycopg://...``, or an unreadable config.
    """
    chosen = url or os.environ.get(ENV_URL) or _configured_url(config or config_path())
    if not chosen:
        return None
    try:
        parsed = make_url(chosen)
    except ArgumentError as exc:
        raise UpstreamError(f"the upstream URL {chosen!r} is not a database URL: {exc}") from exc
    if parsed.get_backend_name() != "postgresql":
        raise UpstreamError(
            f"the upstream must be PostgreSQL (postgresql+psycopg://user@host/db), not {parsed.drivername}"
        )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.password is None:
        password = _secret_password() or os.environ.get(ENV_PASSWORD)
        if password:
            parsed = parsed.set(password=password)
    return parsed.render_as_string(hide_password=False)


def describe(url: str) -> str:
    """The URL without its password (for status lines and logs)."""
    return make_url(url).render_as_string(hide_password=True)


def make_upstream_engine(url: str) -> Engine:
    """An engine for the mirror's thread: small pool, pre-ping, bounded connect time."""
    return create_engine(
        url,
        pool_size=2,
        max_overflow=1,
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "jmc-console mirror"},
    )


def ensure_schema(conn: Connection) -> None:
    """Create the upstream tables that are missing (in the caller's transaction)."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SCHEMA_LOCK})
    tables: list[Any] = [t.__table__ for t in SHARED_TABLES]
    Base.metadata.create_all(conn, tables=tables, checkfirst=True)
    UPSTREAM_ONLY.create_all(conn, checkfirst=True)


def lock_push(conn: Connection) -> None:
    """Serialise pushes of all consoles (one upstream transaction at a time), so a ticket's
    converged state is computed from every event committed before it."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PUSH_LOCK})
