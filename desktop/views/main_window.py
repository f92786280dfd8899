"""The console's main window: map in the centre, dockable ticket queue, trip detail and replay,
search and follow mode in the toolbar, large status figures in the status bar.

Layout, panel state, follow mode and language persist in :class:`QSettings`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QToolBar, QWidget

from desktop.i18n.runtime import LanguageSwitcher
from desktop.live.feed import LiveFeed
from desktop.live.track import TrackSource
from desktop.live.views import FeedDelta
from desktop.models.sites import SiteIndex
from desktop.views.main_actions import MainActions
from desktop.views.placeholders import PlaceholderMapView, PlaceholderTicketPanel
from desktop.views.poller import LivePoller
from desktop.views.replay_panel import ReplayPanel
from desktop.views.search_box import SearchBox
from desktop.views.status_panel import MirrorBacklog, QuarantineCount, StatusPanel, StatusSource
from desktop.views.trip_detail import TripDetailPanel

MapFactory = Callable[[SiteIndex, QWidget], Any]  # returns a MapView-like QWidget
TicketPanelFactory = Callable[[QWidget], QWidget]
SETTINGS_VERSION = 1


def placeholder_map(sites: SiteIndex, parent: QWidget) -> Any:
    return PlaceholderMapView(sites, parent=parent)


def real_or_placeholder_map(sites: SiteIndex, parent: QWidget) -> Any:
    """``desktop.map.widget.MapView`` when it is available, else the placeholder."""
    try:
        from desktop.map.widget import MapView
    except ImportError:
        return PlaceholderMapView(sites, parent=parent)
    return MapView(sites, parent=parent)


class MainWindow(QMainWindow):
    """The main window.

    Args:
        feed: the live feed (polled on this thread every ``poll_ms``).
        sites: sites for the map and the detail panel's names.
        settings: where layout and preferences persist.
        languages: the language switcher (``None``: no language menu actions take effect).
        status_source: the latest :class:`IngestStatus` (``None`` when not connected).
        mirror_backlog: outbox rows not yet upstream (``None``: no upstream mirror).
        quarantine_count: quarantined messages in the store (``None``: the ingest status's count).
        track_source: where the replay gets tracks.
        map_factory: builds the map widget (default: the real map, else the placeholder).
        ticket_panel_factory: builds the ticket queue (default: a placeholder list). If the
            widget has a ``tripSelected(str)`` or ``jumpToTrip(str)`` signal it selects the trip;
            if it has ``apply(FeedDelta)`` it gets every delta.
        clock: the console clock (epoch seconds) for the time left and the status clock.
    """

    tripSelected = Signal(str)  # noqa: N815 - Qt signal naming

    def __init__(
        self,
        feed: LiveFeed,
        sites: SiteIndex,
        *,
        settings: QSettings,
        languages: LanguageSwitcher | None = None,
        status_source: StatusSource = lambda: None,
        mirror_backlog: MirrorBacklog = lambda: None,
        quarantine_count: QuarantineCount = lambda: None,
        track_source: TrackSource | None = None,
        map_factory: MapFactory | None = None,
        ticket_panel_factory: TicketPanelFactory | None = None,
        clock: Callable[[], float] = time.time,
        poll_ms: int = 250,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.feed = feed
        self.settings = settings
        self.languages = languages
        self._status_source = status_source
        self._mirror_backlog = mirror_backlog
        self._quarantine_count = quarantine_count
        self._clock = clock
        self.selected: str | None = None
        self.map = (map_factory or real_or_placeholder_map)(sites, self)
        self.setCentralWidget(self.map)
        self.map.tripClicked.connect(self.select_trip)
        current = languages.current if languages is not None else ""
        self._set_map_language(current or str(settings.value("ui/language", "zh_TW")))
        if languages is not None:
            languages.languageChanged.connect(self._set_map_language)
        self.detail = TripDetailPanel(sites, self)
        self.replay = ReplayPanel(track_source, self)
        self.tickets = (ticket_panel_factory or PlaceholderTicketPanel)(self)
        # the side panels run the full height; the replay sits under the map only
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.ticket_dock = self._dock("ticketDock", self.tickets, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.detail_dock = self._dock("detailDock", self.detail, Qt.DockWidgetArea.RightDockWidgetArea)
        self.replay_dock = self._dock("replayDock", self.replay, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.resizeDocks([self.ticket_dock, self.detail_dock], [420, 340], Qt.Orientation.Horizontal)
        self.resizeDocks([self.replay_dock], [300], Qt.Orientation.Vertical)
        self._connect_ticket_panel(self.tickets)
        self.search = SearchBox(feed.find, self)
        self.search.tripChosen.connect(self.select_trip)
        self.search.notFound.connect(self._not_found)
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.addWidget(self.search)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.status = StatusPanel(self)
        self.statusBar().addPermanentWidget(self.status, 1)
        self.actions_ = MainActions(self)
        self.toolbar.addAction(self.actions_.follow)
        self.toolbar.addAction(self.actions_.replay)
        for dock in (self.ticket_dock, self.detail_dock, self.replay_dock):
            self.actions_.panels_menu.addAction(dock.toggleViewAction())
        self._connect_actions()
        self.replay.started.connect(self._replay_started)
        self.replay.cursorMoved.connect(self.map.set_track_cursor)
        self.replay.closed.connect(self._replay_closed)
        self.poller = LivePoller(feed, poll_ms, self)
        self.poller.delta.connect(self.apply_delta)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(1000)
        self._clock_timer.timeout.connect(self.refresh_status)
        # the replay dock opens with a replay (Ctrl+R) and closes with it: the map keeps the centre
        self.replay_dock.hide()
        self._default_state = self.saveState(SETTINGS_VERSION)
        self._fit_screen()
        self.restore_settings()
        self.retranslate()
        self.refresh_status()

    def _dock(self, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def _connect_ticket_panel(self, panel: QWidget) -> None:
        for name in ("tripSelected", "jumpToTrip"):  # the placeholder's, the TicketPanel's
            if hasattr(panel, name):
                getattr(panel, name).connect(self.select_trip)

    def set_ticket_panel(self, panel: QWidget) -> None:
        """Dock another ticket panel in place of the current one (e.g. another user signed in);
        the old one is deleted."""
        old = self.tickets
        self.tickets = panel
        self.ticket_dock.setWidget(panel)
        self._connect_ticket_panel(panel)
        if old is not panel:
            old.hide()
            old.deleteLater()

    def _connect_actions(self) -> None:
        a = self.actions_
        a.quit.triggered.connect(self.close)
        a.search.triggered.connect(self.focus_search)
        a.follow.toggled.connect(self._follow_toggled)
        a.clear_selection.triggered.connect(self.clear_selection)
        a.replay.triggered.connect(self._replay_selected)
        a.full_screen.toggled.connect(self.set_full_screen)
        a.reset_layout.triggered.connect(self.reset_layout)
        a.region_group.triggered.connect(lambda action: self.map.fit_region(action.data()))
        a.language_group.triggered.connect(lambda action: self.switch_language(action.data()))
        a.about.triggered.connect(self._about)

    def start(self) -> None:
        """Start polling the feed and ticking the clock."""
        self.poller.start()
        self._clock_timer.start()

    # -- live data --------------------------------------------------------------------------------

    def apply_delta(self, delta: FeedDelta) -> None:
        """Hand one feed delta to the map, the ticket queue and (if it concerns it) the detail."""
        self.map.apply(delta)
        apply = getattr(self.tickets, "apply", None)
        if callable(apply):
            apply(delta)
        selected = self.selected
        if selected is None:
            return
        for view in delta.changed:
            if view.trip_id == selected:
                self.detail.show_trip(view, self.feed.tickets(selected))
                break

    def refresh_status(self) -> None:
        now = self._clock()
        self.status.refresh(self._status_source(), self._mirror_backlog(), now, self._quarantine_count())
        self.detail.tick(now)

    # -- selection --------------------------------------------------------------------------------

    def select_trip(self, trip_id: str) -> bool:
        """Select a trip: detail panel, highlight (and follow) on the map, replay timeline."""
        view = self.feed.view(trip_id)
        if view is None:
            self.statusBar().showMessage(self.tr("Trip {trip} is not known").format(trip=trip_id), 5000)
            return False
        self.selected = trip_id
        self.detail.show_trip(view, self.feed.tickets(trip_id))
        self.detail.tick(self._clock())
        self.map.focus_trip(trip_id, follow=self.actions_.follow.isChecked())
        self.replay.load(trip_id)
        self.tripSelected.emit(trip_id)
        return True

    def clear_selection(self) -> None:
        self.replay.close_replay()
        self.selected = None
        self.detail.show_trip(None)
        self.map.clear_focus()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _not_found(self, text: str) -> None:
        self.statusBar().showMessage(self.tr("No trip matches “{text}”").format(text=text), 5000)

    def _follow_toggled(self, on: bool) -> None:
        self.settings.setValue("window/follow", on)
        if self.selected is not None and not self.replay.active:
            self.map.focus_trip(self.selected, follow=on)

    # -- replay -----------------------------------------------------------------------------------

    def _replay_selected(self) -> None:
        if self.selected is None:
            self.statusBar().showMessage(self.tr("Select a trip to replay first"), 5000)
            return
        self.replay_dock.show()
        self.replay_dock.raise_()
        if self.replay.track is None:
            self.replay.load(self.selected)
        if self.replay.track is not None:
            self.replay.play.setChecked(True)

    def _replay_started(self) -> None:
        track = self.replay.track
        if track is not None:
            self.map.show_track(list(track.points), self.replay.map_events())

    def _replay_closed(self) -> None:
        self.map.clear_track()
        self.replay_dock.hide()
        if self.selected is not None:
            self.map.focus_trip(self.selected, follow=self.actions_.follow.isChecked())

    # -- window state -----------------------------------------------------------------------------

    def set_full_screen(self, on: bool) -> None:
        if on:
            self.showFullScreen()
        else:
            self.showNormal()

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, SETTINGS_VERSION)
        for dock in (self.ticket_dock, self.detail_dock):
            dock.show()

    def switch_language(self, language: str) -> None:
        if self.languages is not None:
            self.languages.switch(language)
        self.settings.setValue("ui/language", language)
        self._check_language(language)
        self._set_map_language(language)

    def _set_map_language(self, language: str) -> None:
        """The map names things in the UI language first (a map without languages ignores it)."""
        set_language = getattr(self.map, "set_language", None)
        if callable(set_language):
            set_language(language)

    def _check_language(self, language: str) -> None:
        action = self.actions_.languages.get(language)
        if action is not None:
            action.setChecked(True)

    def _fit_screen(self) -> None:
        """First start: 1600×960, shrunk to the screen's free area (a 1366×768 console too);
        a saved geometry replaces this in :meth:`restore_settings`."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1600, 960)
            return
        free = screen.availableGeometry()
        self.resize(min(1600, free.width()), min(960, free.height()))
        frame = self.frameGeometry()
        frame.moveCenter(free.center())
        self.move(frame.topLeft())

    def restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = s.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state, SETTINGS_VERSION)
        follow = s.value("window/follow", False)
        self.actions_.follow.setChecked(follow in (True, "true", "1", 1))
        current = self.languages.current if self.languages is not None else ""
        self._check_language(current or str(s.value("ui/language", "zh_TW")))

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState(SETTINGS_VERSION))
        s.setValue("window/follow", self.actions_.follow.isChecked())
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.save_settings()
        self.poller.stop()
        self._clock_timer.stop()
        self.replay.close_replay()
        super().closeEvent(event)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About JMC Console"),
            self.tr("JMC Console: monitoring of containers moving under customs control."),
        )

    # -- language ---------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("JMC Console — Joint Management Centre"))
        self.ticket_dock.setWindowTitle(self.tr("Ticket queue"))
        self.detail_dock.setWindowTitle(self.tr("Trip detail"))
        self.replay_dock.setWindowTitle(self.tr("Trip replay"))
        self.toolbar.setWindowTitle(self.tr("Search"))
        self.actions_.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
