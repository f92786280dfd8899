"""The whole console as ``jmc-console gui --demo`` assembles it (pytest-qt, offscreen): a real
Mosquitto (or amqtt), the simulator, a real store in a temporary folder, demo accounts, the
docked ticket queue, audited actions, sign-off by a supervisor, and the screenshots.

One demo console runs for the module (starting one costs seconds); the tests act on tickets the
simulated traffic raised and leave the console signed in as the demo officer.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from desktop.app_console import ConsoleApp
from desktop.app_demo import DEMO_ACCOUNTS, DEMO_OFFICER
from desktop.cli import _parser, main
from desktop.models.ticket import Evidence
from desktop.store.api import Store
from desktop.views.main_window import MainWindow, real_or_placeholder_map
from desktop.views.tickets.panel import TicketPanel
from desktop.workflow.rows import TicketRow

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SIGNER_FOR_LEVEL = {1: "demo.section", 2: "demo.division", 3: "demo.head"}


class Demo:
    def __init__(self, console: ConsoleApp, window: MainWindow, printed: str) -> None:
        self.console = console
        self.window = window
        self.printed = printed
        self.passwords = dict(re.findall(r"^\s+(demo\.\w+)\s+(\S+)\s", printed, re.MULTILINE))

    @property
    def store(self) -> Store:
        assert self.console.store is not None
        return self.console.store

    @property
    def panel(self) -> TicketPanel:
        panel = self.window.tickets
        assert isinstance(panel, TicketPanel)
        return panel

    @property
    def session(self) -> Any:
        return self.console.session

    def stored(self) -> None:
        """Wait until the ticket writer has committed every action handed to it."""
        backend = self.console.backend
        assert backend is not None and backend.writer is not None
        assert backend.writer.flush(15)

    def rows(self) -> list[TicketRow]:
        return self.panel.model.rows()

    def sign_in_as(self, username: str) -> None:
        assert self.console.accounts is not None
        user = self.console.accounts.authenticate(username, self.passwords[username])
        self.session.switch_user(user)


@pytest.fixture(scope="module")
def demo(qapp: Any, languages: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    languages.switch("zh_TW")
    args = _parser().parse_args(
        ["gui", "--demo", "--vehicles", "80", "--speed", "30", "--anomaly-rate", "0.1", "--seed", "3"]
    )
    out = io.StringIO()
    console = ConsoleApp(args, out=out, err=io.StringIO())
    try:
        console.prepare()
        assert console.backend is not None and console.demo_user is not None
        console.backend.start()
        settings = QSettings(str(tmp_path_factory.mktemp("settings") / "jmc.ini"), QSettings.Format.IniFormat)
        window = console.open_window(
            console.demo_user, settings, languages, map_factory=real_or_placeholder_map
        )
        window.resize(1600, 960)
        yield Demo(console, window, out.getvalue())
    finally:
        console.close()
        languages.switch("zh_TW")


def wait_for_rows(qtbot: Any, demo: Demo, n: int = 1) -> None:
    qtbot.waitUntil(lambda: demo.panel.model.rowCount() >= n, timeout=45_000)


def open_ticket(qtbot: Any, demo: Demo, *, with_trip: bool = False, submittable: bool = False) -> TicketRow:
    """An open ticket in the queue (waiting for the traffic to raise one of the kind needed)."""
    found: list[TicketRow] = []

    def pick() -> bool:
        for row in demo.rows():
            if str(row.status) != "open" or not row.is_active:
                continue
            if submittable and row.code in ("A09", "S7"):  # may escalate meanwhile: needs the police
                continue
            if with_trip and (row.order_no is None or demo.window.feed.view(row.order_no) is None):
                continue
            found.append(row)
            return True
        return False

    qtbot.waitUntil(pick, timeout=60_000)
    return found[0]


def stored_events(store: Store, ticket_id: str) -> list[tuple[str, str]]:
    with store.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT kind, actor FROM ticket_events WHERE ticket_id = ? ORDER BY seq", (ticket_id,)
        ).all()
    return [(str(k), str(a)) for k, a in rows]


def audit_verify(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    """``jmc-console audit verify`` on the running console's store: exit 0 = every chain intact."""
    assert demo.console.folder is not None
    code = main(["audit", "verify", "--db", str(demo.console.folder.db_path)])
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err


