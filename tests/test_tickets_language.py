"""The ticket screens follow a run-time language switch (the main window's LanguageSwitcher).

The expected texts come from the committed ``jmc_tickets_<lang>.ts`` files, not from this test;
procedures.toml texts come in the current language first. Screenshots after each switch go to
tests/artifacts/ (not committed) for a person to look at.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import shutil
import subprocess
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QSignalSpy
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from desktop.i18n.build import I18N_DIR, catalogue_sources, qt_tool, untranslated
from desktop.live.feed import LiveFeed
from desktop.views.main_window import MainWindow, placeholder_map
from desktop.views.tickets.handover_view import HandoverDialog
from desktop.views.tickets.i18n import english_name
from desktop.views.tickets.login import LoginDialog
from desktop.views.tickets.panel import TicketPanel
from desktop.views.tickets.quarantine_view import QuarantineBrowser
from desktop.views.tickets.queue_model import COL_CODE, COL_SEVERITY, COL_STATUS
from desktop.workflow.handover import HandoverService
from desktop.workflow.quarantine import QuarantineReader
from tests.helpers import SITES
from tests.panel_support import show_panel
from tests.workflow_support import OFFICER, OFFICER_2, Desk, a06, seal_broken, seal_cut_and_power_off

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LANGS = ("zh_TW", "en")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """source → translation of ``jmc_tickets_<lang>.ts``."""
    root = ET.parse(I18N_DIR / f"jmc_tickets_{lang}.ts").getroot()
    return {m.findtext("source") or "": m.findtext("translation") or "" for m in root.iter("message")}


def tr(lang: str, source: str) -> str:
    text = catalogue(lang)[source]
    assert text, f"{source!r} has no {lang} translation"
    return text


def switch_events() -> None:
    """Let the LanguageChange events posted by a switch arrive (windows, then their children)."""
    for _ in range(3):
        QCoreApplication.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)


def switch(languages: Any, lang: str) -> None:
    """What the main window's language menu does (``LanguageSwitcher.switch``), then the events."""
    assert languages.switch(lang)
    switch_events()


def busy_panel(qtbot: Any) -> tuple[Desk, TicketPanel]:
    """A06 (critical, selected, one checklist step ticked) and A04 in the queue."""
    d = seal_cut_and_power_off()
    panel = show_panel(qtbot, d, height=1000)
    t = a06(d.harness)
    d.actions.acknowledge(t.id)
    d.actions.tick(t.id, "notify_dest")
    panel.refresh()
    assert panel.select(t.id)
    return d, panel


def assert_panel_in(panel: TicketPanel, lang: str) -> None:
    other = "en" if lang == "zh_TW" else "zh_TW"
    header = panel.view.horizontalHeader()
    shown_headers = [panel.proxy.headerData(col, Qt.Orientation.Horizontal) for col in range(header.count())]
    expected = ["Severity", "Anomaly", "Status", "Order / subject", "Handling unit", "Raised", "Count"]
    assert shown_headers[: len(expected)] == [tr(lang, s) for s in expected]
    assert shown_headers[0] != tr(other, "Severity")
    # the queue's cells: severity, status and the anomaly's name in the UI language
    row = next(r for r in range(panel.proxy.rowCount()) if panel.proxy.ticket_at(r).code == "A06")
    ticket = panel.proxy.ticket_at(row)
    assert panel.proxy.index(row, COL_SEVERITY).data() == tr(lang, "Critical")
    assert panel.proxy.index(row, COL_STATUS).data() == tr(lang, "Acked")  # the queue's short label
    tooltip = panel.proxy.index(row, COL_CODE).data(Qt.ItemDataRole.ToolTipRole)
    assert f"{tr(lang, 'Critical')} · {tr(lang, 'Acknowledged')}" in tooltip.split("\n")
    names = {"zh_TW": ticket.name_zh, "en": "Seal broken"}  # English as words, not SEAL_BROKEN
    assert ticket.name_zh == "封條破壞" and ticket.name_en == "SEAL_BROKEN"
    assert panel.proxy.index(row, COL_CODE).data() == f"A06 {names[lang]}"
    # filters keep their choices and show them in the new language
    filters = panel.filters
    assert filters.mine.text() == tr(lang, "Assigned to me")
    assert filters.region.itemText(0) == tr(lang, "All regions")
    assert filters.region.itemText(1) == tr(lang, "Keelung")
    assert filters.status.itemText(0) == tr(lang, "Active")
    assert filters.site.placeholderText() == tr(lang, "Site")
    rate = tr(lang, "Alarm rate {rate}/10 min (EEMUA 191 ≤ {limit})")
    assert panel.header.rate.text().startswith(rate.split("{")[0])
    assert panel.header.rate.text().endswith(rate.split("}")[-1].format())
    assert panel.filters.toggle.text().endswith(tr(lang, "Filters"))
    # the detail and its disposition controls
    detail = panel.detail
    assert detail.trip_box.title() == tr(lang, "Trip")
    assert detail.trip_captions["order"].text() == tr(lang, "Transport order")
    assert detail.map_button.text() == tr(lang, "Show on map (M)")
    assert detail.procedure_box.title() == tr(lang, "Procedure")
    assert detail.timeline.headerItem().text(0) == tr(lang, "Time")
    assert tr(lang, "Acknowledged") in detail.summary.text()
    occurrences = {"zh_TW": "發生 1 次", "en": "1 occurrence"}[lang]  # a plural form of the catalogue
    assert f" · {occurrences} · " in detail.summary.text()
    box = detail.disposition
    assert box.ack.text() == tr(lang, "Acknowledge (Space)")
    assert box.submit.text() == tr(lang, "Submit for sign-off")
    assert box.evidence_box.title() == tr(lang, "Evidence and findings")
    assert box.level.text().startswith(tr(lang, "Sign-off needed: {level}").split("{")[0])
    # procedures.toml: the current language first, the other second
    procedure = detail.procedures["A06"]
    first, second = (
        (procedure.summary_zh, procedure.summary_en)
        if lang == "zh_TW"
        else (procedure.summary_en, procedure.summary_zh)
    )
    assert detail.procedure_summary.text() == f"{first}<br>{second}"
    step = procedure.steps[0]
    lines = detail.steps[step.id].text().split("\n")
    assert lines == ([f"1. {step.zh}", step.en] if lang == "zh_TW" else [f"1. {step.en}", step.zh])
    assert detail.steps["notify_dest"].isChecked()  # the tick survives the switch
    first_name, second_name = names[lang], names[other]
    assert detail.title.text().index(first_name) < detail.title.text().index(second_name)
    assert filters.code.itemText(filters.code.findData("A06")) == f"A06 {names[lang]}"


