"""The status bar: broker connection, messages per second, mirror backlog, quarantine, clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.ingest.service import IngestStatus
from desktop.models.timeutil import TAIPEI

StatusSource = Callable[[], IngestStatus | None]
MirrorBacklog = Callable[[], int | None]  # rows not yet written to the store; None: no store


class _Cell(QFrame):
    """A caption over a large figure."""

    def __init__(self, parent: QWidget, figure_name: str = "statusFigure") -> None:
        super().__init__(parent)
        self.setObjectName("statusCell")
        self.caption = QLabel(self)
        self.caption.setObjectName("statusCaption")
        self.figure = QLabel("—", self)
        self.figure.setObjectName(figure_name)
        self._normal = figure_name
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 2, 14, 2)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addWidget(self.figure)

    def set_figure(self, text: str, alarm: bool = False) -> None:
        name = "statusAlarm" if alarm else self._normal
        if self.figure.objectName() != name:
            self.figure.setObjectName(name)
            self.figure.style().unpolish(self.figure)
            self.figure.style().polish(self.figure)
        self.figure.setText(text)


class StatusPanel(QWidget):
    """Large status figures, refreshed by the main window once a second."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.broker = _Cell(self)
        self.rate = _Cell(self)
        self.trips = _Cell(self)
        self.mirror = _Cell(self)
        self.quarantine = _Cell(self)
        self.clock = _Cell(self, "statusClock")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for cell in (self.broker, self.rate, self.trips, self.mirror, self.quarantine, self.clock):
            layout.addWidget(cell)
        self._last: tuple[IngestStatus | None, int | None, float] = (None, None, 0.0)
        self.retranslate()

    def retranslate(self) -> None:
        self.broker.caption.setText(self.tr("Broker"))
        self.rate.caption.setText(self.tr("Messages/s"))
        self.trips.caption.setText(self.tr("Trips"))
        self.mirror.caption.setText(self.tr("Mirror backlog"))
        self.quarantine.caption.setText(self.tr("Quarantined"))
        self.clock.caption.setText(self.tr("Time (Taipei)"))
        self.refresh(*self._last)

    def refresh(self, status: IngestStatus | None, backlog: int | None, now: float) -> None:
        self._last = (status, backlog, now)
        if status is None:
            self.broker.set_figure(self.tr("▲ Not connected"), alarm=True)
            for cell in (self.rate, self.trips, self.quarantine):
                cell.set_figure("—")
        else:
            if status.connected:
                self.broker.set_figure(self.tr("Connected"))
            else:
                self.broker.set_figure(self.tr("▲ Disconnected"), alarm=True)
            self.rate.set_figure(f"{status.msgs_per_s:,.0f}")
            self.trips.set_figure(f"{status.trips:,}")
            self.quarantine.set_figure(f"{status.rejected:,}")
        self.mirror.set_figure(self.tr("n/a") if backlog is None else f"{backlog:,}")
        self.clock.set_figure(datetime.fromtimestamp(now, TAIPEI).strftime("%H:%M:%S") if now else "—")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
