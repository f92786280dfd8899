"""The console outside the demo (pytest-qt, offscreen): no accounts yet, the sign-in dialog, a
role that may not use the monitor, and a restart that shows the stored open tickets in the queue.

Real store on a temporary SQLite file (never the per-user default), real accounts (argon2id at
OWASP's minimum cost, to keep the tests fast), no broker: the console opens offline.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.app_cli import display_available, gui_args_of_demo, wants_window
from desktop.app_console import ConsoleApp
from desktop.app_session import sign_in
from desktop.auth.accounts import AccountService
from desktop.auth.passwords import OWASP_MINIMUM
from desktop.cli import _parser, main
from desktop.ingest.localbroker import mosquitto_available
from desktop.models.ticket import Ticket
from desktop.store.api import Store
from desktop.views.main_window import placeholder_map
from desktop.views.tickets.login import LoginDialog
from desktop.views.tickets.panel import TicketPanel
from desktop.workflow.actions import TicketActions
from tests.helpers import Harness
from tests.workflow_support import OFFICER, a06, seal_broken

PASSWORD = "correct horse battery"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "console.sqlite3"


def accounts_of(store: Store) -> AccountService:
    return AccountService(store.engine, params=OWASP_MINIMUM)


def gui_args(db: Path, *extra: str) -> argparse.Namespace:
    return _parser().parse_args(["gui", "--db", str(db), "--console-id", "console-test", *extra])


def test_without_accounts_the_console_tells_the_admin_what_to_run(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gui", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "尚無任何使用者帳號" in err and "no user accounts yet" in err
    assert f"jmc-console user add <帳號 username> --role admin --name <姓名 name> --db {db}" in err


def test_a_bad_broker_url_is_refused_before_any_store_is_created(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gui", "--db", str(db), "--broker", "http://example.org"]) == 2
    assert "use mqtt://host:port" in capsys.readouterr().err
    assert not db.exists()


def test_the_demo_command_opens_the_window_on_a_display_else_prints_text() -> None:
    args = _parser().parse_args(["demo", "--vehicles", "40", "--duration", "5"])
    assert display_available({"DISPLAY": ":0"}, "linux")
    assert display_available({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert display_available({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not display_available({}, "linux")
    assert display_available({}, "win32") and display_available({}, "darwin")
    assert wants_window(args, {"DISPLAY": ":0"})
    assert not wants_window(args, {})
    assert not wants_window(_parser().parse_args(["demo", "--text"]), {"DISPLAY": ":0"})
    assert not wants_window(_parser().parse_args(["demo", "--samples"]), {"DISPLAY": ":0"})
    gui = gui_args_of_demo(args)
    assert (gui.demo, gui.vehicles, gui.quit_after, gui.broker, gui.db) == (True, 40, 5.0, None, None)


# -- signing in ---------------------------------------------------------------------------------------


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    s = Store.open(str(db), console_id="console-test")
    accounts = accounts_of(s)
    accounts.create("lin.officer", "林值勤", "watch_officer", PASSWORD)
    accounts.create("gate.kl", "門哨", "gate_officer", PASSWORD)
    accounts.create("chang.admin", "張管理", "admin", PASSWORD)
    yield s
    s.close()


def answer_dialogs(answers: list[tuple[str, str]], refusals: list[str]) -> QTimer:
    """Fill each sign-in dialog that opens with the next answer; note and close refusals."""
    timer = QTimer()

    def tick() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, LoginDialog) and answers and not modal.password.text():
            username, password = answers.pop(0)
            modal.username.setText(username)
            modal.password.setText(password)
            modal.try_sign_in()
        elif isinstance(modal, QMessageBox):
            refusals.append(modal.text())
            modal.accept()

    timer.timeout.connect(tick)
    timer.start(50)
    return timer


def test_sign_in_refuses_a_role_without_the_monitor_and_asks_again(qapp: Any, store: Store) -> None:
    refusals: list[str] = []
    timer = answer_dialogs([("gate.kl", PASSWORD), ("lin.officer", PASSWORD)], refusals)
    try:
        user = sign_in(accounts_of(store))
    finally:
        timer.stop()
    assert user is not None and user.username == "lin.officer"
    assert len(refusals) == 1 and "gate.kl" in refusals[0]


def test_sign_in_checks_the_password_off_the_gui_thread(qapp: Any, store: Store) -> None:
    threads: list[str] = []
    accounts = accounts_of(store)
    real = accounts.authenticate

    def authenticate(username: str, password: str, **kw: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(username, password, **kw)

    accounts.authenticate = authenticate  # type: ignore[method-assign]
    timer = answer_dialogs([("lin.officer", PASSWORD)], [])
    try:
        user = sign_in(accounts)
    finally:
        timer.stop()
    assert user is not None and threads == ["jmc-auth"]


def test_cancelling_the_sign_in_returns_nobody(qapp: Any, store: Store) -> None:
    timer = QTimer()
    timer.timeout.connect(
        lambda: (
            isinstance(QApplication.activeModalWidget(), LoginDialog)
            and QApplication.activeModalWidget().reject()
        )  # type: ignore[union-attr]
    )
    timer.start(50)
    try:
        assert sign_in(accounts_of(store)) is None
    finally:
        timer.stop()


# -- restart ------------------------------------------------------------------------------------------


def work_before_restart(store: Store) -> Ticket:
    """A console ran: it raised an A06 and stored it; the officer acknowledged it."""
    h: Harness = seal_broken()
    ticket = a06(h)
    store.persist_ticket(ticket)
    actions = TicketActions(
        h.pipeline.book.tickets.get,
        threading.Lock(),
        user=OFFICER,
        persist=store.persist_ticket,
        clock=h.clock.now,
    )
    actions.acknowledge(ticket.id)
    return ticket


def test_after_a_restart_the_queue_shows_the_stored_open_tickets(
    qtbot: Any, db: Path, store: Store, zh_tw: Any, gui_settings: Any
) -> None:
    before = work_before_restart(store)
    store.close()
    console = ConsoleApp(gui_args(db))
    try:
        console.prepare()
        assert console.backend is not None and console.accounts is not None
        console.backend.start()
        user = console.accounts.authenticate("lin.officer", PASSWORD)
        window = console.open_window(user, gui_settings, zh_tw, map_factory=placeholder_map)
        panel = window.tickets
        assert isinstance(panel, TicketPanel)
        qtbot.waitUntil(lambda: panel.model.find(before.id) is not None, timeout=5000)
        row = panel.model.find(before.id)
        assert row is not None and str(row.status) == "acknowledged"
        assert window.status.user.figure.text() == "林值勤 · 監控關員"
        menu = console.session.menu
        assert menu.handover.isVisible() and menu.quarantine.isVisible()

        # an administrator may look, not handle tickets or write a handover (roles.can)
        admin = console.accounts.authenticate("chang.admin", PASSWORD)
        panel = console.session.switch_user(admin)
        assert isinstance(panel, TicketPanel) and window.tickets is panel
        qtbot.waitUntil(lambda: panel.model.find(before.id) is not None, timeout=5000)
        assert not menu.handover.isVisible() and menu.quarantine.isVisible()
        assert console.session.open_handover() is None
        assert panel.select(before.id)
        assert not panel.detail.disposition.dispatch.isEnabled()
        assert window.status.user.figure.text() == "張管理 · 系統管理員"
    finally:
        console.close()


@pytest.mark.skipif(not mosquitto_available(), reason="no mosquitto")
def test_jmc_demo_on_a_display_runs_the_whole_console_and_cleans_up(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        QTWEBENGINE_DISABLE_SANDBOX="1",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHONPATH=str(ROOT),
        TMPDIR=str(tmp_path),
    )
    env.pop("JMC_DB_URL", None)
    cmd = [sys.executable, "-m", "desktop", "demo", "--vehicles", "30", "--speed", "30", "--duration", "6"]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (
        "demo.officer" in result.stdout
        and "demo.section" in result.stdout
        and "demo.division" in result.stdout
    )
    assert "msgs/s" not in result.stdout  # the window, not the text summary
    assert (tmp_path / "config" / "JMC" / "JMC Console.conf").exists()  # the window ran and saved its layout
    assert not list(tmp_path.glob("jmc-demo-*"))  # the demo's store is gone with the demo
