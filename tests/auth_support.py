"""Shared pieces of the tests/test_auth_*.py files: a settable clock and account databases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from desktop.auth.accounts import AccountService
from desktop.auth.passwords import OWASP_MINIMUM, Argon2Params
from desktop.store.base import Base
from desktop.store.engine import make_engine
from desktop.store.users_schema import UserAccount

T0 = 1_790_000_000.0  # epoch seconds, November 2026


class Clock:
    """Time that moves only when told to; ``sleep`` moves it and remembers how long."""

    def __init__(self, t: float = T0) -> None:
        self.t = t
        self.slept: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds


@contextmanager
def accounts_engine(url: str) -> Iterator[Engine]:
    """An engine with the store's connection policy and the ``user_accounts`` table."""
    engine = make_engine(url)
    Base.metadata.create_all(engine, tables=[UserAccount.__table__])  # type: ignore[list-item]
    try:
        yield engine
    finally:
        engine.dispose()


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'accounts.sqlite3'}"


def service(engine: Engine, clock: Clock, params: Argon2Params = OWASP_MINIMUM) -> AccountService:
    """A service on ``clock``; hashes at the OWASP floor to keep the tests quick."""
    return AccountService(engine, now=clock.now, sleep=clock.sleep, params=params)
