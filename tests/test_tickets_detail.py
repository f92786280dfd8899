"""Ticket detail and dialogs in Qt: disposition validation, sign-off level, checklist, login,
handover printing and acknowledgement, quarantine browser; zh-TW screenshots."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from pathlib import Path

from PySide6.QtCore import Qt

from desktop.auth.accounts import AccountService
from desktop.auth.passwords import OWASP_MINIMUM
from desktop.models.ticket import TicketStatus
from desktop.store.api import Store
from desktop.views.tickets.handover_view import HandoverDialog
from desktop.views.tickets.labels import level_label
from desktop.views.tickets.login import LoginDialog
from desktop.views.tickets.quarantine_view import QuarantineBrowser
from desktop.workflow.actions import Party
from desktop.workflow.handover import HandoverService
from desktop.workflow.quarantine import QuarantineReader
from tests.panel_support import show_panel
from tests.workflow_support import OFFICER, OFFICER_2, SECTION, Desk, a06, seal_broken

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def open_a06(qtbot, user=OFFICER):  # type: ignore[no-untyped-def]
    d = Desk()
    seal_broken(d.harness)
    panel = show_panel(qtbot, d, user, height=1000)
    assert panel.select(a06(d.harness).id)
    return d, panel


def test_submitting_without_findings_shows_the_bilingual_refusal(qtbot) -> None:  # type: ignore[no-untyped-def]
    d, panel = open_a06(qtbot)
    box = panel.detail.disposition
    qtbot.mouseClick(box.ack, Qt.MouseButton.LeftButton)
    assert a06(d.harness).status is TicketStatus.ACKNOWLEDGED
    assert box.submit.isEnabled()
    qtbot.mouseClick(box.submit, Qt.MouseButton.LeftButton)
    text = panel.detail.message.text()
    assert "請先填寫處理情形再送簽" in text and "Record the findings" in text
    assert a06(d.harness).status is TicketStatus.ACKNOWLEDGED


def test_the_sign_off_level_follows_the_evidence_ticks_before_submitting(qtbot) -> None:  # type: ignore[no-untyped-def]
    d, panel = open_a06(qtbot)
    box = panel.detail.disposition
    # the label names the level in the current UI language (a test before may have switched it)

    def shows(n: int) -> bool:
        return level_label(n) in box.level.text()

    assert shows(3)
    box.operator_cctv.setChecked(True)
    assert shows(2)
    box.system_images.setChecked(True)
    assert shows(1)
    box.system_images.setChecked(False)
    box.operator_cctv.setChecked(False)
    box.whereabouts.setChecked(True)
    assert shows(3)
    qtbot.mouseClick(box.ack, Qt.MouseButton.LeftButton)
    box.system_images.setChecked(True)
    box.findings.setPlainText("開櫃查驗，封條遭剪斷")
    qtbot.mouseClick(box.save, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(box.submit, Qt.MouseButton.LeftButton)
    t = a06(d.harness)
    assert t.status is TicketStatus.AWAITING_SIGNOFF and int(t.required_level) == 1
    assert t.events[-1].data == {"required_level": 1}


def test_checklist_ticks_are_audited_events(qtbot) -> None:  # type: ignore[no-untyped-def]
    d, panel = open_a06(qtbot)
    steps = panel.detail.steps
    assert list(steps)[:2] == ["notify_dest", "gate"]
    steps["notify_dest"].setChecked(True)
    last = a06(d.harness).events[-1]
    assert (last.kind, last.actor, last.data) == (
        "checklist",
        "lin.officer",
        {"step": "notify_dest", "done": True},
    )
    panel.refresh()
    assert panel.detail.steps["notify_dest"].isChecked()


def test_a_watch_officer_has_no_sign_off_control_and_a_section_chief_has(qtbot) -> None:  # type: ignore[no-untyped-def]
    _, panel = open_a06(qtbot)
    assert not panel.detail.disposition.sign.isVisibleTo(panel)
    _, chief = open_a06(qtbot, user=SECTION)
    assert chief.detail.disposition.sign.isVisibleTo(chief)


def test_screenshot_of_the_detail_in_zh_tw(qtbot, tickets_zh_tw) -> None:  # type: ignore[no-untyped-def]
    d, panel = open_a06(qtbot)
    t = a06(d.harness)
    d.actions.acknowledge(t.id)
    d.actions.tick(t.id, "notify_dest")
    d.actions.notify(t.id, Party.GATE, "第3門哨")
    panel.refresh()
    qtbot.wait(50)  # let the layouts settle before grabbing
    ARTIFACTS.mkdir(exist_ok=True)
    assert panel.detail.widget().grab().save(str(ARTIFACTS / "tickets_detail_zh_TW.png"))
    assert panel.detail.trip_labels["containers"].text() == "CSQU3054383"


def test_login_with_the_real_account_service(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(str(tmp_path / "c.sqlite3"), console_id="console-1")
    now = [1_790_000_000.0]
    try:
        accounts = AccountService(store.engine, params=OWASP_MINIMUM, now=lambda: now[0])
        accounts.create("lin.officer", "林值勤", "watch_officer", "correct horse battery 42")
        dialog = LoginDialog(accounts.authenticate, clock=lambda: now[0])
        qtbot.addWidget(dialog)
        dialog.username.setText("lin.officer")
        dialog.password.setText("wrong password 1234")
        assert not dialog.try_sign_in()
        assert dialog.error.text() and dialog.user is None
        dialog.password.setText("correct horse battery 42")
        if dialog._retry_at > now[0]:  # the failed-login delay: refused until it has passed
            assert not dialog.try_sign_in() and dialog.user is None
            now[0] = dialog._retry_at + 0.1
            dialog.password.setText("correct horse battery 42")
        assert dialog.try_sign_in()
        assert dialog.user.username == "lin.officer" and dialog.user.role == "watch_officer"
    finally:
        store.close()


def test_handover_prints_to_pdf_and_is_acknowledged_by_the_incoming_officer(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = Desk()
    seal_broken(d.harness)
    service = HandoverService(lambda: d.harness.pipeline.book.tickets.values(), d.lock, user=OFFICER)
    dialog = HandoverDialog(service)
    qtbot.addWidget(dialog)
    dialog.notes.setPlainText("ORD-1 封條破壞，待目的地開櫃")
    handover = dialog.compose_now()
    assert handover is not None and "ORD-1" in dialog.preview.toPlainText()
    from desktop.views.tickets.handover_view import print_handover_pdf

    pdf = print_handover_pdf(handover, tmp_path / "handover.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 1000
    assert not dialog.acknowledge_now()  # the outgoing officer cannot acknowledge their own
    service.user = OFFICER_2
    assert dialog.acknowledge_now()
    assert dialog.handover is not None and dialog.handover.acknowledged_by == OFFICER_2.username
    assert not dialog.acknowledge.isEnabled()


def test_quarantine_browser_filters_counts_and_exports(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = Desk()
    h = d.harness
    h.send("obu/OBU-9/telemetry", "{broken")
    h.send("seal/VS-9/status", {"v": 1, "seal_id": "VS-9"})
    browser = QuarantineBrowser(QuarantineReader(h.pipeline, d.lock))
    qtbot.addWidget(browser)
    assert browser.proxy.rowCount() == 2 and "2" in browser.counts.text()
    h.send("obu/OBU-8/telemetry", "[]")
    browser.reload()
    assert browser.model.rowCount() == 3  # only the new one was added
    browser.filter.setText("VS-9")
    assert browser.proxy.rowCount() == 1
    assert browser.export_csv(tmp_path / "q.csv") == 1
    lines = (tmp_path / "q.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and "VS-9" in lines[1]
