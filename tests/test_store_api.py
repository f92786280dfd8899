"""The store's public API on real SQLite files (and PostgreSQL): tickets and their audited
history, idempotence, outbox, handovers, sessions, connection policy."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.models.ticket import TicketStatus
from desktop.store.api import Store, StoreError
from desktop.store.audit import verify
from desktop.store.chain import GENESIS
from desktop.store.engine import ENV_URL, resolve_url
from desktop.store.users_schema import UserAccount, UserRole
from tests.helpers import SITES
from tests.pgdb import temp_database
from tests.store_helpers import chain_rows, new_ticket, work_ticket


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(str(tmp_path / "store.sqlite3"), console_id="console-a")


def _count(store: Store, table: str) -> int:
    with store.read() as conn:
        return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())


def test_a_worked_ticket_is_stored_with_its_whole_history(store: Store) -> None:
    ticket = new_ticket()
    store.persist_ticket(ticket)
    work_ticket(store, ticket)
    with store.read() as conn:
        row = conn.exec_driver_sql("SELECT status, resolution, findings, events_stored FROM tickets").one()
        kinds = [k for (k,) in conn.exec_driver_sql("SELECT kind FROM ticket_events ORDER BY seq")]
        dispositions = conn.exec_driver_sql(
            "SELECT kind, action, note, findings, system_images FROM dispositions ORDER BY chain_seq"
        ).all()
        signoff = conn.exec_driver_sql("SELECT actor, role, level, seen_head FROM signoffs").one()
    assert tuple(row) == ("closed", "signed_off", "seal replaced by the haulier; cargo intact", 7)
    assert kinds == [e.kind for e in ticket.events]
    assert [tuple(d) for d in dispositions] == [
        ("action", "gate_interception", "stopped at gate 3", None, None),
        ("findings", None, None, "seal replaced by the haulier; cargo intact", None),
        ("evidence", None, None, None, 1),
    ]
    assert tuple(signoff)[:3] == ("chief.chen", "SECTION_CHIEF", 1)
    assert signoff[3] == ticket.events[-1].data["seen"] != GENESIS
    assert verify(store.engine).ok


def test_persisting_again_appends_nothing_twice(store: Store) -> None:
    ticket = new_ticket()
    for _ in range(3):
        store.persist_ticket(ticket)
    work_ticket(store, ticket)
    before = {t: _count(store, t) for t in ("ticket_events", "dispositions", "signoffs", "outbox")}
    head = store.chain_head()
    store.persist_ticket(ticket)
    store.persist_ticket(ticket)
    assert {t: _count(store, t) for t in ("ticket_events", "dispositions", "signoffs")} == {
        t: before[t] for t in ("ticket_events", "dispositions", "signoffs")
    }
    assert store.chain_head() == head
    assert _count(store, "ticket_events") == len(ticket.events)


def test_a_stale_copy_never_rolls_a_ticket_back(store: Store) -> None:
    """After a restart the pipeline re-derives a ticket from redelivered messages: fewer
    events than stored. Its counters merge; its status and history stay."""
    ticket = new_ticket()
    store.persist_ticket(ticket)
    ticket.acknowledge("officer.lin", 1.8e9 + 5)
    store.persist_ticket(ticket)
    fresh = new_ticket()
    fresh.record_occurrence(1.8e9 + 100, 1.8e9 + 101, "again")
    store.persist_ticket(fresh)
    with store.read() as conn:
        status, occurrences, last_seen = conn.exec_driver_sql(
            "SELECT status, occurrences, last_seen FROM tickets"
        ).one()
    assert status == TicketStatus.ACKNOWLEDGED
    assert occurrences == 2 and last_seen == 1.8e9 + 100
    assert _count(store, "ticket_events") == 2


def test_the_outbox_gets_every_change_in_the_same_transaction(store: Store) -> None:
    ticket = new_ticket()
    store.persist_ticket(ticket)
    work_ticket(store, ticket)
    with store.read() as conn:
        rows = conn.exec_driver_sql("SELECT table_name, row_key, payload_json FROM outbox ORDER BY id").all()
        event_ids = {e for (e,) in conn.exec_driver_sql("SELECT event_id FROM ticket_events")}
    tables = [t for t, _, _ in rows]
    assert tables.count("ticket_events") == len(ticket.events)
    assert tables.count("dispositions") == 3 and tables.count("signoffs") == 1
    assert tables.count("tickets") == 4  # one per persist
    assert "chain_heads" in tables  # the first write records the head
    outboxed = {key for t, key, _ in rows if t == "ticket_events"}
    assert outboxed == event_ids
    payload = json.loads(rows[-1][2])
    assert set(payload) == {"table", "row"}


def test_event_ids_are_deterministic_and_origins_keep_their_own_chains(tmp_path: Path) -> None:
    ids = []
    for name in ("one", "two"):
        store = Store.open(str(tmp_path / f"{name}.sqlite3"), console_id="console-a")
        store.persist_ticket(new_ticket())
        with store.read() as conn:
            ids.append(conn.exec_driver_sql("SELECT event_id, hash FROM ticket_events").one())
    assert ids[0] == ids[1]  # same console, same event: same id and same hash
    other = Store.open(str(tmp_path / "one.sqlite3"), console_id="console-b")
    other.persist_ticket(new_ticket("A10", "VS-9"))
    with other.read() as conn:
        origins = conn.exec_driver_sql("SELECT origin, origin_seq, chain_seq FROM ticket_events").all()
    assert sorted(tuple(r) for r in origins) == [("console-a", 1, 1), ("console-b", 1, 1)]
    result = verify(other.engine)
    assert result.ok and result.origins == {"console-a": 1, "console-b": 1}


def test_concurrent_writers_keep_one_unbroken_chain(store: Store) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(10):
                ticket = new_ticket("A10", f"VS-{n}-{i}")
                store.persist_ticket(ticket)
                ticket.acknowledge("officer", 1.8e9 + 1)
                store.persist_ticket(ticket)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [seq for seq, _, _ in chain_rows(Path(str(store.engine.url.database)))] == list(range(1, 81))
    assert verify(store.engine).ok


def test_sites_and_gates_are_saved_with_their_geofences(store: Store) -> None:
    store.save_sites(SITES)
    store.save_sites(SITES)  # again: replaced, not duplicated
    with store.read() as conn:
        sites = {
            r[0]: json.loads(r[1]) for r in conn.exec_driver_sql("SELECT code, geofence_geojson FROM sites")
        }
        gates = conn.exec_driver_sql("SELECT gate_id, site_code FROM gates").all()
    assert set(sites) == set(SITES.sites)
    assert all(g["type"] == "Polygon" and g["coordinates"] for g in sites.values())
    assert {tuple(g) for g in gates} == {(g.gate_id, g.site_code) for g in SITES.gates.values()}


def test_handovers_are_saved_listed_and_acknowledged_once(store: Store) -> None:
    summary = [{"id": "A06-VS-1", "code": "A06", "status": "open"}]
    first = store.save_handover("officer.lin", "A06 at KEE-T1 still open; haulier called", summary, at=10.0)
    second = store.save_handover("officer.wu", "quiet night", to_user="officer.lin", at=20.0)
    assert [h.id for h in store.open_handovers()] == [first, second]
    assert json.loads(store.open_handovers()[0].tickets_json) == summary
    store.acknowledge_handover(first, "officer.chang", at=30.0)
    assert [h.id for h in store.open_handovers()] == [second]
    with pytest.raises(StoreError, match=r"already acknowledged by officer\.chang"):
        store.acknowledge_handover(first, "officer.wu")
    with pytest.raises(StoreError, match="no handover"):
        store.acknowledge_handover("nope", "officer.wu")


def test_sessions_write_user_accounts(store: Store) -> None:
    with store.session() as session:
        session.add(
            UserAccount(
                username="chen.wl",
                display_name="陳文龍",
                role=UserRole.SECTION_CHIEF,
                password_hash="$argon2id$v=19$m=65536,t=3,p=4$x$y",
                created_at=1.0,
                password_changed_at=1.0,
            )
        )
    with store.session() as session:
        found = session.scalars(select(UserAccount)).one()
        assert (found.display_name, found.failed_attempts, found.disabled) == ("陳文龍", 0, False)


def test_sqlite_connections_use_wal_full_sync_and_a_busy_timeout(store: Store) -> None:
    with store.read() as conn:
        journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
        busy = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert (journal, sync) == ("wal", 2)  # 2 = FULL
    assert busy and int(busy) >= 1000


def test_a_write_holds_the_write_lock_from_its_first_statement(store: Store, tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: another connection cannot start writing while a store write is open."""
    inside = threading.Event()
    release = threading.Event()

    def work(conn: object) -> None:
        inside.set()
        release.wait(5)

    t = threading.Thread(target=store.write, args=(work,))
    t.start()
    assert inside.wait(5)
    other = sqlite3.connect(str(store.engine.url.database), timeout=0.1)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    finally:
        release.set()
        t.join()
        other.close()


