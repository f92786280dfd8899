"""The ticket panel in a narrow side dock (pytest-qt, offscreen): no more than ~340 px needed in
either language, badges that wrap, filters that fold away, the queue's columns (default five, a
header menu for the others, kept in QSettings), the age column, the stacked orientation, and the
main window with the docked panel inside 1366 × 768.

Screenshots go to tests/artifacts/ (not committed) for a person to look at.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QCheckBox, QWidget

from desktop.live.feed import LiveFeed
from desktop.live.track import PipelineTrackSource
from desktop.models.catalogue import Severity
from desktop.views.main_window import MainWindow, placeholder_map
from desktop.views.tickets.compact import ElidedLabel, WrapCheckBox
from desktop.views.tickets.labels import age_label
from desktop.views.tickets.panel import TicketPanel
from desktop.views.tickets.queue_columns import HIDDEN_BY_DEFAULT, VISUAL_ORDER
from desktop.views.tickets.queue_model import (
    COL_AGE,
    COL_CODE,
    COL_COUNT,
    COL_ORDER,
    COL_SEVERITY,
    COL_STATUS,
    TicketQueueModel,
)
from tests.helpers import SITES
from tests.scenario_gen import scenario
from tests.test_tickets_language import LANGS, switch, tr
from tests.workflow_support import OFFICER, Desk

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
NARROW = 360  # px: the narrowest the left dock should work at
DEFAULT_COLUMNS = [COL_SEVERITY, COL_CODE, COL_ORDER, COL_AGE, COL_STATUS]


def busy_desk() -> Desk:
    """Twelve simulated trips and the tickets they raise (every severity but one or two)."""
    d = Desk()
    h = d.harness
    for t, topic, raw in scenario(4, trips=12):
        h.clock.advance_to(t)
        h.pipeline.ingest(topic, raw)
    h.clock.advance_by(1800)
    h.pipeline.advance()
    assert len(h.pipeline.book.tickets) >= 10
    return d


def reload_feed(d: Desk) -> None:
    """Every ticket into the feed again (a new panel starts from all of them, as at sign-in)."""
    for ticket in d.harness.pipeline.book.tickets.values():
        d.feed.on_change("loaded", ticket)


def docked_panel(
    qtbot: Any, d: Desk, width: int = NARROW, settings: QSettings | None = None, height: int = 900
) -> TicketPanel:
    reload_feed(d)
    panel = TicketPanel(
        d.actions,
        d.feed,
        OFFICER,
        clock=d.harness.clock.now,
        orientation=Qt.Orientation.Vertical,
        settings=settings,
    )
    qtbot.addWidget(panel)
    panel.resize(width, height)
    panel.show()
    panel.refresh()
    qtbot.waitUntil(lambda: panel.width() == width, timeout=2000)
    return panel


def shown_columns(panel: TicketPanel) -> list[int]:
    header = panel.view.horizontalHeader()
    visual = [header.logicalIndex(v) for v in range(header.count())]
    return [col for col in visual if not header.isSectionHidden(col)]


# -- width ----------------------------------------------------------------------------------------


def test_the_panel_works_from_360_px_in_both_languages(qtbot: Any, zh_tw: Any) -> None:
    d = busy_desk()
    for lang in LANGS:
        switch(zh_tw, lang)
        panel = docked_panel(qtbot, d)
        for expanded in (False, True):
            panel.filters.set_expanded(expanded)
            assert panel.minimumSizeHint().width() <= NARROW, (lang, expanded)
            assert panel.header.minimumSizeHint().width() <= 340
            assert panel.filters.minimumSizeHint().width() <= 340
        codes = set()
        for r in range(panel.proxy.rowCount()):  # one ticket of each code, with its procedure
            row = panel.proxy.ticket_at(r)
            if row.code in codes:
                continue
            codes.add(row.code)
            assert panel.select(row.id)
            qtbot.wait(10)
            # the detail under the queue needs no horizontal scrolling either
            body = panel.detail.widget()
            assert body.minimumSizeHint().width() <= panel.detail.viewport().width(), (lang, row.code)
            assert not panel.detail.horizontalScrollBar().isVisible(), (lang, row.code)
        assert len(codes) >= 5
        # the five default columns fit without a horizontal scroll bar
        header = panel.view.horizontalHeader()
        assert header.length() <= panel.view.viewport().width() + 1, lang
        panel.close()


def test_the_header_wraps_its_badges_and_the_rate_elides(qtbot: Any, zh_tw: Any) -> None:
    switch(zh_tw, "en")
    panel = docked_panel(qtbot, busy_desk())
    badges = panel.header.badges
    assert panel.header.grid.columns_for(panel.header.width()) == 2
    assert badges[Severity.CRITICAL].y() == badges[Severity.HIGH].y() < badges[Severity.MEDIUM].y()
    panel.resize(1000, 900)
    qtbot.waitUntil(lambda: panel.header.grid.columns_for(panel.header.width()) == 4, timeout=2000)
    qtbot.waitUntil(lambda: badges[Severity.LOW].y() == badges[Severity.CRITICAL].y(), timeout=2000)
    assert badges[Severity.HIGH].count == panel.proxy.counts()[str(Severity.HIGH)] > 0
    assert badges[Severity.HIGH].toolTip().startswith(tr("en", "High"))

    label = ElidedLabel("Alarm rate 12.5/10 min (EEMUA 191 ≤ 1)")
    qtbot.addWidget(label)
    label.resize(90, 24)
    assert label.is_elided() and label.shown_text().endswith("…")
    assert label.text() == "Alarm rate 12.5/10 min (EEMUA 191 ≤ 1)"  # the whole text stays
    assert label.minimumSizeHint().width() < 90 < label.sizeHint().width()


# -- filters --------------------------------------------------------------------------------------


def test_the_filters_fold_away_and_say_how_many_are_on(qtbot: Any, zh_tw: Any, gui_settings: Any) -> None:
    d = busy_desk()
    panel = docked_panel(qtbot, d, settings=gui_settings)
    filters = panel.filters
    assert not filters.expanded and not filters.section.isVisible()
    assert filters.text.isVisible() and filters.status.isVisible()
    shown = panel.proxy.rowCount()
    filters.region.setCurrentIndex(filters.region.findData("keelung"))
    filters.mine.setChecked(True)
    assert panel.proxy.region == "keelung" and panel.proxy.mine == OFFICER.username
    assert panel.proxy.rowCount() < shown  # in effect while folded away
    assert filters.active_count() == 2
    assert filters.toggle.text() == f"▸ {tr('zh_TW', 'Filters')} (2)"
    assert filters.toggle.objectName() == "filterToggleActive"  # stands out while hiding tickets
    filters.toggle.click()
    assert filters.expanded and filters.section.isVisible()
    assert filters.toggle.objectName() == "filterToggle"
    gui_settings.sync()
    panel.close()

    again = docked_panel(qtbot, d, settings=gui_settings)
    assert again.filters.expanded and again.filters.section.isVisible()  # kept in the settings
    assert again.filters.active_count() == 0  # the filters themselves start cleared


# -- columns --------------------------------------------------------------------------------------


def test_five_columns_by_default_the_others_from_the_header_menu(
    qtbot: Any, zh_tw: Any, gui_settings: Any
) -> None:
    d = busy_desk()
    panel = docked_panel(qtbot, d, settings=gui_settings)
    assert shown_columns(panel) == DEFAULT_COLUMNS
    header = panel.view.horizontalHeader()
    assert all(header.isSectionHidden(c) for c in HIDDEN_BY_DEFAULT)

    menu = panel.view.columns.column_menu()
    actions = [a for a in menu.actions() if a.isCheckable()]
    assert [a.data() for a in actions] == list(VISUAL_ORDER)
    assert [a.text() for a in actions] == [
        panel.model.headerData(c, Qt.Orientation.Horizontal) for c in VISUAL_ORDER
    ]
    by_column = {a.data(): a for a in actions}
    assert not by_column[COL_SEVERITY].isEnabled() and not by_column[COL_CODE].isEnabled()
    by_column[COL_COUNT].trigger()  # show
    by_column[COL_STATUS].trigger()  # hide
    assert shown_columns(panel) == [COL_SEVERITY, COL_CODE, COL_ORDER, COL_AGE, COL_COUNT]
    header.moveSection(header.visualIndex(COL_AGE), header.visualIndex(COL_CODE))  # age before anomaly
    layout = shown_columns(panel)
    assert layout == [COL_SEVERITY, COL_AGE, COL_CODE, COL_ORDER, COL_COUNT]
    menu.deleteLater()
    gui_settings.sync()
    panel.close()

    again = docked_panel(qtbot, d, settings=gui_settings)
    assert shown_columns(again) == layout  # kept between sessions
    reset = next(
        a for a in again.view.columns.column_menu().actions() if a.text() == tr("zh_TW", "Default columns")
    )
    reset.trigger()
    assert shown_columns(again) == DEFAULT_COLUMNS
    again.close()
    assert shown_columns(docked_panel(qtbot, d, settings=gui_settings)) == DEFAULT_COLUMNS


def test_default_widths_follow_the_language_chosen_ones_stay(qtbot: Any, zh_tw: Any) -> None:
    panel = docked_panel(qtbot, busy_desk())
    columns = panel.view.columns
    zh = columns.default_widths()
    columns.resizeSection(COL_AGE, zh[COL_AGE] + 17)  # chosen by the officer
    switch(zh_tw, "en")
    en = columns.default_widths()
    assert en[COL_STATUS] != zh[COL_STATUS]  # "Sign-off" is wider than 待簽核
    assert columns.sectionSize(COL_STATUS) == en[COL_STATUS]
    assert columns.sectionSize(COL_AGE) == zh[COL_AGE] + 17


def test_the_age_column_reads_compactly_and_sorts_by_age(qtbot: Any, zh_tw: Any) -> None:
    minute, hour, day = 60, 3600, 86400
    ages = (30, 45 * minute, 99 * minute, 3.56 * hour, 27 * hour, 2.55 * day, 12 * day)
    expected = {
        "zh_TW": ["<1分", "45分", "99分", "3.5時", "27時", "2.5天", "12天"],
        "en": ["<1m", "45m", "99m", "3.5h", "27h", "2.5d", "12d"],
    }
    for lang in LANGS:
        switch(zh_tw, lang)
        assert [age_label(s) for s in ages] == expected[lang]

    panel = docked_panel(qtbot, busy_desk())
    proxy = panel.proxy
    now = panel.model.now
    for r in range(proxy.rowCount()):
        row = proxy.ticket_at(r)
        assert proxy.index(r, COL_AGE).data() == age_label(TicketQueueModel.age_of(row, now))
    panel.view.sortByColumn(COL_AGE, Qt.SortOrder.AscendingOrder)
    raised = [proxy.ticket_at(r).raised_at for r in range(proxy.rowCount())]
    assert raised == sorted(raised, reverse=True)  # youngest first
    assert len(set(raised)) > 1


# -- orientation ----------------------------------------------------------------------------------


def test_the_panel_stacks_the_detail_under_the_queue_on_request(qtbot: Any, zh_tw: Any) -> None:
    d = busy_desk()
    panel = docked_panel(qtbot, d)
    assert panel.orientation == Qt.Orientation.Vertical
    sizes = panel.splitter.sizes()
    assert sizes[0] > 0 and sizes[1] > 0 and not panel.splitter.childrenCollapsible()
    panel.set_stacked(False)
    assert panel.orientation == Qt.Orientation.Horizontal
    wide = TicketPanel(d.actions, d.feed, OFFICER, clock=d.harness.clock.now)
    qtbot.addWidget(wide)
    assert wide.orientation == Qt.Orientation.Horizontal  # the default, for a wide window


# -- the main window ------------------------------------------------------------------------------


def console_window(qtbot: Any, d: Desk, settings: QSettings, languages: Any) -> MainWindow:
    """The main window with the real ticket panel docked as the console docks it."""
    reload_feed(d)

    def panel(parent: QWidget) -> QWidget:
        assert isinstance(parent, MainWindow)
        return TicketPanel(
            d.actions,
            d.feed,
            OFFICER,
            parent,
            clock=d.harness.clock.now,
            orientation=Qt.Orientation.Vertical,
            settings=parent.settings,
        )

    window = MainWindow(
        LiveFeed(d.harness.pipeline, d.lock),
        SITES,
        settings=settings,
        languages=languages,
        track_source=PipelineTrackSource(d.harness.pipeline, d.lock),
        map_factory=placeholder_map,
        ticket_panel_factory=panel,
        clock=d.harness.clock.now,
    )
    qtbot.addWidget(window)
    window.show()
    window.poller.poll_now()
    return window


def test_the_main_window_with_the_docked_panel_fits_1366_by_768(
    qtbot: Any, zh_tw: Any, tmp_path: Path
) -> None:
    d = busy_desk()
    ARTIFACTS.mkdir(exist_ok=True)
    for lang in LANGS:
        switch(zh_tw, lang)
        settings = QSettings(str(tmp_path / f"{lang}.ini"), QSettings.Format.IniFormat)
        window = console_window(qtbot, d, settings, zh_tw)
        panel = window.tickets
        assert isinstance(panel, TicketPanel) and panel.orientation == Qt.Orientation.Vertical
        hint = window.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 768, (lang, hint)
        for width, height in ((1366, 768), (1920, 1080)):
            window.resize(width, height)
            qtbot.waitUntil(
                lambda w=window, size=(width, height): (w.width(), w.height()) == size, timeout=2000
            )
            assert panel.select(panel.proxy.ticket_at(0).id)
            window.select_trip(panel.proxy.ticket_at(0).order_no or "")
            qtbot.wait(50)
            assert window.grab().save(str(ARTIFACTS / f"tickets_main_window_{width}x{height}_{lang}.png"))
        window.close()


@pytest.mark.parametrize("lang", LANGS)
def test_screenshot_of_the_panel_380_px_wide(qtbot: Any, zh_tw: Any, lang: str) -> None:
    switch(zh_tw, lang)
    panel = docked_panel(qtbot, busy_desk(), width=380, height=900)
    assert panel.select(panel.proxy.ticket_at(1).id)
    qtbot.wait(50)  # let the layouts settle before grabbing
    ARTIFACTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(ARTIFACTS / f"tickets_panel_380_{lang}.png"))
    assert panel.detail.widget().grab().save(str(ARTIFACTS / f"tickets_panel_380_detail_{lang}.png"))
    panel.filters.set_expanded(True)
    qtbot.wait(50)
    assert panel.grab().save(str(ARTIFACTS / f"tickets_panel_380_filters_{lang}.png"))


def test_a_checklist_step_wraps_and_ticks_anywhere_on_its_text(qtbot: Any, zh_tw: Any) -> None:
    step = WrapCheckBox("1. 請門哨攔回車輛補行儀檢\nAsk the gate to bring the vehicle back for the scan")
    qtbot.addWidget(step)
    assert step.minimumSizeHint().width() < 200 < QCheckBox(step.text()).sizeHint().width()
    assert step.heightForWidth(200) > step.heightForWidth(800) >= 2 * step.fontMetrics().height()
    step.resize(200, step.heightForWidth(200))
    step.show()
    qtbot.mouseClick(step, Qt.MouseButton.LeftButton, pos=QPoint(190, step.height() - 5))  # the last line
    assert step.isChecked()