# -- start -------------------------------------------------------------------------------------------


def test_the_demo_signs_in_its_officer_and_prints_the_passwords_only_on_the_terminal(demo: Demo) -> None:
    assert demo.console.demo_user is not None
    assert demo.console.demo_user.display_name == "示範值班關員" == DEMO_OFFICER.display_name
    assert set(demo.passwords) == {a.username for a in DEMO_ACCOUNTS}
    assert "示範值班關員" in demo.window.status.user.figure.text()
    assert demo.window.status.user.isVisibleTo(demo.window)
    assert demo.console.folder is not None
    demo.store.record_chain_head()  # the database files are written to
    for path in demo.console.folder.path.rglob("*"):
        data = path.read_bytes() if path.is_file() else b""
        for password in demo.passwords.values():
            assert password.encode() not in data, f"a demo password is in {path}"


def test_tickets_raised_by_simulated_traffic_appear_in_the_docked_queue(qtbot: Any, demo: Demo) -> None:
    assert demo.window.ticket_dock.widget() is demo.panel
    wait_for_rows(qtbot, demo)
    backend = demo.console.backend
    assert backend is not None
    with backend.lock:
        live = set(backend.pipeline.book.tickets)
    assert {r.id for r in demo.rows()} <= live | {t.id for t in backend.pipeline.book.withdrawn}


# -- acting on a ticket ------------------------------------------------------------------------------


def test_acknowledging_from_the_queue_is_audited_with_the_signed_in_officer(
    qtbot: Any, demo: Demo, capsys: pytest.CaptureFixture[str]
) -> None:
    wait_for_rows(qtbot, demo)
    row = open_ticket(qtbot, demo)
    assert demo.panel.select(row.id)
    demo.panel.view.setFocus()
    QTest.keyClick(demo.panel.view, Qt.Key.Key_Space)  # the queue's acknowledge key
    qtbot.waitUntil(lambda: str(demo.panel.model.find(row.id).status) == "acknowledged", timeout=5000)
    demo.stored()
    assert ("acknowledged", DEMO_OFFICER.username) in stored_events(demo.store, row.id)
    audit_verify(demo, capsys)


def test_a_watch_officers_screen_has_no_sign_off(qtbot: Any, demo: Demo) -> None:
    wait_for_rows(qtbot, demo)
    row = open_ticket(qtbot, demo)
    assert demo.panel.select(row.id)
    disposition = demo.panel.detail.disposition
    assert disposition.row is not None and disposition.row.id == row.id
    assert not disposition.sign.isVisibleTo(demo.panel)
    assert not disposition.password.isVisibleTo(demo.panel)
    menu = demo.session.menu
    assert menu.handover.isVisible() and menu.quarantine.isVisible()  # an officer's own tools
    texts = [a.text() for m in demo.window.menuBar().actions() if m.menu() for a in m.menu().actions()]
    assert not [t for t in texts if "簽核" in t or "sign off" in t.lower()]


def test_jump_to_trip_focuses_the_map_and_shows_the_trip(qtbot: Any, demo: Demo) -> None:
    wait_for_rows(qtbot, demo)
    qtbot.waitUntil(
        lambda: any(r.order_no and demo.window.feed.view(r.order_no) for r in demo.rows()), timeout=10_000
    )
    row = open_ticket(qtbot, demo, with_trip=True)
    focused: list[str] = []
    original = demo.window.map.focus_trip

    def spy(trip_id: str, *, follow: bool = False) -> None:
        focused.append(trip_id)
        original(trip_id, follow=follow)

    demo.window.map.focus_trip = spy
    try:
        assert demo.panel.select(row.id)
        demo.panel.view.setFocus()
        QTest.keyClick(demo.panel.view, Qt.Key.Key_M)  # the queue's map key → jumpToTrip
    finally:
        del demo.window.map.focus_trip
    assert focused == [row.order_no]
    assert demo.window.selected == row.order_no
    assert demo.window.detail.view is not None and demo.window.detail.view.trip_id == row.order_no


