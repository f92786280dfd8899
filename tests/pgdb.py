"""A throw-away PostgreSQL database for one test session or test.

The server comes from ``JMC_TEST_PG_URL`` (``./jmc test`` sets it to the cluster it made sure
of), else ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``. Each call of
:func:`temp_database` creates a uniquely named database and drops it afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    """The maintenance database URL of the test server."""
    return os.environ.get("JMC_TEST_PG_URL", DEFAULT_URL)


@contextmanager
def temp_database(prefix: str = "jmc_test") -> Iterator[str]:
    """Create a fresh database; yield its SQLAlchemy URL; drop it (connections included)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url()).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
