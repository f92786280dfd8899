"""``MapView``: the live map widget (folium page + Leaflet in Qt WebEngine, fed through QWebChannel).

``apply(delta)`` only hands the delta to the map's batch thread (desktop/map/sender.py), which
merges it and every 250 ms sends one compact batch of what changed (desktop/map/batch.py): the
page updates at 4 Hz whatever the ingest rate is, and the GUI thread does next to nothing.
Commands (focus, replay track, region) travel on the same channel, after any pending batch.
"""

from __future__ import annotations

import json
import logging
import math
import uuid
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.live.views import FeedDelta, TrailPoint
from desktop.map.batch import BatchBuilder
from desktop.map.mbtiles import MBTilesSource
from desktop.map.page import PageOptions, build_page, region_bounds
from desktop.map.scheme import OfflineGuard, map_profile
from desktop.map.sender import BATCH, BatchSender
from desktop.models.sites import SiteIndex

log = logging.getLogger(__name__)

FLUSH_INTERVAL_MS: Final = 250
LANGUAGES: Final = ("zh_TW", "en")
TrackEvent = tuple[float, float, float, str, "str | None"]


class MapBridge(QObject):
    """The object the page sees as ``bridge`` on the QWebChannel."""

    batch = Signal(str)  # Python -> page: one live batch (JSON text)
    command = Signal(str)  # Python -> page: {"op": ...} (JSON text)
    loaded = Signal()
    clicked = Signal(str)
    stats = Signal(float, float)

    @Slot()
    def pageReady(self) -> None:  # noqa: N802 (called from JavaScript)
        self.loaded.emit()

    @Slot(str)
    def tripClicked(self, trip_id: str) -> None:  # noqa: N802 (called from JavaScript)
        self.clicked.emit(trip_id)

    @Slot(float, float)
    def reportStats(self, apply_ms: float, draw_ms: float) -> None:  # noqa: N802 (called from JavaScript)
        self.stats.emit(apply_ms, draw_ms)


class _MapPage(QWebEnginePage):
    """Stays on ``app://`` (a link in the page cannot take the view online) and logs JS problems."""

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        self.js_errors: list[str] = []

    def acceptNavigationRequest(self, url: QUrl | str, nav_type: Any, is_main_frame: bool) -> bool:  # noqa: N802
        return QUrl(url).scheme() == "app"

    def javaScriptConsoleMessage(self, level: Any, message: str, line: int, source: str) -> None:  # noqa: N802
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            self.js_errors.append(f"{source}:{line}: {message}")
            log.error("map page: %s:%s: %s", source, line, message)
        elif level == QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel:
            log.warning("map page: %s:%s: %s", source, line, message)


