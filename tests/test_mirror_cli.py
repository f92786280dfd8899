"""``jmc-console mirror status|sync|conflicts`` on a real store and a real PostgreSQL."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from desktop.store import mirror_cli
from desktop.store.api import Store
from desktop.store.upstream import ENV_URL
from tests.mirror_support import count_upstream, write_dispositions
from tests.pgdb import temp_database


@pytest.fixture(autouse=True)
def private_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Our own config directory and file secrets: no console.toml, no keyring of the machine."""
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("JMC_SECRETS_BACKEND", "file")


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="jmc-console")
    sub = parser.add_subparsers(dest="command", required=True)
    mirror_cli.add_parser(sub)
    return mirror_cli.run(parser.parse_args(["mirror", *argv]))


def test_sync_pushes_the_backlog_and_status_reports_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "console.sqlite3")
    store = Store.open(db, console_id="kh-01")
    write_dispositions(store, 30, tickets=3, per_commit=10)
    store.close()
    assert _run("status", "--db", db) == 0
    out = capsys.readouterr().out
    assert "console kh-01: backlog" in out and "backlog 0 " not in out and "local only" in out
    assert _run("sync", "--db", db) == 2
    assert "no upstream configured" in capsys.readouterr().err
    with temp_database("jmc_mirror_cli") as url:
        assert _run("sync", "--db", db, "--upstream", url) == 0
        out = capsys.readouterr().out
        assert "pushed" in out and "backlog 0 rows" in out and "postgres@" in out
        assert count_upstream(url, "SELECT count(*) FROM dispositions") == 30
    assert _run("conflicts", "--db", db) == 0
    assert capsys.readouterr().out == ""


def test_sync_to_a_database_that_is_not_there_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "console.sqlite3")
    store = Store.open(db, console_id="kh-01")
    write_dispositions(store, 3, tickets=1, per_commit=3)
    store.close()
    from sqlalchemy.engine import make_url

    from tests.pgdb import server_url

    missing = make_url(server_url()).set(database="jmc_no_such_db_for_mirror").render_as_string(False)
    assert _run("sync", "--db", db, "--upstream", missing) == 2
    assert "unreachable" in capsys.readouterr().err
