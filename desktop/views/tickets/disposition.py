"""The disposition controls of the detail panel: alarm handling, notices, evidence, findings,
attachments, submission and sign-off. Every button calls :class:`TicketActions`; refusals are
shown inline (zh-TW, then English), never in a blocking dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.models.ticket import Evidence, required_signoff_level
from desktop.views.tickets.compact import UniformGridLayout
from desktop.views.tickets.labels import level_label
from desktop.workflow.actions import Party, TicketActions
from desktop.workflow.errors import PersistError, WorkflowError
from desktop.workflow.rows import TicketRow


class DispositionBox(QWidget):
    """Buttons and fields acting on one ticket. Rows of buttons reflow to one button a row in a
    narrow dock (~340 px), so nothing needs a horizontal scroll bar."""

    acted = Signal(str)  # ticket id, after a successful action
    failed = Signal(str)  # the bilingual message of a refusal

    def __init__(self, actions: TicketActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ticket_actions = actions
        self.row: TicketRow | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.alarm_box = QGroupBox()
        box = QVBoxLayout(self.alarm_box)
        self.ack = QPushButton()
        self.assign_me = QPushButton()
        self.dispatch = QPushButton()
        self.shelve_reason = QLineEdit()
        self.shelve_hours = QDoubleSpinBox()
        self.shelve_hours.setRange(0.25, actions.shelve_max_s / 3600)
        self.shelve_hours.setSingleStep(0.5)
        self.shelve_hours.setValue(min(2.0, actions.shelve_max_s / 3600))
        self.shelve = QPushButton()
        self.unshelve = QPushButton()
        buttons = UniformGridLayout(columns=(3, 1))
        for button in (self.ack, self.assign_me, self.dispatch):
            buttons.addWidget(button)
        box.addLayout(buttons)
        box.addWidget(self.shelve_reason)
        shelving = QHBoxLayout()
        shelving.addWidget(self.shelve_hours)
        shelving.addWidget(self.shelve, 1)
        shelving.addWidget(self.unshelve, 1)
        box.addLayout(shelving)
        layout.addWidget(self.alarm_box)

        self.notify_box = QGroupBox()
        box = QVBoxLayout(self.notify_box)
        self.note = QLineEdit()
        self.notify_buttons = {
            party: QPushButton()
            for party in (Party.DESTINATION_OFFICER, Party.GATE, Party.POLICE, Party.HAULIER)
        }
        box.addWidget(self.note)
        buttons = UniformGridLayout(columns=(4, 2, 1))
        for button in self.notify_buttons.values():
            buttons.addWidget(button)
        box.addLayout(buttons)
        layout.addWidget(self.notify_box)

        self.evidence_box = QGroupBox()
        box = QVBoxLayout(self.evidence_box)
        flags = UniformGridLayout(columns=(3, 1))
        self.system_images = QCheckBox()
        self.operator_cctv = QCheckBox()
        self.whereabouts = QCheckBox()
        for check in (self.system_images, self.operator_cctv, self.whereabouts):
            flags.addWidget(check)
        box.addLayout(flags)
        self.level = QLabel()
        self.level.setWordWrap(True)
        box.addWidget(self.level)
        self.findings = QPlainTextEdit()
        self.findings.setMaximumHeight(70)
        box.addWidget(self.findings)
        self.save = QPushButton()
        box.addWidget(self.save)
        attach_row = QHBoxLayout()
        self.attach_ref = QLineEdit()
        self.attach = QPushButton()
        attach_row.addWidget(self.attach_ref, 1)
        attach_row.addWidget(self.attach)
        box.addLayout(attach_row)
        self.attachments = QListWidget()
        self.attachments.setMaximumHeight(48)
        box.addWidget(self.attachments)
        layout.addWidget(self.evidence_box)

        signoff = QGridLayout()
        self.submit = QPushButton()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMinimumWidth(120)
        self.sign = QPushButton()
        signoff.addWidget(self.submit, 0, 0, 1, 2)
        signoff.addWidget(self.password, 1, 0)
        signoff.addWidget(self.sign, 1, 1)
        signoff.setColumnStretch(0, 1)
        layout.addLayout(signoff)
        self.retranslate()

        self.ack.clicked.connect(lambda: self._run(self.ticket_actions.acknowledge))
        self.assign_me.clicked.connect(self._assign_me)
        self.dispatch.clicked.connect(lambda: self._run(self.ticket_actions.dispatch))
        self.shelve.clicked.connect(self._shelve)
        self.unshelve.clicked.connect(lambda: self._run(self.ticket_actions.unshelve))
        for party, button in self.notify_buttons.items():
            button.clicked.connect(lambda _=False, p=party: self._notify(p))
        for check in (self.system_images, self.operator_cctv, self.whereabouts):
            check.toggled.connect(self._show_level)
        self.save.clicked.connect(self._save)
        self.attach.clicked.connect(self._attach)
        self.submit.clicked.connect(lambda: self._run(self.ticket_actions.submit))
        self.sign.clicked.connect(self._sign)

    # -- language --------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text in the current UI language (what was typed or ticked stays)."""
        self.alarm_box.setTitle(Q.translate("Tickets", "Alarm"))
        self.ack.setText(Q.translate("Tickets", "Acknowledge (Space)"))
        self.assign_me.setText(Q.translate("Tickets", "Assign to me"))
        self.dispatch.setText(Q.translate("Tickets", "Dispatch to office"))
        self.shelve_reason.setPlaceholderText(Q.translate("Tickets", "Reason for shelving"))
        self.shelve_hours.setSuffix(Q.translate("Tickets", " h"))
        self.shelve.setText(Q.translate("Tickets", "Shelve"))
        self.unshelve.setText(Q.translate("Tickets", "Unshelve"))
        self.notify_box.setTitle(Q.translate("Tickets", "Notify"))
        self.note.setPlaceholderText(Q.translate("Tickets", "Note (who, how, reference)"))
        for party, text in (
            (Party.DESTINATION_OFFICER, Q.translate("Tickets", "Destination officer")),
            (Party.GATE, Q.translate("Tickets", "Gate: intercept")),
            (Party.POLICE, Q.translate("Tickets", "Police")),
            (Party.HAULIER, Q.translate("Tickets", "Haulier")),
        ):
            self.notify_buttons[party].setText(text)
        self.evidence_box.setTitle(Q.translate("Tickets", "Evidence and findings"))
        self.system_images.setText(Q.translate("Tickets", "System gate images"))
        self.operator_cctv.setText(Q.translate("Tickets", "Operator CCTV captured"))
        self.whereabouts.setText(Q.translate("Tickets", "Cargo whereabouts traced"))
        self.findings.setPlaceholderText(Q.translate("Tickets", "Findings (處理情形)"))
        self.save.setText(Q.translate("Tickets", "Save evidence and findings"))
        self.attach_ref.setPlaceholderText(
            Q.translate("Tickets", "Attachment reference (file, URL, document no.)")
        )
        self.attach.setText(Q.translate("Tickets", "Attach"))
        self.submit.setText(Q.translate("Tickets", "Submit for sign-off"))
        self.password.setPlaceholderText(Q.translate("Tickets", "Your password to sign off"))
        self.sign.setText(Q.translate("Tickets", "Sign off"))
        self._show_level()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- showing a ticket ------------------------------------------------------------------

    def show_row(self, row: TicketRow | None) -> None:
        same = row is not None and self.row is not None and row.id == self.row.id
        self.row = row
        if row is None:
            self.setEnabled(False)
            return
        self.setEnabled(True)
        if not same or not self.findings.document().isModified():
            self.findings.setPlainText(row.findings)
            self.findings.document().setModified(False)
        if not same:
            for check, value in (
                (self.system_images, row.evidence.system_images),
                (self.operator_cctv, row.evidence.operator_cctv),
                (self.whereabouts, row.evidence.whereabouts_traced),
            ):
                check.blockSignals(True)
                check.setChecked(value)
                check.blockSignals(False)
            self.note.clear()
            self.password.clear()
        self.attachments.clear()
        for ref, label in row.state.attachments:
            self.attachments.addItem(f"{ref}  {label}".strip())
        self._show_level()
        self._enable(row)

    def _enable(self, row: TicketRow) -> None:
        may = self.ticket_actions.may
        active = row.is_active
        dispose = may("DISPOSE_TICKET") and active
        self.ack.setEnabled(may("ACK_TICKET") and row.state.needs_ack)
        controls: tuple[QWidget, ...] = (self.assign_me, self.note, self.save, self.attach, self.attach_ref)
        for widget in (*controls, self.findings, self.system_images, self.operator_cctv, self.whereabouts):
            widget.setEnabled(dispose)
        for button in self.notify_buttons.values():
            button.setEnabled(dispose)
        self.dispatch.setEnabled(dispose and str(row.status) in ("open", "acknowledged"))
        conflicted = row.in_conflict  # sign-off waits for a supervisor's resolution
        blocked = Q.translate("Tickets", "A supervisor must resolve the CONFLICT first") if conflicted else ""
        submittable = str(row.status) in ("acknowledged", "dispatched")
        self.submit.setEnabled(dispose and submittable and not conflicted)
        self.submit.setToolTip(blocked)
        self.sign.setToolTip(blocked)
        shelve = may("SHELVE_ALARM") and active
        self.shelve.setEnabled(shelve)
        self.shelve_reason.setEnabled(shelve)
        self.unshelve.setEnabled(shelve and row.state.shelved_until is not None)
        signer = self.ticket_actions.may_sign(1)
        self.sign.setVisible(signer)
        self.password.setVisible(signer)
        self.sign.setEnabled(
            not conflicted
            and str(row.status) == "awaiting_signoff"
            and self.ticket_actions.may_sign(row.required_level)
        )

    def evidence(self) -> Evidence:
        return Evidence(
            self.system_images.isChecked(), self.operator_cctv.isChecked(), self.whereabouts.isChecked()
        )

    def _show_level(self, *_: Any) -> None:
        """The sign-off level the ticked evidence requires, shown before anything is submitted."""
        minimum = (
            0 if self.row is None else self.row.required_level if self.row.evidence == self.evidence() else 0
        )
        level = int(required_signoff_level(self.evidence(), minimum))
        self.level.setText(
            Q.translate("Tickets", "Sign-off needed: {level}").format(level=level_label(level))
        )

    # -- actions ---------------------------------------------------------------------------

    def _run(self, call: Callable[..., Any], *args: Any) -> bool:
        if self.row is None:
            return False
        ticket_id = self.row.id
        try:
            call(ticket_id, *args)
        except PersistError as exc:
            self.failed.emit(str(exc))
            self.acted.emit(ticket_id)
            return True
        except WorkflowError as exc:
            self.failed.emit(str(exc))
            return False
        self.acted.emit(ticket_id)
        return True

    def _assign_me(self) -> None:
        if self.ticket_actions.user is not None:
            self._run(self.ticket_actions.assign, self.ticket_actions.user.username)

    def _shelve(self) -> None:
        if self._run(self.ticket_actions.shelve, self.shelve_reason.text(), self.shelve_hours.value() * 3600):
            self.shelve_reason.clear()

    def _notify(self, party: Party) -> None:
        if self._run(self.ticket_actions.notify, party, self.note.text()):
            self.note.clear()

    def _save(self) -> None:
        if self.row is None:
            return
        text = self.findings.toPlainText()  # read first: a refresh after the evidence may reset it
        previous = self.row.findings
        evidence = self.evidence()
        if evidence != self.row.evidence and not self._run(self.ticket_actions.record_evidence, evidence):
            self.findings.setPlainText(text)
            return
        if text.strip() != previous and not self._run(self.ticket_actions.record_findings, text):
            self.findings.setPlainText(text)  # keep what was typed after a refusal
            self.findings.document().setModified(True)

    def _attach(self) -> None:
        if self._run(self.ticket_actions.attach, self.attach_ref.text()):
            self.attach_ref.clear()

    def _sign(self) -> None:
        password = self.password.text()
        self.password.clear()
        self._run(self.ticket_actions.sign_off, password)
