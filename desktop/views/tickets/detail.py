"""Ticket detail: summary, CONFLICT (if any), trip, handling unit, procedure checklist,
disposition, evidence timeline."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.models.catalogue import Severity
from desktop.views.tickets.compact import WrapCheckBox
from desktop.views.tickets.conflict_box import ConflictBox
from desktop.views.tickets.disposition import DispositionBox
from desktop.views.tickets.i18n import anomaly_name, bilingual, in_ui_language
from desktop.views.tickets.labels import (
    conflict_label,
    event_detail,
    event_label,
    level_label,
    status_label,
    unit_label,
)
from desktop.views.tickets.style import CONFLICT_COLOUR, SEVERITY_COLOUR, severity_icon, severity_label
from desktop.workflow.actions import TicketActions
from desktop.workflow.errors import WorkflowError
from desktop.workflow.procedures import Procedure
from desktop.workflow.rows import TicketRow, fmt_time


class TicketDetail(QScrollArea):
    """Everything about one ticket, and what can be done about it."""

    jumpToTrip = Signal(str)  # noqa: N815 - order number
    acted = Signal(str)  # ticket id

    TRIP_FIELDS = ("order", "route", "containers", "seals", "plate", "deadline", "unit")

    def __init__(
        self, actions: TicketActions, procedures: dict[str, Procedure], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ticket_actions = actions
        self.procedures = procedures
        self.row: TicketRow | None = None
        self.setWidgetResizable(True)
        body = QWidget()
        layout = QVBoxLayout(body)

        head = QHBoxLayout()
        self.icon = QLabel()
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.title.setWordWrap(True)
        head.addWidget(self.icon)
        head.addWidget(self.title, 1)
        layout.addLayout(head)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #f08c00; font-weight: bold;")
        self.message.hide()
        layout.addWidget(self.message)
        self.conflict_box = ConflictBox(actions)
        self.conflict_box.resolved.connect(self._resolved)
        self.conflict_box.failed.connect(self.show_message)
        layout.addWidget(self.conflict_box)

        self.trip_box = QGroupBox()
        self.trip_form = QFormLayout(self.trip_box)
        self.trip_captions: dict[str, QLabel] = {}
        self.trip_labels: dict[str, QLabel] = {}
        for key in self.TRIP_FIELDS:
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.trip_labels[key] = value
            self.trip_captions[key] = QLabel()
            self.trip_form.addRow(self.trip_captions[key], value)
        self.map_button = QPushButton()
        self.map_button.clicked.connect(self._jump)
        self.trip_form.addRow(self.map_button)
        layout.addWidget(self.trip_box)

        self.procedure_box = QGroupBox()
        box = QVBoxLayout(self.procedure_box)
        self.procedure_summary = QLabel()
        self.procedure_summary.setWordWrap(True)
        box.addWidget(self.procedure_summary)
        self.checklist = QWidget()
        self.checklist_layout = QVBoxLayout(self.checklist)
        self.checklist_layout.setContentsMargins(0, 0, 0, 0)
        self.steps: dict[str, QCheckBox] = {}
        self._steps_of: tuple[str, str] | None = None  # (ticket id, code) the boxes were built for
        box.addWidget(self.checklist)
        layout.addWidget(self.procedure_box)

        self.disposition = DispositionBox(actions)
        self.disposition.acted.connect(self._acted)
        self.disposition.failed.connect(self.show_message)
        layout.addWidget(self.disposition)

        self.timeline_box = QGroupBox()
        box = QVBoxLayout(self.timeline_box)
        self.timeline = QTreeWidget()
        self.timeline.setRootIsDecorated(False)
        self.timeline.setMinimumHeight(140)
        box.addWidget(self.timeline)
        layout.addWidget(self.timeline_box)
        layout.addStretch(1)
        self.setWidget(body)
        self.retranslate()
        self.disposition.show_row(None)

    # -- language --------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text in the current UI language and show the ticket again in it."""
        captions = {
            "order": Q.translate("Tickets", "Transport order"),
            "route": Q.translate("Tickets", "Origin → destination"),
            "containers": Q.translate("Tickets", "Containers"),
            "seals": Q.translate("Tickets", "Seals"),
            "plate": Q.translate("Tickets", "Plate / driver"),
            "deadline": Q.translate("Tickets", "Deadline"),
            "unit": Q.translate("Tickets", "Handling unit"),
        }
        for key, caption in captions.items():
            self.trip_captions[key].setText(caption)
        self.trip_box.setTitle(Q.translate("Tickets", "Trip"))
        self.map_button.setText(Q.translate("Tickets", "Show on map (M)"))
        self.procedure_box.setTitle(Q.translate("Tickets", "Procedure"))
        self.timeline_box.setTitle(Q.translate("Tickets", "Timeline"))
        self.timeline.setHeaderLabels(
            [
                Q.translate("Tickets", "Time"),
                Q.translate("Tickets", "By"),
                Q.translate("Tickets", "Event"),
                "",
            ]
        )
        self._fill()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- showing ---------------------------------------------------------------------------

    def show_row(self, row: TicketRow | None) -> None:
        if row is None or self.row is None or row.id != self.row.id:
            self.message.hide()
        self.row = row
        self.conflict_box.show_row(row)
        self.disposition.show_row(row)
        self._fill()

    def _fill(self) -> None:
        """Show :attr:`row` (texts in the current UI language)."""
        row = self.row
        if row is None:
            self.title.setText(Q.translate("Tickets", "No ticket selected"))
            self.icon.clear()
            self.summary.clear()
            self._clear_steps()
            self.timeline.clear()
            self.map_button.setEnabled(False)
            return
        severity = Severity(row.severity)
        self.icon.setPixmap(severity_icon(severity, 24).pixmap(24, 24))
        first, second = anomaly_name(row.name_zh, row.name_en)
        self.title.setText(f"{row.code} {first}  <span style='color:#8d9296'>{second}</span>")
        colour = SEVERITY_COLOUR[severity].name()
        summary = [
            f"<span style='color:{colour}'>{severity_label(severity)}</span>",
            f"<b style='color:{CONFLICT_COLOUR.name()}'>{conflict_label()}</b>" if row.in_conflict else "",
            status_label(str(row.status)),
            level_label(row.required_level),
            Q.translate("Tickets", "%n occurrence(s)", None, row.occurrences),
            f"{fmt_time(row.first_seen)} – {fmt_time(row.last_seen)}",
        ]
        if row.state.shelved_until is not None:
            summary.append(
                Q.translate("Tickets", "Shelved until {time}: {reason}").format(
                    time=fmt_time(row.state.shelved_until), reason=row.state.shelve_reason
                )
            )
        ids = f"<br><span style='color:#8d9296'>{row.id} · {row.detail}</span>"
        self.summary.setText(" · ".join(s for s in summary if s) + ids)
        self._show_trip(row)
        self._show_procedure(row)
        self._show_timeline(row)

    def _show_trip(self, row: TicketRow) -> None:
        t = row.trip
        labels = self.trip_labels
        labels["order"].setText(row.order_no or "—")
        unit = unit_label(row.handling_kind) + (f" ({row.handling_site})" if row.handling_site else "")
        labels["unit"].setText(unit)
        if t is None:
            for key in ("route", "containers", "seals", "plate", "deadline"):
                labels[key].setText("—")
        else:
            labels["route"].setText(f"{t.origin_name} ({t.origin}) → {t.destination_name} ({t.destination})")
            labels["containers"].setText(", ".join(t.containers))
            labels["seals"].setText(", ".join(t.seals))
            labels["plate"].setText(f"{t.plate or '—'} / {t.driver or '—'}")
            labels["deadline"].setText(fmt_time(t.deadline) or "—")
        self.map_button.setEnabled(bool(row.order_no))

    def _clear_steps(self) -> None:
        for check in self.steps.values():
            check.deleteLater()
        self.steps = {}
        self._steps_of = None

    def _show_procedure(self, row: TicketRow) -> None:
        procedure = self.procedures.get(row.code)
        if procedure is None:
            self.procedure_summary.setText("—")
            self._clear_steps()
            return
        self.procedure_summary.setText(bilingual(procedure.summary_zh, procedure.summary_en, "<br>"))
        if self._steps_of != (row.id, row.code):
            self._clear_steps()
            for step in procedure.steps:
                check = WrapCheckBox()
                check.toggled.connect(lambda done, step_id=step.id: self._ticked(step_id, done))
                self.checklist_layout.addWidget(check)
                self.steps[step.id] = check
            self._steps_of = (row.id, row.code)
        editable = self.ticket_actions.may("DISPOSE_TICKET") and row.is_active
        for i, step in enumerate(procedure.steps, 1):
            self.steps[step.id].setText(f"{i}. {bilingual(step.zh, step.en)}")
        for step_id, box in self.steps.items():
            box.blockSignals(True)
            box.setChecked(row.state.checklist.get(step_id, False))
            box.setEnabled(editable)
            box.blockSignals(False)

    def _show_timeline(self, row: TicketRow) -> None:
        self.timeline.clear()
        procedure = self.procedures.get(row.code)
        for e in reversed(row.events):
            actor = Q.translate("Tickets", "system") if e.actor == "system" else e.actor
            detail = event_detail(e.kind, dict(e.data))
            if e.kind == "checklist" and procedure is not None:
                step = procedure.step(str(e.data.get("step", "")))
                if step is not None:
                    detail = ("☑ " if e.data.get("done") else "☐ ") + in_ui_language(step.zh, step.en)
            item = QTreeWidgetItem([fmt_time(e.at), actor, event_label(e.kind), detail])
            self.timeline.addTopLevelItem(item)
        for col in range(3):
            self.timeline.resizeColumnToContents(col)

    # -- reacting --------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _acted(self, ticket_id: str) -> None:
        self.acted.emit(ticket_id)

    def _resolved(self, ticket_id: str) -> None:
        self.message.hide()
        self.acted.emit(ticket_id)

    def _ticked(self, step_id: str, done: bool) -> None:
        if self.row is None:
            return
        try:
            self.ticket_actions.tick(self.row.id, step_id, done)
        except WorkflowError as exc:
            self.show_message(str(exc))
            return
        self.message.hide()
        self.acted.emit(self.row.id)

    def _jump(self) -> None:
        if self.row is not None and self.row.order_no:
            self.jumpToTrip.emit(self.row.order_no)
