"""The queue table (keyboard-first, blinking marker for unacknowledged alarms), its filter bar
and the header with counts per severity and the alarm rate against EEMUA 191."""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from desktop.models.catalogue import CATALOGUE, Severity
from desktop.views.tickets.i18n import anomaly_name
from desktop.views.tickets.labels import status_label, unit_label
from desktop.views.tickets.queue_model import (
    COL_SEVERITY,
    ROW_ROLE,
    STATUS_ACTIVE,
    STATUS_ALL,
    STATUS_CLOSED,
    STATUS_SHELVED,
    TicketFilterProxy,
)
from desktop.views.tickets.style import SEVERITY_COLOUR, paint_shape, severity_label
from desktop.workflow.rows import TicketRow

REGIONS = ("keelung", "taipei", "taichung", "kaohsiung")


def region_label(region: str) -> str:
    labels = {
        "keelung": Q.translate("Tickets", "Keelung"),
        "taipei": Q.translate("Tickets", "Taipei"),
        "taichung": Q.translate("Tickets", "Taichung"),
        "kaohsiung": Q.translate("Tickets", "Kaohsiung"),
    }
    return labels.get(region, region)


class _AckMarkerDelegate(QStyledItemDelegate):
    """Draws a blinking bar at the left of an unacknowledged alarm's severity cell."""

    def __init__(self, view: TicketQueueView) -> None:
        super().__init__(view)
        self._view = view

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().paint(painter, option, index)
        row: TicketRow | None = index.data(ROW_ROLE)
        if row is None or not row.state.needs_ack or not row.is_active or not self._view.blink_on:
            return
        rect = option.rect
        painter.save()
        painter.fillRect(
            rect.x(), rect.y() + 2, 4, rect.height() - 4, SEVERITY_COLOUR[Severity(row.severity)]
        )
        painter.restore()


class TicketQueueView(QTableView):
    """The queue. Keys: Space/A acknowledge, N next unacknowledged, Enter open, M map, S shelve."""

    acknowledgeRequested = Signal(str)  # noqa: N815 - Qt signal naming
    openRequested = Signal(str)  # noqa: N815
    mapRequested = Signal(str)  # noqa: N815 - the ticket id; the panel maps it to the trip
    shelveRequested = Signal(str)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.blink_on = True
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.setItemDelegateForColumn(COL_SEVERITY, _AckMarkerDelegate(self))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._blink = QTimer(self)
        self._blink.setInterval(500)
        self._blink.timeout.connect(self._toggle_blink)
        self._blink.start()

    def _toggle_blink(self) -> None:
        self.blink_on = not self.blink_on
        self.viewport().update()

    # -- selection helpers -----------------------------------------------------------------

    def current_ticket(self) -> TicketRow | None:
        index = self.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def select_ticket(self, ticket_id: str) -> bool:
        model = self.model()
        for row in range(model.rowCount()):
            r: TicketRow = model.index(row, 0).data(ROW_ROLE)
            if r.id == ticket_id:
                self.selectRow(row)
                self.setCurrentIndex(model.index(row, 0))
                return True
        return False

    def next_unacknowledged(self) -> bool:
        """Move to the next unacknowledged ticket below the current one (wrapping)."""
        model = self.model()
        n = model.rowCount()
        if n == 0:
            return False
        start = self.currentIndex().row() if self.currentIndex().isValid() else -1
        for step in range(1, n + 1):
            row = (start + step) % n
            r: TicketRow = model.index(row, 0).data(ROW_ROLE)
            if r.state.needs_ack and r.is_active:
                self.selectRow(row)
                self.setCurrentIndex(model.index(row, 0))
                return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        row = self.current_ticket()
        if key == Qt.Key.Key_N:
            self.next_unacknowledged()
            return
        if row is not None:
            if key in (Qt.Key.Key_Space, Qt.Key.Key_A):
                self.acknowledgeRequested.emit(row.id)
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.openRequested.emit(row.id)
                return
            if key == Qt.Key.Key_M:
                self.mapRequested.emit(row.id)
                return
            if key == Qt.Key.Key_S:
                self.shelveRequested.emit(row.id)
                return
        super().keyPressEvent(event)


