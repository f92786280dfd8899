"""The trip detail panel: order, containers, seals, plate, driver, route, deadline, tickets."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.live.trip_tickets import TicketSummary
from desktop.live.views import TripView
from desktop.models.sites import SiteIndex
from desktop.models.timeutil import TAIPEI
from desktop.views.severity import SEVERITY_COLOURS, chinese_ui, phase_label, severity_text
from desktop.views.tickets.labels import status_label


def format_duration(seconds: float) -> str:
    """``h:mm:ss`` (hours may exceed 24)."""
    whole = int(abs(seconds))
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class TripDetailPanel(QWidget):
    """Shows one trip; :meth:`show_trip` sets it, :meth:`tick` updates the time left."""

    def __init__(self, sites: SiteIndex, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sites = sites
        self.view: TripView | None = None
        self.tickets: list[TicketSummary] = []
        self._now = 0.0
        self.title = QLabel(self)
        self.title.setObjectName("detailTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty = QLabel(self)
        self.empty.setObjectName("placeholder")
        self.empty.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(6)
        self.names: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        for key in (
            "order", "phase", "origin", "destination", "plate", "driver", "containers", "seals",
            "deadline", "left", "position", "tickets",
        ):  # fmt: skip
            name, value = QLabel(self), QLabel(self)
            name.setObjectName("fieldName")
            value.setObjectName("fieldValue")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.names[key], self.values[key] = name, value
            self.form.addRow(name, value)
        self.ticket_list = QListWidget(self)
        self.ticket_list.setObjectName("tripTickets")
        self.ticket_list.setWordWrap(True)
        self.ticket_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.title)
        layout.addWidget(self.empty)
        layout.addLayout(self.form)
        layout.addWidget(self.ticket_list, 1)
        layout.addStretch(0)  # takes the space while no trip is shown
        self._layout = layout
        self.retranslate()

    # -- content ----------------------------------------------------------------------------------

    def show_trip(self, view: TripView | None, tickets: list[TicketSummary] | None = None) -> None:
        self.view = view
        self.tickets = list(tickets or [])
        self._fill()

    def tick(self, now: float) -> None:
        self._now = now
        self._fill_time()

    def site_name(self, code: str | None) -> str:
        if code is None:
            return "—"
        site = self._sites.get(code)
        if site is None:
            return code
        return site.name_zh if chinese_ui() else site.name_en

    def _fill(self) -> None:
        view = self.view
        has = view is not None
        self.empty.setVisible(not has)
        self.ticket_list.setVisible(has)
        self._layout.setStretch(self._layout.count() - 1, 0 if has else 1)
        for key in self.names:
            self.names[key].setVisible(has)
            self.values[key].setVisible(has)
        if view is None:
            self.title.setText(self.tr("Trip detail"))
            return
        self.title.setText(view.trip_id)
        v = self.values
        v["order"].setText(view.order_no or "—")
        v["phase"].setText(phase_label(view.phase))
        v["origin"].setText(self.site_name(view.origin))
        v["destination"].setText("→ " + self.site_name(view.destination))
        v["plate"].setText(view.plate or "—")
        v["driver"].setText(view.driver or "—")
        v["containers"].setText("\n".join(view.containers) or "—")
        kind = self.tr("active") if view.kind == "active" else self.tr("passive")
        v["seals"].setText(f"{', '.join(view.seals)}  ({kind})")
        if view.fix_ts is None or view.lat is None or view.lon is None:
            v["position"].setText(self.tr("No reported position"))
        else:
            at = datetime.fromtimestamp(view.fix_ts, TAIPEI).strftime("%H:%M:%S")
            speed = (
                "" if view.speed_kmh is None else self.tr(", {speed:.0f} km/h").format(speed=view.speed_kmh)
            )
            v["position"].setText(f"{view.lat:.5f}, {view.lon:.5f}\n{at}{speed}")
        open_tickets = [t for t in self.tickets if t.is_open]
        if open_tickets:
            worst = view.worst_severity or open_tickets[0].severity
            colour = SEVERITY_COLOURS.get(worst, "#d6d6d6")
            v["tickets"].setText(
                f'<span style="color:{colour}; font-weight:bold">{severity_text(worst)}</span>  '
                + self.tr("{count} open").format(count=len(open_tickets))
            )
        else:
            v["tickets"].setText(self.tr("None open"))
        self.ticket_list.clear()
        chinese = chinese_ui()
        for t in sorted(self.tickets, key=lambda t: (not t.is_open, -t.raised_at)):
            name = t.name_zh if chinese else t.name_en
            raised = datetime.fromtimestamp(t.raised_at, TAIPEI).strftime("%m-%d %H:%M")
            text = (
                f"{severity_text(t.severity)}  {t.code} {name}\n      {status_label(t.status)}  ·  {raised}"
            )
            item = QListWidgetItem(text)
            item.setForeground(QColor(SEVERITY_COLOURS[t.severity] if t.is_open else "#8e9196"))
            item.setToolTip(t.detail)
            self.ticket_list.addItem(item)
        self._fill_time()

    def _fill_time(self) -> None:
        view = self.view
        if view is None:
            return
        deadline, left = self.values["deadline"], self.values["left"]
        if view.deadline is None:
            deadline.setText(self.tr("Not departed yet"))
            left.setText("—")
            self._set_overdue(False)
            return
        deadline.setText(datetime.fromtimestamp(view.deadline, TAIPEI).strftime("%Y-%m-%d %H:%M"))
        if view.phase in ("arrived", "completed", "cancelled"):
            left.setText("—")
            self._set_overdue(False)
        elif self._now > view.deadline:
            left.setText(
                self.tr("▲ Overdue by {time}").format(time=format_duration(self._now - view.deadline))
            )
            self._set_overdue(True)
        else:
            left.setText(format_duration(view.deadline - self._now) if self._now else "—")
            self._set_overdue(False)

    def _set_overdue(self, overdue: bool) -> None:
        label = self.values["left"]
        name = "overdue" if overdue else "fieldValue"
        if label.objectName() != name:
            label.setObjectName(name)
            label.style().unpolish(label)
            label.style().polish(label)

    # -- language ---------------------------------------------------------------------------------

    def retranslate(self) -> None:
        captions = {
            "order": self.tr("Order no."),
            "phase": self.tr("Phase"),
            "origin": self.tr("Origin"),
            "destination": self.tr("Destination"),
            "plate": self.tr("Plate"),
            "driver": self.tr("Driver"),
            "containers": self.tr("Containers"),
            "seals": self.tr("Seals"),
            "deadline": self.tr("Deadline"),
            "left": self.tr("Time left"),
            "position": self.tr("Last position"),
            "tickets": self.tr("Tickets"),
        }
        for key, text in captions.items():
            self.names[key].setText(text)
        self.empty.setText(self.tr("Select a trip on the map, in the queue or with search (Ctrl+F)."))
        self._fill()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
