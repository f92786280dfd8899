"""Opening the store's database for account administration from the command line."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from desktop.store import migrate
from desktop.store.engine import make_engine, resolve_url


def open_engine(url: str | None = None) -> Engine:
    """The store's engine (``url``, else ``$JMC_DB_URL``, else the per-user SQLite file), with
    its schema migrated to the newest revision, as ``Store.open`` does."""
    engine = make_engine(resolve_url(url))
    try:
        migrate.upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def safe_url(engine: Engine) -> str:
    """The engine's URL with any password masked, for messages."""
    return make_url(str(engine.url)).render_as_string(hide_password=True)
