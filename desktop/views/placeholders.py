"""Stand-ins with the real widgets' interfaces, used until (or instead of) the real ones.

:class:`PlaceholderMapView` has the API of ``desktop.map.widget.MapView`` and draws the trips as
severity symbols on a plain projection (no tiles, no WebEngine): the window is usable without
the map, and tests run without a browser engine. :class:`PlaceholderTicketPanel` lists the trips
with open tickets, worst first, until the ticket queue (``desktop/views/tickets``) exists.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.live.views import FeedDelta, TrailPoint, TripView
from desktop.models.sites import SiteIndex
from desktop.views.severity import (
    NORMAL_COLOUR,
    SEVERITIES,
    SEVERITY_COLOURS,
    SEVERITY_SHAPES,
    severity_text,
)

TrackEvents = list[tuple[float, float, float, str, str | None]]


class PlaceholderMapView(QWidget):
    """A plain drawing of the sites and trips with the ``MapView`` interface."""

    tripClicked = Signal(str)  # noqa: N815 - Qt signal naming
    ready = Signal()

    def __init__(
        self,
        sites: SiteIndex,
        *,
        tiles: object = None,
        trail_minutes: float = 5.0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("placeholderMap")
        self.setMinimumSize(320, 240)
        self.sites = sites
        self.trips: dict[str, TripView] = {}
        self.trails: dict[str, list[TrailPoint]] = {}
        self.trail_s = trail_minutes * 60.0
        self.focused: str | None = None
        self.following = False
        self.track: list[TrailPoint] = []
        self.track_events: TrackEvents = []
        self.track_cursor: float | None = None
        self.region: str | None = None
        bounds = [s.bbox for s in sites.sites.values()]
        self._all = (
            min(b[0] for b in bounds),
            min(b[1] for b in bounds),
            max(b[2] for b in bounds),
            max(b[3] for b in bounds),
        )

    # -- the MapView interface -----------------------------------------------------------------

    def apply(self, delta: FeedDelta) -> None:
        for view in delta.changed:
            self.trips[view.trip_id] = view
        for trip_id in delta.removed:
            self.trips.pop(trip_id, None)
            self.trails.pop(trip_id, None)
        for trip_id, points in delta.trail.items():
            trail = self.trails.setdefault(trip_id, [])
            trail.extend(points)
            horizon = trail[-1].ts - self.trail_s
            while trail and trail[0].ts < horizon:
                trail.pop(0)
        self.update()

    def focus_trip(self, trip_id: str, *, follow: bool = False) -> None:
        self.focused, self.following = trip_id, follow
        self.update()

    def clear_focus(self) -> None:
        self.focused, self.following = None, False
        self.update()

    def show_track(self, points: list[TrailPoint], events: TrackEvents) -> None:
        self.track, self.track_events, self.track_cursor = list(points), list(events), None
        self.update()

    def set_track_cursor(self, ts: float) -> None:
        self.track_cursor = ts
        self.update()

    def clear_track(self) -> None:
        self.track, self.track_events, self.track_cursor = [], [], None
        self.update()

    def fit_region(self, region: str | None) -> None:
        self.region = region
        self.update()

    # -- drawing -------------------------------------------------------------------------------

    def _bounds(self) -> tuple[float, float, float, float]:
        if self.track:
            lons = [p.lon for p in self.track]
            lats = [p.lat for p in self.track]
            return min(lons) - 0.01, min(lats) - 0.01, max(lons) + 0.01, max(lats) + 0.01
        if self.region:
            boxes = [s.bbox for s in self.sites.sites.values() if s.region == self.region]
            if boxes:
                return (
                    min(b[0] for b in boxes) - 0.02,
                    min(b[1] for b in boxes) - 0.02,
                    max(b[2] for b in boxes) + 0.02,
                    max(b[3] for b in boxes) + 0.02,
                )
        x0, y0, x1, y1 = self._all
        return x0 - 0.05, y0 - 0.05, x1 + 0.05, y1 + 0.05

    def _project(self, lon: float, lat: float) -> QPointF:
        x0, y0, x1, y1 = self._bounds()
        w, h = max(1, self.width() - 20), max(1, self.height() - 20)
        scale = min(w / max(1e-9, x1 - x0), h / max(1e-9, y1 - y0))
        return QPointF(10 + (lon - x0) * scale, 10 + h - (lat - y0) * scale)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#1f2023"))
        painter.setPen(QPen(QColor("#4a4d53"), 1))
        for site in self.sites.sites.values():
            a, b = self._project(site.bbox[0], site.bbox[3]), self._project(site.bbox[2], site.bbox[1])
            painter.drawRect(QRectF(a, b).normalized().adjusted(-2, -2, 2, 2))
        painter.setPen(QPen(QColor("#6b7580"), 2))
        for trail in self.trails.values():
            for p, q in pairwise(trail):
                painter.drawLine(self._project(p.lon, p.lat), self._project(q.lon, q.lat))
        if self.track:
            painter.setPen(QPen(QColor("#b0b6bd"), 2))
            for p, q in pairwise(self.track):
                painter.drawLine(self._project(p.lon, p.lat), self._project(q.lon, q.lat))
        font = QFont(self.font())
        font.setPointSize(13)
        painter.setFont(font)
        for view in self.trips.values():
            if view.lat is None or view.lon is None:
                continue
            point = self._project(view.lon, view.lat)
            colour = SEVERITY_COLOURS.get(view.worst_severity or "", NORMAL_COLOUR)
            painter.setPen(QColor(colour))
            glyph = SEVERITY_SHAPES.get(view.worst_severity or "", "•")
            painter.drawText(point - QPointF(6, -6), glyph)
            if view.trip_id == self.focused:
                painter.setPen(QPen(QColor("#ffffff"), 2))
                painter.drawEllipse(point, 14, 14)
                painter.drawText(point + QPointF(16, 5), view.trip_id)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        best, best_d = None, 15.0 * 15.0
        at = event.position()
        for view in self.trips.values():
            if view.lat is None or view.lon is None:
                continue
            p = self._project(view.lon, view.lat) - at
            d = p.x() * p.x() + p.y() * p.y()
            if d < best_d:
                best, best_d = view.trip_id, d
        if best is not None:
            self.tripClicked.emit(best)


class PlaceholderTicketPanel(QWidget):
    """Trips with open tickets, worst severity first (until the ticket queue exists)."""

    tripSelected = Signal(str)  # noqa: N815 - Qt signal naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: dict[str, TripView] = {}
        self.list = QListWidget(self)
        self.list.setObjectName("ticketQueue")
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)

    def apply(self, delta: FeedDelta) -> None:
        dirty = False
        for view in delta.changed:
            if view.open_tickets:
                self._rows[view.trip_id] = view
                dirty = True
            elif self._rows.pop(view.trip_id, None) is not None:
                dirty = True
        for trip_id in delta.removed:
            dirty |= self._rows.pop(trip_id, None) is not None
        if dirty:
            self._refill()

    def _refill(self) -> None:
        rank = {s: i for i, s in enumerate(SEVERITIES)}
        rows = sorted(self._rows.values(), key=lambda v: (rank.get(v.worst_severity or "", 9), v.trip_id))
        selected = self.list.currentItem().data(Qt.ItemDataRole.UserRole) if self.list.currentItem() else None
        self.list.clear()
        for view in rows[:500]:
            severity = view.worst_severity or "low"
            text = self.tr("{severity}  {order}  ({count} open)").format(
                severity=severity_text(severity), order=view.trip_id, count=view.open_tickets
            )
            item = QListWidgetItem(text)
            item.setForeground(QColor(SEVERITY_COLOURS[severity]))
            item.setData(Qt.ItemDataRole.UserRole, view.trip_id)
            self.list.addItem(item)
            if view.trip_id == selected:
                self.list.setCurrentItem(item)

    def _activated(self, item: QListWidgetItem) -> None:
        self.tripSelected.emit(item.data(Qt.ItemDataRole.UserRole))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self._refill()
        super().changeEvent(event)
