"""The status bar: who is signed in, broker connection, messages per second, trips, mirror
backlog, quarantine, clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.ingest.service import IngestStatus
from desktop.models.timeutil import TAIPEI

StatusSource = Callable[[], IngestStatus | None]
MirrorBacklog = Callable[[], int | None]  # outbox rows not yet upstream; None: no mirror
QuarantineCount = Callable[[], int | None]  # quarantined messages; None: the ingest status's count


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
        self.user = _Cell(self, "statusUser")
        self.user.hide()  # shown once someone signs in
        self._user: Any = None
        self.broker = _Cell(self)
        self.rate = _Cell(self)
        self.trips = _Cell(self)
        self.mirror = _Cell(self)
        self.quarantine = _Cell(self)
        self.clock = _Cell(self, "statusClock")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for cell in (self.user, self.broker, self.rate, self.trips, self.mirror, self.quarantine, self.clock):
            layout.addWidget(cell)
        self._last: tuple[IngestStatus | None, int | None, float, int | None] = (None, None, 0.0, None)
        self.retranslate()

    def role_text(self, role: Any) -> str:
        """A role (``UserRole`` or its value) in the UI language."""
        names = {
            "watch_officer": self.tr("Watch officer"),
            "section_chief": self.tr("Section chief"),
            "division_chief": self.tr("Division chief"),
            "head_of_unit": self.tr("Head of unit"),
            "gate_officer": self.tr("Gate officer"),
            "admin": self.tr("Administrator"),
        }
        value = str(getattr(role, "value", role))
        return names.get(value, value)

    def set_user(self, user: Any) -> None:
        """Show who is signed in (``display_name``, ``username``, ``role``); ``None`` hides it."""
        self._user = user
        self.user.setVisible(user is not None)
        if user is None:
            return
        self.user.set_figure(f"{user.display_name or user.username} · {self.role_text(user.role)}")
        self.user.setToolTip(user.username)

    def retranslate(self) -> None:
        self.user.caption.setText(self.tr("Signed in"))
        if self._user is not None:
            self.set_user(self._user)
        self.broker.caption.setText(self.tr("Broker"))
        self.rate.caption.setText(self.tr("Messages/s"))
        self.trips.caption.setText(self.tr("Trips"))
        self.mirror.caption.setText(self.tr("Mirror backlog"))
        self.quarantine.caption.setText(self.tr("Quarantined"))
        self.clock.caption.setText(self.tr("Time (Taipei)"))
        self.refresh(*self._last)

    def refresh(
        self, status: IngestStatus | None, backlog: int | None, now: float, quarantined: int | None = None
    ) -> None:
        """Show the figures; ``quarantined`` (the store's count) overrides ``status.rejected``."""
        self._last = (status, backlog, now, quarantined)
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
        if quarantined is not None:
            self.quarantine.set_figure(f"{quarantined:,}")
        self.mirror.set_figure(self.tr("n/a") if backlog is None else f"{backlog:,}")
        self.clock.set_figure(datetime.fromtimestamp(now, TAIPEI).strftime("%H:%M:%S") if now else "—")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