def test_the_panel_follows_the_language_both_ways(qtbot: Any, zh_tw: Any) -> None:
    _, panel = busy_panel(qtbot)
    panel.filters.status.setCurrentIndex(panel.filters.status.findData("all"))
    panel.detail.disposition.findings.setPlainText("開櫃查驗中 inspection under way")
    assert_panel_in(panel, "zh_TW")
    header_changes = QSignalSpy(panel.model.headerDataChanged)

    switch(zh_tw, "en")
    assert header_changes.count() >= 1
    assert_panel_in(panel, "en")
    switch(zh_tw, "zh_TW")
    assert_panel_in(panel, "zh_TW")

    # what the officer chose or typed is not touched by a switch
    assert panel.filters.status.currentData() == "all" and panel.proxy.status == "all"
    assert panel.detail.disposition.findings.toPlainText() == "開櫃查驗中 inspection under way"


def test_the_docked_panel_follows_the_main_windows_language_menu(
    qtbot: Any, zh_tw: Any, gui_settings: Any
) -> None:
    """In the main window: its language actions switch, and the docked panel follows."""
    d = Desk()
    seal_broken(d.harness)
    panels: list[TicketPanel] = []

    def make(parent: QWidget) -> QWidget:
        panels.append(TicketPanel(d.actions, d.feed, OFFICER, parent, clock=d.harness.clock.now))
        return panels[0]

    window = MainWindow(
        LiveFeed(d.harness.pipeline, d.lock),
        SITES,
        settings=gui_settings,
        languages=zh_tw,
        map_factory=placeholder_map,
        ticket_panel_factory=make,
        clock=d.harness.clock.now,
    )
    qtbot.addWidget(window)
    window.show()
    panel = panels[0]
    assert window.ticket_dock.widget() is panel
    assert panel.select(a06(d.harness).id)
    for lang in ("en", "zh_TW", "en"):
        window.actions_.languages[lang].trigger()
        switch_events()
        assert zh_tw.current == lang
        assert panel.proxy.headerData(0, Qt.Orientation.Horizontal) == tr(lang, "Severity")
        assert panel.filters.mine.text() == tr(lang, "Assigned to me")
        assert panel.detail.disposition.ack.text() == tr(lang, "Acknowledge (Space)")
        assert panel.detail.trip_box.title() == tr(lang, "Trip")


