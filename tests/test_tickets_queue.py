"""The ticket queue in Qt: incremental model updates, filters, keyboard, annunciation, screenshots."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QSignalSpy

from desktop.models.ticket import TicketStatus
from desktop.views.tickets.panel import TicketPanel
from desktop.views.tickets.queue_model import ROW_ROLE
from tests.helpers import IN_ORIGIN
from tests.panel_support import show_panel
from tests.workflow_support import GATE, MID, OFFICER, Desk, a06, seal_broken, seal_cut_and_power_off

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def codes_shown(panel: TicketPanel) -> list[str]:
    return [panel.proxy.ticket_at(r).code for r in range(panel.proxy.rowCount())]


def test_new_and_changed_tickets_are_inserted_and_updated_without_a_reset(qtbot) -> None:  # type: ignore[no-untyped-def]
    d = Desk()
    panel = show_panel(qtbot, d)
    resets = QSignalSpy(panel.model.modelReset)
    inserted = QSignalSpy(panel.model.rowsInserted)
    changed = QSignalSpy(panel.model.dataChanged)
    seal_broken(d.harness)
    assert panel.refresh() >= 1
    assert inserted.count() == 1 and panel.model.rowCount() >= 1
    d.harness.status(6, pos=MID, pin="cut")  # another occurrence of the same episode
    panel.refresh()
    assert changed.count() >= 1 and inserted.count() == 1
    assert resets.count() == 0
    row = panel.model.find(a06(d.harness).id)
    assert row is not None and row.occurrences == 2


def test_default_order_is_severity_then_age_and_counts_per_severity(qtbot) -> None:  # type: ignore[no-untyped-def]
    d = seal_cut_and_power_off()
    panel = show_panel(qtbot, d)
    shown = codes_shown(panel)
    assert shown[0] == "A06" and "A04" in shown
    counts = panel.proxy.counts()
    assert counts["critical"] == 1 and counts["high"] >= 1
    assert panel.header.badges[next(iter(panel.header.badges))].count == 1


def test_filters_by_code_status_text_and_assignment(qtbot) -> None:  # type: ignore[no-untyped-def]
    d = seal_cut_and_power_off()
    panel = show_panel(qtbot, d)
    f = panel.filters
    f.code.setCurrentIndex(f.code.findData("A04"))
    assert codes_shown(panel) == ["A04"]
    f.code.setCurrentIndex(0)
    f.text.setText("csqu3054383")  # the container, case-insensitively
    assert set(codes_shown(panel)) >= {"A06", "A04"}
    f.text.setText("NO-SUCH")
    assert codes_shown(panel) == []
    f.text.clear()
    f.region.setCurrentIndex(f.region.findData("taipei"))
    assert codes_shown(panel) == []
    f.region.setCurrentIndex(f.region.findData("keelung"))
    d.actions.assign(a06(d.harness).id, OFFICER.username)
    panel.refresh()
    f.mine.setChecked(True)
    assert codes_shown(panel) == ["A06"]
    f.mine.setChecked(False)
    d.actions.shelve(a06(d.harness).id, "誤報 nuisance", 3600)
    panel.refresh()
    assert "A06" not in codes_shown(panel)
    f.status.setCurrentIndex(f.status.findData("shelved"))
    assert codes_shown(panel) == ["A06"]


def test_keyboard_next_unacknowledged_acknowledge_and_map(qtbot) -> None:  # type: ignore[no-untyped-def]
    d = seal_cut_and_power_off()
    panel = show_panel(qtbot, d)
    assert panel.annunciator.sounding  # a new critical alarm sounds
    jumps = QSignalSpy(panel.jumpToTrip)
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_N)
    first = panel.view.current_ticket()
    assert first is not None and first.code == "A06"
    qtbot.keyClick(panel.view, Qt.Key.Key_Space)
    assert a06(d.harness).status is TicketStatus.ACKNOWLEDGED
    assert a06(d.harness).events[-1].actor == OFFICER.username
    assert not panel.annunciator.sounding  # acknowledging silences it
    qtbot.keyClick(panel.view, Qt.Key.Key_M)
    assert jumps.count() == 1 and jumps.at(0) == ["ORD-1"]
    qtbot.keyClick(panel.view, Qt.Key.Key_N)
    second = panel.view.current_ticket()
    assert second is not None and second.code != "A06" and second.state.needs_ack
    qtbot.keyClick(panel.view, Qt.Key.Key_A)
    assert (
        not any(panel.proxy.index(r, 0).data(ROW_ROLE).state.needs_ack for r in range(panel.proxy.rowCount()))
        or panel.view.current_ticket().code != second.code
    )  # type: ignore[union-attr]
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert panel.detail.row is not None


def test_a_gate_officer_sees_the_queue_but_cannot_act(qtbot) -> None:  # type: ignore[no-untyped-def]
    d = seal_cut_and_power_off()
    panel = show_panel(qtbot, d, GATE)
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_N)
    qtbot.keyClick(panel.view, Qt.Key.Key_Space)
    assert a06(d.harness).status is TicketStatus.OPEN
    assert "ACK_TICKET" in panel.detail.message.text()
    box = panel.detail.disposition
    assert not box.ack.isEnabled() and not box.submit.isEnabled() and not box.sign.isVisible()


def test_screenshot_of_the_queue_in_zh_tw(qtbot, tickets_zh_tw) -> None:  # type: ignore[no-untyped-def]
    d = seal_cut_and_power_off()
    h = d.harness
    h.order(
        "ORD-2",
        minutes=1,
        containers=[{"container_no": "TGHU1234567", "seal_id": "VS-2", "seal_type": "active"}],
        obu_id="OBU-2",
    )
    h.fix(7, *IN_ORIGIN, obu_id="OBU-2", speed=0)
    panel = show_panel(qtbot, d)
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_N)
    for col in range(panel.model.columnCount()):
        panel.view.resizeColumnToContents(col)
    qtbot.wait(50)  # let the layouts settle before grabbing
    ARTIFACTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(ARTIFACTS / "tickets_queue_zh_TW.png"))
    assert panel.model.headerData(0, Qt.Orientation.Horizontal) == "嚴重度"