class FilterBar(QWidget):
    """Region, code, status, handling unit, site, assigned-to-me and text filters."""

    STATUSES = (
        STATUS_ACTIVE,
        STATUS_SHELVED,
        "open",
        "acknowledged",
        "dispatched",
        "awaiting_signoff",
        STATUS_CLOSED,
        STATUS_ALL,
    )
    UNITS = ("origin_office", "destination_office", "monitoring_centre")

    def __init__(self, proxy: TicketFilterProxy, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._proxy = proxy
        self._username = username
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        self.region = QComboBox()  # item data: the filter value; item texts: retranslate()
        for region in ("", *REGIONS):
            self.region.addItem("", region)
        self.code = QComboBox()
        for code in ("", *CATALOGUE):
            self.code.addItem("", code)
        self.status = QComboBox()
        for status in self.STATUSES:
            self.status.addItem("", status)
        self.unit = QComboBox()
        for unit in ("", *self.UNITS):
            self.unit.addItem("", unit)
        self.site = QLineEdit()
        self.site.setMaximumWidth(110)
        self.mine = QCheckBox()
        self.text = QLineEdit()
        self.text.setClearButtonEnabled(True)
        for widget in (self.region, self.code, self.status, self.unit, self.site, self.mine):
            layout.addWidget(widget)
        layout.addWidget(self.text, 1)
        for combo in (self.region, self.code, self.status, self.unit):  # widths follow the language
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.retranslate()
        for combo in (self.region, self.code, self.status, self.unit):
            combo.currentIndexChanged.connect(self._apply)
        self.site.textChanged.connect(self._apply)
        self.text.textChanged.connect(self._apply)
        self.mine.toggled.connect(self._apply)

    def retranslate(self) -> None:
        """Set every text in the current UI language (the choices and filters stay as they are)."""
        self.region.setItemText(0, Q.translate("Tickets", "All regions"))
        for i, region in enumerate(REGIONS, 1):
            self.region.setItemText(i, region_label(region))
        self.code.setItemText(0, Q.translate("Tickets", "All codes"))
        for i, kind in enumerate(CATALOGUE.values(), 1):
            self.code.setItemText(i, f"{kind.code} {anomaly_name(kind.name_zh, kind.name)[0]}")
        special = {
            STATUS_ACTIVE: Q.translate("Tickets", "Active"),
            STATUS_SHELVED: Q.translate("Tickets", "Shelved"),
            STATUS_CLOSED: Q.translate("Tickets", "Closed"),
            STATUS_ALL: Q.translate("Tickets", "All"),
        }
        for i, status in enumerate(self.STATUSES):
            self.status.setItemText(i, special.get(status) or status_label(status))
        self.unit.setItemText(0, Q.translate("Tickets", "All units"))
        for i, unit in enumerate(self.UNITS, 1):
            self.unit.setItemText(i, unit_label(unit))
        self.site.setPlaceholderText(Q.translate("Tickets", "Site"))
        self.mine.setText(Q.translate("Tickets", "Assigned to me"))
        self.text.setPlaceholderText(Q.translate("Tickets", "Order, plate or container"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _apply(self, *_: Any) -> None:
        self._proxy.set_filters(
            region=self.region.currentData(),
            code=self.code.currentData(),
            status=self.status.currentData(),
            unit=self.unit.currentData(),
            site=self.site.text().strip().upper(),
            mine=self._username if self.mine.isChecked() else None,
            text=self.text.text().strip(),
        )


class _Badge(QWidget):
    """A severity shape with its label and count."""

    def __init__(self, severity: Severity, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.severity = severity
        self.count = 0
        self.setMinimumSize(110, 24)

    def set_count(self, n: int) -> None:
        if n != self.count:
            self.count = n
            self.update()

    def paintEvent(self, event: Any) -> None:  # noqa: N802
        painter = QPainter(self)
        paint_shape(painter, QRectF(2, 4, 16, 16), self.severity, hollow=self.count == 0)
        painter.setPen(self.palette().text().color())
        painter.drawText(24, 17, f"{severity_label(self.severity)} {self.count}")
        painter.end()


class QueueHeader(QWidget):
    """Counts per severity and the alarm rate (alarms per 10 min per operator, last hour)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        self.badges = {
            s: _Badge(s) for s in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
        }
        for badge in self.badges.values():
            layout.addWidget(badge)
        layout.addStretch(1)
        self.rate = QLabel()
        layout.addWidget(self.rate)
        self._rate: tuple[float, float] | None = None  # (rate, limit) once known

    def set_counts(self, counts: Counter[str]) -> None:
        for severity, badge in self.badges.items():
            badge.set_count(counts.get(str(severity), 0))

    def set_rate(self, rate: float, limit: float) -> None:
        self._rate = (rate, limit)
        over = rate > limit
        self.retranslate()
        self.rate.setObjectName("alarmRateOver" if over else "alarmRate")
        self.rate.style().unpolish(self.rate)
        self.rate.style().polish(self.rate)

    def retranslate(self) -> None:
        """The alarm-rate text in the current UI language (the badges translate when painted)."""
        if self._rate is None:
            return
        rate, limit = self._rate
        text = Q.translate("Tickets", "Alarm rate {rate} per 10 min per operator (EEMUA 191: ≤ {limit})")
        self.rate.setText(text.format(rate=f"{rate:.1f}", limit=f"{limit:g}"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