def test_the_dialogs_follow_the_language_both_ways(qtbot: Any, zh_tw: Any) -> None:
    class RefusedError(Exception):
        retry_after_s = 30.0

    def refuse(username: str, password: str) -> Any:
        raise RefusedError("帳號或密碼錯誤 / Wrong user name or password")

    login = LoginDialog(refuse, clock=lambda: 1000.0)
    qtbot.addWidget(login)
    login.username.setText("lin.officer")
    login.password.setText("wrong")
    assert not login.try_sign_in()  # the refusal stays as given; the wait button is translated

    d = Desk()
    seal_broken(d.harness)
    service = HandoverService(lambda: d.harness.pipeline.book.tickets.values(), d.lock, user=OFFICER)
    handover = HandoverDialog(service)
    qtbot.addWidget(handover)
    assert handover.compose_now() is not None
    service.user = OFFICER_2
    assert handover.acknowledge_now()

    d.harness.send("obu/OBU-9/telemetry", "{broken")
    browser = QuarantineBrowser(QuarantineReader(d.harness.pipeline, d.lock))
    qtbot.addWidget(browser)

    def check(lang: str) -> None:
        assert login.windowTitle() == tr(lang, "JMC Console — sign in")
        assert login.username_label.text() == tr(lang, "User name")
        assert login.password_label.text() == tr(lang, "Password")
        assert login.sign_in.text() == tr(lang, "Wait {s} s").format(s=30)
        assert login.error.text() == "帳號或密碼錯誤 / Wrong user name or password"
        cancel = login.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel.text() == QCoreApplication.translate("QPlatformTheme", "Cancel")
        assert handover.windowTitle() == tr(lang, "Shift handover")
        assert handover.notes_label.text() == tr(lang, "Notes for the incoming officer")
        assert handover.compose.text() == tr(lang, "Compose handover")
        assert handover.message.text() == tr(lang, "Handover acknowledged.")
        headers = [browser.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
        assert headers == [tr(lang, s) for s in ("Received", "Topic", "Device", "Reason")]
        assert browser.export.text() == tr(lang, "Export CSV…")
        assert browser.windowTitle() == tr(lang, "Quarantined messages — JMC Console")
        assert browser.counts.text().startswith(tr(lang, "{n} rejected; by reason:").format(n=1))

    check("zh_TW")
    zh_cancel = login.buttons.button(QDialogButtonBox.StandardButton.Cancel).text()
    switch(zh_tw, "en")
    check("en")
    assert login.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() != zh_cancel
    assert login.sign_in.text() != tr("zh_TW", "Wait {s} s").format(s=30)
    switch(zh_tw, "zh_TW")
    check("zh_TW")


def test_an_empty_login_hint_is_retranslated(qtbot: Any, zh_tw: Any) -> None:
    login = LoginDialog(lambda u, p: None)
    qtbot.addWidget(login)
    assert not login.try_sign_in()
    assert login.error.text() == tr("zh_TW", "Enter your user name and password.")
    assert login.sign_in.text() == tr("zh_TW", "Sign in")
    switch(zh_tw, "en")
    assert login.error.text() == tr("en", "Enter your user name and password.")
    assert login.sign_in.text() == tr("en", "Sign in") != tr("zh_TW", "Sign in")


def test_the_ticket_catalogues_hold_every_string_of_the_sources(tmp_path: Path) -> None:
    """lupdate over the ticket sources adds nothing new to the committed .ts files."""
    tool = qt_tool("lupdate")
    assert tool is not None
    sources = [str(p) for p in catalogue_sources()["jmc_tickets"]]
    for lang in LANGS:
        copy = tmp_path / f"jmc_tickets_{lang}.ts"
        shutil.copy(I18N_DIR / copy.name, copy)
        command = [str(tool), *sources, "-no-obsolete", "-ts", str(copy)]
        subprocess.run(command, check=True, capture_output=True)
        assert untranslated(copy) == [], f"strings missing from {copy.name}: run desktop.i18n.build --update"
        assert catalogue(lang)  # and the committed one parses


@pytest.mark.parametrize("order", [("en", "zh_TW"), ("zh_TW", "en")], ids=["to_zh_TW", "to_en"])
def test_screenshots_after_switching(qtbot: Any, zh_tw: Any, order: tuple[str, str]) -> None:
    """Everything is built first, then the language switches (twice: away and to ``order[-1]``)."""
    d, panel = busy_panel(qtbot)
    login = LoginDialog(lambda u, p: None)
    qtbot.addWidget(login)
    login.resize(420, 180)
    d.harness.send("obu/OBU-9/telemetry", "{broken")
    d.harness.send("seal/VS-9/status", {"v": 1, "seal_id": "VS-9"})
    browser = QuarantineBrowser(QuarantineReader(d.harness.pipeline, d.lock))
    qtbot.addWidget(browser)
    browser.resize(900, 300)
    service = HandoverService(lambda: d.harness.pipeline.book.tickets.values(), d.lock, user=OFFICER)
    handover = HandoverDialog(service)
    qtbot.addWidget(handover)
    assert handover.compose_now() is not None
    for lang in order:
        switch(zh_tw, lang)
    lang = order[-1]
    assert_panel_in(panel, lang)
    for col in range(panel.model.columnCount()):
        panel.view.resizeColumnToContents(col)
    qtbot.wait(50)  # let the layouts settle before grabbing
    ARTIFACTS.mkdir(exist_ok=True)
    shots = {
        "queue": panel.grab(),
        "detail": panel.detail.widget().grab(),
        "login": login.grab(),
        "quarantine": browser.grab(),
        "handover": handover.grab(),
    }
    for name, pixmap in shots.items():
        assert pixmap.save(str(ARTIFACTS / f"tickets_{name}_switched_{lang}.png")), name


def test_catalogue_identifiers_read_as_english_words() -> None:
    assert english_name("OBU_POWER_REMOVED") == "OBU power removed"
    assert english_name("SEAL_BROKEN") == "Seal broken"
    assert english_name("GNSS_JUMP") == "GNSS jump"
    assert english_name("A06") == "A06"  # a code standing in for an unknown name stays as it is
    assert english_name("Seal broken") == "Seal broken"