def test_the_url_comes_from_the_argument_then_the_environment_then_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(ENV_URL, raising=False)
    assert resolve_url() == f"sqlite:///{tmp_path / 'xdg' / 'jmc-console' / 'console.sqlite3'}"
    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'env.sqlite3'}")
    assert resolve_url() == f"sqlite:///{tmp_path / 'env.sqlite3'}"
    assert resolve_url(str(tmp_path / "arg.sqlite3")) == f"sqlite:///{tmp_path / 'arg.sqlite3'}"
    store = Store.open(console_id="console-env")
    store.persist_ticket(new_ticket())
    assert (tmp_path / "env.sqlite3").exists()


def test_a_store_that_cannot_be_opened_says_why(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises((StoreError, OSError)):
        Store.open(str(blocker / "store.sqlite3"), console_id="c")
    with pytest.raises(StoreError, match="console's id"):
        Store(Store.open(str(tmp_path / "ok.sqlite3"), console_id="c").engine, "")


def test_the_same_api_on_postgresql() -> None:
    with temp_database("jmc_store_api") as url:
        store = Store.open(url, console_id="console-pg")
        try:
            ticket = new_ticket()
            store.persist_ticket(ticket)
            work_ticket(store, ticket)
            store.persist_ticket(ticket)
            assert _count(store, "ticket_events") == len(ticket.events)
            assert _count(store, "dispositions") == 3 and _count(store, "signoffs") == 1
            result = verify(store.engine)
            assert result.ok and result.rows == len(ticket.events) + 4
            handover = store.save_handover("officer.lin", "notes")
            store.acknowledge_handover(handover, "officer.wu")
            assert store.open_handovers() == []
        finally:
            store.engine.dispose()


def test_after_commit_hooks_run_after_each_commit_and_a_failing_one_is_contained(store: Store) -> None:
    calls: list[int] = []

    def broken() -> None:
        raise RuntimeError("hook bug")

    store.on_commit.extend([broken, lambda: calls.append(1)])
    store.persist_ticket(new_ticket())
    assert calls == [1]
    with pytest.raises(ZeroDivisionError), store.session():
        raise ZeroDivisionError  # rolled back: no hook
    assert calls == [1]
    with store.session():
        pass
    assert calls == [1, 1]
