"""The audit chain: editing, deleting, inserting or reordering any single audited row is found
and named; a rewritten tail is found against a recorded chain head; sign-offs bind the head
they saw; ``jmc-console audit verify`` reports with its exit status."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.cli import main
from desktop.store.api import Store
from desktop.store.audit import verify
from desktop.store.chain import GENESIS, link
from tests.store_helpers import chain_rows, new_ticket, work_ticket

CONSOLE = "console-kee-01"


def _build(db: Path) -> None:
    store = Store.open(str(db), console_id=CONSOLE)
    first = new_ticket()
    store.persist_ticket(first)
    work_ticket(store, first)
    store.persist_ticket(new_ticket("A10", "VS-2"))
    store.engine.dispose()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("audit") / "pristine.sqlite3"
    _build(db)
    return db


@pytest.fixture
def db(pristine: Path, tmp_path: Path) -> Iterator[Path]:
    copy = tmp_path / "store.sqlite3"
    with sqlite3.connect(pristine) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    yield copy


def _verify(db: Path) -> Any:
    store = Store.open(str(db), console_id=CONSOLE)
    try:
        return verify(store.engine)
    finally:
        store.engine.dispose()


def _sql(db: Path, *statements: tuple[str, tuple[Any, ...]]) -> None:
    with sqlite3.connect(db) as conn:
        for sql, params in statements:
            conn.execute(sql, params)


ROWS = 12  # chain rows the fixture writes: 8 ticket events, 3 dispositions, 1 sign-off


def test_the_fixture_chain_is_intact_and_spans_every_audited_table(pristine: Path) -> None:
    rows = chain_rows(pristine)
    assert [seq for seq, _, _ in rows] == list(range(1, ROWS + 1))
    assert {table for _, table, _ in rows} == {"ticket_events", "dispositions", "signoffs"}
    result = _verify(pristine)
    assert result.ok and result.rows == ROWS


@pytest.mark.parametrize("index", range(ROWS))
def test_an_edited_row_is_named(db: Path, index: int) -> None:
    _, table, row_id = chain_rows(db)[index]
    _sql(db, (f"UPDATE {table} SET at = at + 1 WHERE id = ?", (row_id,)))
    problem = _verify(db).problem
    assert problem is not None
    assert (problem.table, problem.row_id) == (table, row_id)
    assert "hash mismatch" in problem.reason


@pytest.mark.parametrize("index", range(ROWS))
def test_a_deleted_row_is_found(db: Path, index: int) -> None:
    rows = chain_rows(db)
    _, table, row_id = rows[index]
    _sql(db, (f"DELETE FROM {table} WHERE id = ?", (row_id,)))
    problem = _verify(db).problem
    assert problem is not None
    if index + 1 < len(rows):  # the row after the gap is named
        _, next_table, next_id = rows[index + 1]
        assert (problem.table, problem.row_id) == (next_table, next_id)
        assert f"chain_seq {index + 1} is missing" in problem.reason
    else:  # the last row: the chain no longer ends where the console recorded it
        assert problem.table in ("chain_state", "chain_heads")


@pytest.mark.parametrize("index", range(ROWS - 1))
def test_two_swapped_rows_are_found(db: Path, index: int) -> None:
    rows = chain_rows(db)
    (seq_a, table_a, id_a), (seq_b, table_b, id_b) = rows[index], rows[index + 1]
    _sql(
        db,
        (f"UPDATE {table_a} SET chain_seq = -1, origin_seq = -1 WHERE id = ?", (id_a,)),
        (f"UPDATE {table_b} SET chain_seq = ?, origin_seq = ? WHERE id = ?", (seq_a, seq_a, id_b)),
        (f"UPDATE {table_a} SET chain_seq = ?, origin_seq = ? WHERE id = ?", (seq_b, seq_b, id_a)),
    )
    problem = _verify(db).problem
    assert problem is not None
    assert (problem.table, problem.row_id, problem.chain_seq) == (table_b, id_b, seq_a)


@pytest.mark.parametrize("index", range(ROWS))
def test_a_row_inserted_into_the_chain_is_found(db: Path, index: int) -> None:
    """A forged event inserted at ``index`` with a correct hash over the row before it, the
    rows after renumbered to make room: the next original row no longer links."""
    rows = chain_rows(db)
    seq, table, row_id = rows[index]
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        previous = GENESIS
        if index:
            _, prev_table, prev_id = rows[index - 1]
            previous = conn.execute(f"SELECT hash FROM {prev_table} WHERE id = ?", (prev_id,)).fetchone()[0]
        for t in ("ticket_events", "dispositions", "signoffs"):
            conn.execute(
                f"UPDATE {t} SET chain_seq = chain_seq + 100000, origin_seq = origin_seq + 100000 "
                "WHERE chain_seq >= ?",
                (seq,),
            )
            conn.execute(
                f"UPDATE {t} SET chain_seq = chain_seq - 99999, origin_seq = origin_seq - 99999 "
                "WHERE chain_seq > 100000"
            )
        forged: dict[str, Any] = {
            "event_id": "forged-0000-0000-0000-000000000000",
            "origin": CONSOLE,
            "origin_seq": seq,
            "chain_seq": seq,
            "ticket_id": "A06-VS-1",
            "seq": 99,
            "kind": "action",
            "at": 1.8e9 + 5,
            "actor": "officer.lin",
            "data_json": '{"action":"xray","note":""}',
        }
        forged["hash"] = link(previous, "ticket_events", forged)
        names = ", ".join(forged)
        conn.execute(
            f"INSERT INTO ticket_events ({names}) VALUES ({', '.join('?' for _ in forged)})",
            tuple(forged.values()),
        )
    problem = _verify(db).problem
    assert problem is not None
    if problem.chain_seq == seq:  # a head was recorded right there: the forgery itself is named
        assert problem.table == "ticket_events" and "chain head" in problem.reason
    else:
        assert (problem.table, problem.row_id, problem.chain_seq) == (table, row_id, seq + 1)


def _rewrite_tail(db: Path, start_index: int) -> None:
    """Edit one row, then recompute every hash from it on and move ``chain_state``: the
    chain is self-consistent again, as a careful forger would leave it."""
    store = Store.open(str(db), console_id=CONSOLE)
    store.engine.dispose()
    rows = chain_rows(db)
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        _, table, row_id = rows[start_index]
        conn.execute(f"UPDATE {table} SET actor = 'someone.else' WHERE id = ?", (row_id,))
        previous = GENESIS
        for i, (_, t, rid) in enumerate(rows):
            row = dict(conn.execute(f"SELECT * FROM {t} WHERE id = ?", (rid,)).fetchone())
            if i >= start_index:
                for key in ("system_images", "operator_cctv", "whereabouts_traced"):
                    if key in row and row[key] is not None:
                        row[key] = bool(row[key])
                row["hash"] = link(previous, t, row)
                conn.execute(f"UPDATE {t} SET hash = ? WHERE id = ?", (row["hash"], rid))
            previous = row["hash"]
        conn.execute("UPDATE chain_state SET last_hash = ?", (previous,))


def test_a_rewritten_tail_is_found_against_a_recorded_head(db: Path) -> None:
    store = Store.open(str(db), console_id=CONSOLE)
    store.record_chain_head()  # the mirror pushes this upstream
    head = store.chain_head()
    store.engine.dispose()
    _rewrite_tail(db, ROWS - 1)  # the last row, after the sign-off
    result = _verify(db)
    assert result.problem is not None
    assert result.problem.chain_seq == ROWS
    assert "chain head" in result.problem.reason
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT hash FROM chain_heads WHERE chain_seq = ?", (ROWS,)).fetchone() == (head,)


def test_a_rewritten_tail_before_a_sign_off_no_longer_has_the_head_the_signer_saw(db: Path) -> None:
    _rewrite_tail(db, 5)  # chain_seq 6, before the sign-off at 11, after the head recorded at 1
    result = _verify(db)
    assert result.problem is not None
    assert (result.problem.table, result.problem.chain_seq) == ("signoffs", 11)
    assert "signer saw" in result.problem.reason


def test_a_sign_off_must_bind_a_head_of_the_chain_before_it(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "s.sqlite3"), console_id=CONSOLE)
    ticket = new_ticket()
    store.persist_ticket(ticket)
    work_ticket(store, ticket, signer_saw="f" * 64)
    problem = verify(store.engine).problem
    assert problem is not None and problem.table == "signoffs"
    assert "signer saw" in problem.reason


def test_a_sign_off_binds_the_head_it_saw(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "s.sqlite3"), console_id=CONSOLE)
    ticket = new_ticket()
    store.persist_ticket(ticket)
    work_ticket(store, ticket)
    with store.read() as conn:
        seen, seq = conn.exec_driver_sql("SELECT seen_head, chain_seq FROM signoffs").one()
        earlier = conn.exec_driver_sql(
            "SELECT chain_seq FROM ticket_events WHERE hash = ? UNION ALL "
            "SELECT chain_seq FROM dispositions WHERE hash = ?",
            (seen, seen),
        ).scalar_one()
    assert earlier < seq
    assert verify(store.engine).ok


def test_cli_names_the_bad_row_and_exits_1(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify", "--db", str(db)]) == 0
    assert f"{ROWS} rows" in capsys.readouterr().out
    _, table, row_id = chain_rows(db)[3]
    _sql(db, (f"UPDATE {table} SET actor = 'x' WHERE id = ?", (row_id,)))
    assert main(["audit", "verify", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert f"{table} id={row_id}" in err and "hash mismatch" in err


def test_cli_refuses_what_is_not_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).close()
    assert main(["audit", "verify", "--db", str(other)]) == 2
    assert "not a JMC Console store" in capsys.readouterr().err
