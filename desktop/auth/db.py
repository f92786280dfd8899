"""Opening the store's database for account administration from the command line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from desktop.store.api import Store

#: the origin the account commands open the store as (they write nothing to the audit chain)
CLI_CONSOLE_ID = "jmc-console-cli"


@contextmanager
def open_engine(url: str | None = None) -> Iterator[Engine]:
    """The store's engine (``url``, else ``$JMC_DB_URL``, else the per-user SQLite file), opened
    and migrated by :meth:`Store.open`; closed on leaving. Raises ``StoreError``."""
    store = Store.open(url, console_id=CLI_CONSOLE_ID)
    try:
        yield store.engine
    finally:
        store.close()