class MapView(QWidget):
    """The live map: vehicles with trails, sites and gates, focus, and a replay track.

    Signals:
        tripClicked(str): a vehicle was clicked (its trip id).
        ready(): the page has loaded and drawn its first frame (again after a page reload).
        statsReported(float, float): per drawn batch, the page's apply and draw times in ms.
    """

    tripClicked = Signal(str)  # noqa: N815 (Qt signal naming)
    ready = Signal()
    statsReported = Signal(float, float)  # noqa: N815

    def __init__(
        self,
        sites: SiteIndex,
        *,
        tiles: Path | None = None,
        trail_minutes: float = 5.0,
        language: str = "zh_TW",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._sites = sites
        self._language = _known_language(language)
        self._sender = BatchSender(BatchBuilder(trail_minutes), FLUSH_INTERVAL_MS / 1000)
        profile, self._handler = map_profile()
        tile_info = None
        if tiles is not None:
            source = MBTilesSource(tiles)  # MBTilesError names the file and the problem
            self._handler.tiles = source
            tile_info = source.info
        self._view = QWebEngineView(self)
        self._page = _MapPage(profile, self._view)
        self._guard = OfflineGuard(self._page)
        self._page.setUrlRequestInterceptor(self._guard)
        self._bridge = MapBridge(self)
        self._channel = QWebChannel(self._page)
        self._channel.registerObject("bridge", self._bridge)
        self._page.setWebChannel(self._channel)
        self._view.setPage(self._page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)

        self._is_ready = False
        self._queued: list[str] = []
        self._state: dict[str, str] = {}  # last command per kind, re-sent after a page reload
        self._sender.outgoing.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._bridge.loaded.connect(self._on_page_ready)
        self._bridge.clicked.connect(self.tripClicked)
        self._bridge.stats.connect(self.statsReported)
        self._page.renderProcessTerminated.connect(self._on_render_process_gone)

        options = PageOptions(trail_minutes=trail_minutes, tiles=tile_info, language=self._language)
        html = build_page(sites, options)
        self._page_name = f"live-{uuid.uuid4().hex[:12]}"
        self._url = self._handler.add_page(self._page_name, html)
        handler, name, sender = self._handler, self._page_name, self._sender

        def release(*_: object) -> None:  # no reference to self: it is being destroyed
            handler.remove_page(name)
            sender.stop()

        self.destroyed.connect(release)
        self._view.load(self._url)

    # -- the API the main window uses ----------------------------------------------------------
    def apply(self, delta: FeedDelta) -> None:
        """Hand a feed delta over; the page gets it with the next batch (at most 250 ms later)."""
        self._sender.put_delta(delta)

    def focus_trip(self, trip_id: str, *, follow: bool = False) -> None:
        """Centre on a trip and ring it; with ``follow`` the map keeps centring as it moves."""
        self._send("focus", {"op": "focus", "id": trip_id, "follow": follow})

    def clear_focus(self) -> None:
        self._send("focus", {"op": "clearFocus"})

    def show_track(self, points: list[TrailPoint], events: list[TrackEvent]) -> None:
        """Replay: the trip's full track as a line, and its events ``(ts, lat, lon, label, severity)``."""
        track = [
            [p.ts, p.lat, p.lon] for p in sorted(points, key=lambda p: p.ts) if _finite(p.ts, p.lat, p.lon)
        ]
        marks = [[ts, lat, lon, label, sev] for ts, lat, lon, label, sev in events if _finite(ts, lat, lon)]
        self._state.pop("cursor", None)
        self._send("track", {"op": "track", "points": track, "events": marks})

    def set_track_cursor(self, ts: float) -> None:
        """Put the replay marker on the last track point at or before ``ts`` (never in between)."""
        if math.isfinite(ts):
            self._send("cursor", {"op": "cursor", "ts": ts})

    def clear_track(self) -> None:
        self._state.pop("cursor", None)
        self._send("track", {"op": "clearTrack"})

    def set_language(self, language: str) -> None:
        """Name things in ``language`` first (``"zh_TW"`` or ``"en"``) and in the other second
        where there is room: legend, status line, hover card, region names; the compact legend
        of a small map and the labels beside vehicles in ``language`` only. Site names stay as
        the data gives them. An unknown language is logged and taken as ``"zh_TW"``."""
        language = _known_language(language)
        if language == self._language:
            return
        self._language = language
        self._send("language", {"op": "language", "lang": language})

    @property
    def language(self) -> str:
        return self._language

    def fit_region(self, region: str | None) -> None:
        """Show one region's sites (``"keelung"``...), or all of them with None.

        A region no site belongs to shows all sites (and logs a warning): the map never goes blank.
        """
        bounds = region_bounds(self._sites, region)
        if bounds is None:
            log.warning("map: no site is in region %r; showing all sites", region)
            bounds = region_bounds(self._sites, None)
        assert bounds is not None  # a SiteIndex always has a site
        south, west, north, east = bounds
        self._send("fit", {"op": "fit", "bounds": [[south, west], [north, east]]})

    # -- for tests, diagnostics and embedding ----------------------------------------------------
    def page(self) -> QWebEnginePage:
        return self._page

    def web_view(self) -> QWebEngineView:
        return self._view

    @property
    def is_ready(self) -> bool:
        return self._is_ready

    @property
    def blocked_requests(self) -> list[str]:
        """Every non-``app://`` request the page tried (and was refused)."""
        return list(self._guard.blocked)

    @property
    def js_errors(self) -> list[str]:
        return list(self._page.js_errors)

    def flush_now(self) -> None:
        """Send what is pending at once instead of at the next tick (also done before commands)."""
        self._sender.flush_soon()

    # -- internals ----------------------------------------------------------------------------
    def _send(self, kind: str, command: dict[str, Any]) -> None:
        text = json.dumps(command, ensure_ascii=False, allow_nan=False)
        self._state[kind] = text
        if self._is_ready:
            self._sender.put_command(text)
        else:
            self._queued.append(text)

    def _deliver(self, kind: str, text: str) -> None:
        """On the GUI thread: pass a batch or command from the batch thread on to the page."""
        if not self._is_ready:
            return  # the page went away; a reload resends everything
        (self._bridge.batch if kind == BATCH else self._bridge.command).emit(text)

    def _on_page_ready(self) -> None:
        self._is_ready = True
        self._sender.set_ready(True)
        queued, self._queued = self._queued, []
        for text in queued:
            self._sender.put_command(text)
        self.ready.emit()

    def _on_render_process_gone(self, status: Any, exit_code: int) -> None:
        log.error("map page renderer ended (%s, code %s); reloading the map", status, exit_code)
        self._is_ready = False
        self._sender.set_ready(False, resync=True)
        self._queued = list(self._state.values())
        QTimer.singleShot(500, lambda: self._view.load(self._url))


def _known_language(language: str) -> str:
    if language in LANGUAGES:
        return language
    log.warning("map: unknown language %r; using zh_TW", language)
    return "zh_TW"


def _finite(*values: float) -> bool:
    return all(isinstance(v, int | float) and math.isfinite(v) for v in values)
