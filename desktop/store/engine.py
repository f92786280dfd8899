"""Where the store lives and how its connections behave.

SQLite is the embedded default: ``{user_data_dir("jmc-console")}/console.sqlite3``, overridden
by an explicit URL or the ``JMC_DB_URL`` environment variable. Every SQLite connection uses
WAL, ``synchronous=FULL`` (a commit is on disk before it returns, so acknowledging a message
after a commit never loses it), a ``busy_timeout`` and foreign keys. Transactions are begun by
SQLAlchemy's event hooks rather than by pysqlite (the documented "serializable isolation /
savepoints" recipe): writers take ``BEGIN IMMEDIATE``, so two writers never deadlock on a lock
upgrade; connections from :func:`reader` take a plain deferred ``BEGIN`` and never block writers.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url

ENV_URL = "JMC_DB_URL"
BUSY_TIMEOUT_MS = 15_000
_READ_OPTION = "jmc_read_only"


def default_url() -> str:
    """The SQLite file under the user's data directory (created if missing)."""
    folder = Path(user_data_dir("jmc-console", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'console.sqlite3'}"


def resolve_url(url: str | None = None) -> str:
    """``url``, else ``$JMC_DB_URL``, else :func:`default_url`. A bare path means a SQLite file."""
    chosen = url or os.environ.get(ENV_URL) or default_url()
    if "://" not in chosen:
        chosen = f"sqlite:///{Path(chosen).expanduser().resolve()}"
    return chosen


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the store's connection policy (see the module docstring)."""
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True, **kwargs)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
    _install_sqlite_hooks(engine)
    return engine


def reader(engine: Engine) -> Engine:
    """The same engine (and pool) whose transactions begin deferred: for read-only work."""
    return engine.execution_options(**{_READ_OPTION: True})


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None  # pysqlite must not BEGIN by itself
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(_READ_OPTION):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
