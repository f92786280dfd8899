"""The queue table: keyboard-first, a blinking marker for unacknowledged alarms, the columns of
:mod:`desktop.views.tickets.queue_columns`."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from desktop.views.tickets.queue_columns import QueueHeaderView, QueueItemDelegate
from desktop.views.tickets.queue_model import ROW_ROLE
from desktop.workflow.rows import TicketRow


class TicketQueueView(QTableView):
    """The queue. Keys: Space/A acknowledge, N next unacknowledged, Enter open, M map, S shelve."""

    acknowledgeRequested = Signal(str)  # noqa: N815 - Qt signal naming
    openRequested = Signal(str)  # noqa: N815
    mapRequested = Signal(str)  # noqa: N815 - the ticket id; the panel maps it to the trip
    shelveRequested = Signal(str)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = QueueHeaderView(self)
        self.setHorizontalHeader(self.columns)
        self.delegate = QueueItemDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.columns.setStretchLastSection(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._blink = QTimer(self)
        self._blink.setInterval(500)
        self._blink.timeout.connect(self._toggle_blink)
        self._blink.start()

    @property
    def blink_on(self) -> bool:
        return self.delegate.blink_on

    def _toggle_blink(self) -> None:
        self.delegate.blink_on = not self.delegate.blink_on
        self.viewport().update()

    def setup_columns(self, settings: QSettings | None = None) -> bool:
        """Default columns or, with ``settings``, the ones kept there (call after ``setModel``);
        returns whether a kept layout was restored."""
        return self.columns.bind_settings(settings)

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
