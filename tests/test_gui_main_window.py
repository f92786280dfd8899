"""The main window (pytest-qt, offscreen): opens, follows the live feed, search, detail, replay,
language switch and persisted layout. The map is the placeholder with the MapView interface."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.ingest.service import IngestStatus
from desktop.live.feed import LiveFeed
from desktop.live.track import PipelineTrackSource
from desktop.views.main_window import MainWindow, placeholder_map
from tests.helpers import CONTAINER, SITES, Harness, route


@pytest.fixture
def harness() -> Harness:
    h = Harness()
    h.order(plate="KLA-1234", driver_id="DRV-0007")
    h.fix(1, 25.142, 121.744, speed=0)
    h.event(2, "sealed")
    h.status(2.5, pos=(25.142, 121.744))
    h.fix(3, *route(10)[0])
    return h


def make_window(qtbot: Any, h: Harness, settings: Any, languages: Any = None, **kw: Any) -> MainWindow:
    lock = threading.Lock()
    window = MainWindow(
        LiveFeed(h.pipeline, lock),
        SITES,
        settings=settings,
        languages=languages,
        track_source=PipelineTrackSource(h.pipeline, lock),
        map_factory=placeholder_map,
        clock=h.clock.now,
        **kw,
    )
    qtbot.addWidget(window)
    window.show()
    window.poller.poll_now()
    return window


def test_window_opens_with_map_docks_and_status_bar(qtbot: Any, zh_tw: Any, gui_settings: Any) -> None:
    status = IngestStatus(connected=True, msgs_per_s=1234.0, trips=1, rejected=7)
    window = make_window(qtbot, Harness(), gui_settings, zh_tw, status_source=lambda: status)
    assert window.centralWidget() is window.map
    assert window.detail_dock.windowTitle() == "行程明細"
    assert window.ticket_dock.windowTitle() == "異常案件佇列"
    assert window.status.broker.figure.text() == "已連線"
    assert window.status.rate.figure.text() == "1,234"
    assert window.status.quarantine.figure.text() == "7"
    assert window.status.mirror.figure.text() == "無"  # no store yet
    assert window.actions_.search.shortcut().toString() == "Ctrl+F"
    assert window.actions_.full_screen.shortcut().toString() == "F11"


def test_status_bar_flags_a_lost_broker_as_abnormal(qtbot: Any, zh_tw: Any, gui_settings: Any) -> None:
    status = IngestStatus(connected=False)
    window = make_window(qtbot, Harness(), gui_settings, zh_tw, status_source=lambda: status)
    assert window.status.broker.figure.text() == "▲ 已斷線"
    assert window.status.broker.figure.objectName() == "statusAlarm"


def test_a_simulated_trip_moves_on_the_map_and_in_the_detail_panel(
    qtbot: Any, zh_tw: Any, gui_settings: Any, harness: Harness
) -> None:
    window = make_window(qtbot, harness, gui_settings, zh_tw)
    before = window.map.trips["ORD-1"]
    assert (before.lat, before.lon) == route(10)[0]
    assert window.select_trip("ORD-1")
    harness.drive(3, points=10)
    delta = window.poller.poll_now()
    assert delta is not None and [v.trip_id for v in delta.changed] == ["ORD-1"]
    after = window.map.trips["ORD-1"]
    assert (after.lat, after.lon) == route(10)[-1]
    trail = window.map.trails["ORD-1"]  # one fix a minute; the map keeps the last 5 minutes
    assert len(trail) == 6 and (trail[-1].lat, trail[-1].lon) == route(10)[-1]
    assert f"{after.lat:.5f}" in window.detail.values["position"].text()
    assert window.map.focused == "ORD-1"


@pytest.mark.parametrize("query", ["ORD-1", "kla 1234", CONTAINER.lower(), "ord"])
def test_search_finds_the_trip_by_each_key(
    qtbot: Any, zh_tw: Any, gui_settings: Any, harness: Harness, query: str
) -> None:
    window = make_window(qtbot, harness, gui_settings, zh_tw)
    window.actions_.search.trigger()
    qtbot.keyClicks(window.search, query)
    with qtbot.waitSignal(window.tripSelected, timeout=2000) as chosen:
        qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert chosen.args == ["ORD-1"]
    assert window.selected == "ORD-1" and window.map.focused == "ORD-1"
    assert window.detail.title.text() == "ORD-1"


def test_search_that_matches_nothing_says_so(
    qtbot: Any, zh_tw: Any, gui_settings: Any, harness: Harness
) -> None:
    window = make_window(qtbot, harness, gui_settings, zh_tw)
    qtbot.keyClicks(window.search, "ZZZ-404")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.selected is None
    assert "ZZZ-404" in window.statusBar().currentMessage()


def test_selecting_a_trip_fills_the_detail_panel(
    qtbot: Any, zh_tw: Any, gui_settings: Any, harness: Harness
) -> None:
    harness.status(4, pin="abnormal", pos=route(10)[0])  # A01, high
    window = make_window(qtbot, harness, gui_settings, zh_tw)
    window.map.tripClicked.emit("ORD-1")
    v = window.detail.values
    assert v["order"].text() == "ORD-1"
    assert v["phase"].text() == "運送中"
    assert (v["origin"].text(), v["destination"].text()) == ("範例貨櫃集散站", "→ 範例碼頭")
    assert v["plate"].text() == "KLA-1234" and v["driver"].text() == "DRV-0007"
    assert v["containers"].text() == CONTAINER
    assert "VS-1" in v["seals"].text() and "主動" in v["seals"].text()
    assert v["left"].text() == "0:59:00"  # deadline: 60 min after the departure at minute 3; now 4
    assert "◆ 高" in v["tickets"].text()
    rows = [window.detail.ticket_list.item(i).text() for i in range(window.detail.ticket_list.count())]
    assert any(r.startswith("◆ 高  A01 封條異常(插銷異常)\n") and "待處理" in r for r in rows)


def test_language_switch_changes_labels_at_run_time(
    qtbot: Any, zh_tw: Any, gui_settings: Any, harness: Harness
) -> None:
    window = make_window(qtbot, harness, gui_settings, zh_tw)
    window.select_trip("ORD-1")
    assert window.actions_.view_menu.title() == "檢視(&V)"
    window.actions_.languages["en"].trigger()  # Qt delivers LanguageChange through the event loop
    qtbot.waitUntil(lambda: window.detail_dock.windowTitle() == "Trip detail", timeout=2000)
    assert window.actions_.view_menu.title() == "&View"
    assert window.detail.names["plate"].text() == "Plate"
    assert window.detail.values["phase"].text() == "In transit"
    assert window.detail.values["destination"].text() == "→ Example terminal"
    assert window.status.clock.caption.text() == "Time (Taipei)"
    assert gui_settings.value("ui/language") == "en"
    window.actions_.languages["zh_TW"].trigger()
    qtbot.waitUntil(lambda: window.detail.names["plate"].text() == "車牌", timeout=2000)


def test_layout_follow_mode_and_panels_persist(
    qtbot: Any, zh_tw: Any, gui_settings: Any, harness: Harness
) -> None:
    window = make_window(qtbot, harness, gui_settings, zh_tw)
    window.resize(760, 700)  # the offscreen screen is 800×800; restoreGeometry keeps windows on it
    assert window.replay_dock.isHidden()  # opens with a replay only: the map keeps the centre
    window.detail_dock.hide()
    window.actions_.follow.setChecked(True)
    window.close()
    again = make_window(qtbot, harness, gui_settings, zh_tw)
    assert again.detail_dock.isHidden() and not again.ticket_dock.isHidden()
    assert again.actions_.follow.isChecked()
    assert (again.width(), again.height()) == (760, 700)
    again.actions_.reset_layout.trigger()
    assert not again.detail_dock.isHidden() and again.replay_dock.isHidden()


def test_follow_mode_follows_the_selected_trip(
    qtbot: Any, zh_tw: Any, gui_settings: Any, harness: Harness
) -> None:
    window = make_window(qtbot, harness, gui_settings, zh_tw)
    window.select_trip("ORD-1")
    assert not window.map.following
    window.actions_.follow.trigger()
    assert window.map.following and window.map.focused == "ORD-1"
    window.actions_.clear_selection.trigger()
    assert window.map.focused is None and window.detail.view is None


def test_replay_shows_the_track_and_moves_the_cursor(
    qtbot: Any, zh_tw: Any, gui_settings: Any, harness: Harness
) -> None:
    harness.arrive_and_unseal(harness.drive(3, points=10) + 1)
    window = make_window(qtbot, harness, gui_settings, zh_tw)
    window.select_trip("ORD-1")
    replay = window.replay
    assert replay.track is not None and replay.play.isEnabled()
    replay.speed.setCurrentIndex(replay.speed.count() - 1)  # 60×
    with qtbot.waitSignal(replay.cursorMoved, timeout=3000):
        window.actions_.replay.trigger()
    assert replay.active and len(window.map.track) == len(replay.track.points)
    labels = [e[3] for e in window.map.track_events]
    assert "加封 VS-1" in labels and "解封 VS-1" in labels
    start = replay.replay_ts
    qtbot.waitUntil(lambda: replay.replay_ts >= start + 10, timeout=3000)
    assert window.map.track_cursor == replay.replay_ts
    replay.seek(replay.track.end or 0)
    assert replay.slider.value() == replay.slider.maximum()
    assert window.replay_dock.isVisible()
    replay.stop.click()
    assert window.map.track == [] and not replay.active
    assert window.replay_dock.isHidden()  # the map gets the centre back
