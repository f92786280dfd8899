"""Shared by the mirror tests and bench/mirror.py: tickets with many dispositions written
through the Store API, counting rows upstream, and making a PostgreSQL database unreachable."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from desktop.models.catalogue import HandlingUnit, Severity, UnitKind
from desktop.models.ticket import Action, Ticket, ticket_id
from desktop.store.api import Store
from tests.pgdb import server_url

BASE_TS = 1_795_000_000.0  # 2026-11 (epoch seconds)


def new_ticket(i: int, now: float = BASE_TS) -> Ticket:
    """A raised A01 ticket (deterministic id from its content)."""
    order_no, subject = f"ORD-M{i}", f"VS-M{i}"
    raised = BASE_TS + i
    ticket = Ticket(
        id=ticket_id("A01", order_no, subject, raised),
        code="A01",
        severity=Severity.HIGH,
        order_no=order_no,
        subject=subject,
        region="keelung",
        raised_at=raised,
        handling=HandlingUnit(UnitKind.MONITORING_CENTRE, None),
        updated_at=now,
    )
    ticket.record_occurrence(raised, now, "seal status: pin abnormal")
    return ticket


def write_dispositions(
    store: Store, count: int, tickets: int = 100, per_commit: int = 250, first_ticket: int = 0
) -> list[Ticket]:
    """Record ``count`` disposition actions spread over ``tickets`` tickets, committing every
    ``per_commit`` through :meth:`Store.persist_tickets`. Returns the tickets."""
    book = [new_ticket(first_ticket + i) for i in range(tickets)]
    written = 0
    while written < count:
        changed: dict[str, Ticket] = {}
        for _ in range(min(per_commit, count - written)):
            t = book[written % tickets]
            t.record_action("officer.chen", Action.XRAY, BASE_TS + 100 + written, note=f"#{written}")
            changed[t.id] = t
            written += 1
        store.persist_tickets(list(changed.values()), now=BASE_TS + 100 + written)
    return book


def count_upstream(url: str, sql: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def wait_for(condition: Callable[[], bool], timeout_s: float, every_s: float = 0.1) -> bool:
    """Poll ``condition`` until true or ``timeout_s`` passed (a timeout, not a timing assertion)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every_s)
    return condition()


@contextmanager
def unreachable(url: str) -> Iterator[None]:
    """The database at ``url`` refuses every connection (and drops the open ones) inside."""
    name = make_url(url).database
    admin = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
        admin.dispose()


def free_port() -> int:
    """A TCP port nothing listens on (right now)."""
    from desktop.ingest.localbroker import free_port as broker_free_port

    return broker_free_port()