def test_a_supervisor_signs_in_and_signs_off_and_the_chain_verifies(
    qtbot: Any, demo: Demo, capsys: pytest.CaptureFixture[str]
) -> None:
    row = open_ticket(qtbot, demo, submittable=True)
    actions = demo.session.actions
    actions.acknowledge(row.id)
    actions.record_evidence(row.id, Evidence(system_images=True))
    actions.record_findings(row.id, "封條遭剪斷，已通知目的地關員 / seal cut, destination officer notified")
    level = int(actions.submit(row.id))
    signer = SIGNER_FOR_LEVEL[level]
    try:
        demo.sign_in_as(signer)
        panel = demo.panel
        assert panel.user.username == signer
        qtbot.waitUntil(lambda: panel.model.find(row.id) is not None, timeout=5000)
        assert panel.select(row.id)
        disposition = panel.detail.disposition
        assert disposition.sign.isVisibleTo(panel) and disposition.sign.isEnabled()
        disposition.password.setText(demo.passwords[signer])
        disposition.sign.click()  # re-authenticates off the GUI thread, then signs
        qtbot.waitUntil(lambda: str(panel.model.find(row.id).status) == "closed", timeout=10_000)
    finally:
        demo.sign_in_as(DEMO_OFFICER.username)
    demo.stored()
    events = stored_events(demo.store, row.id)
    assert events[-1] == ("signed_off", signer)
    with demo.store.read() as conn:
        seen = conn.exec_driver_sql("SELECT seen_head FROM signoffs WHERE ticket_id = ?", (row.id,)).scalar()
    assert seen is not None and re.fullmatch("[0-9a-f]{64}", str(seen))  # the chain head the signer saw
    audit_verify(demo, capsys)
    assert demo.panel.user.username == DEMO_OFFICER.username


def test_the_tickets_menu_opens_the_handover_and_the_stored_quarantine(qtbot: Any, demo: Demo) -> None:
    wait_for_rows(qtbot, demo)
    menu = demo.session.menu
    menu.handover.trigger()
    dialog = demo.session.handover_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.notes.setPlainText("交接測試 handover test")
    handover = dialog.compose_now()
    assert handover is not None and handover.outgoing == DEMO_OFFICER.username and handover.items
    assert [h.id for h in demo.store.open_handovers()] == [handover.id]
    dialog.close()
    backend = demo.console.backend
    assert backend is not None and backend.sampler is not None
    qtbot.waitUntil(lambda: (backend.sampler.quarantined or 0) > 0, timeout=30_000)
    menu.quarantine.trigger()
    browser = demo.session.quarantine_browser
    assert browser is not None and browser.isVisible()
    assert 0 < browser.model.rowCount() <= demo.store.quarantine_count()  # more may arrive meanwhile
    browser.close()


# -- screenshots -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh_TW", "en"])
def test_screenshot_of_the_whole_console(qtbot: Any, demo: Demo, languages: Any, language: str) -> None:
    wait_for_rows(qtbot, demo, 3)
    languages.switch(language)
    try:
        row = open_ticket(qtbot, demo, with_trip=True)
        assert demo.panel.select(row.id)
        assert demo.window.select_trip(row.order_no or "")
        qtbot.wait(1500)  # the map draws the selection; the queue drains
        demo.window.refresh_status()
        image = demo.window.grab().toImage()
        ARTIFACTS.mkdir(exist_ok=True)
        assert image.save(str(ARTIFACTS / f"app_console_{language}.png"))
        assert image.width() >= 1600 and demo.panel.model.rowCount() >= 3
        expected = "示範值班關員 · 監控關員" if language == "zh_TW" else "示範值班關員 · Watch officer"
        assert demo.window.status.user.figure.text() == expected
        assert demo.session.menu.title() == ("案件(&T)" if language == "zh_TW" else "&Tickets")
    finally:
        languages.switch("zh_TW")
