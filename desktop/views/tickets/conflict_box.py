"""The detail panel's CONFLICT box: each side of what two consoles decided differently while apart
(console, officer, time, what they decided) and, for supervisors, "採用此決定 / Adopt this
decision" per side with a required reason. Watch officers read that a supervisor must resolve it.

The sides come from the store (``TicketActions.conflicts_of``); the box is rebuilt only when the
ticket or its conflicts change, so a refresh of the same ticket keeps the reason being typed.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.views.tickets.labels import conflict_label, conflict_topic_label, event_detail, event_label
from desktop.workflow.actions import TicketActions
from desktop.workflow.conflicts import ConflictInfo, ConflictOption
from desktop.workflow.errors import PersistError, WorkflowError
from desktop.workflow.rows import TicketRow, fmt_time


def _label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


class ConflictBox(QGroupBox):
    """Both sides of a ticket's open CONFLICTs; hidden while the ticket has none."""

    resolved = Signal(str)  # ticket id, after a supervisor's choice was recorded
    failed = Signal(str)  # the bilingual message of a refusal

    def __init__(self, actions: TicketActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictBox")
        self.ticket_actions = actions
        self.row: TicketRow | None = None
        self.conflicts: list[ConflictInfo] = []
        self._shown_key: tuple[str, ...] | None = None
        self.adopt_buttons: dict[str, QPushButton] = {}  # option event id -> its button
        layout = QVBoxLayout(self)
        self.explain = _label()
        layout.addWidget(self.explain)
        self.sides = QWidget()
        self.sides_layout = QVBoxLayout(self.sides)
        self.sides_layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sides)
        self.reason = QLineEdit()
        self.reason.setMaxLength(4000)
        self.reason.textChanged.connect(self._enable)
        layout.addWidget(self.reason)
        self.retranslate()
        self.hide()

    # -- language --------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text in the current UI language (the reason typed stays)."""
        self.setTitle(conflict_label())
        self.reason.setPlaceholderText(Q.translate("Tickets", "Reason for adopting a decision (required)"))
        self._show_explanation()
        self._build()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- showing ---------------------------------------------------------------------------

    @property
    def may_resolve(self) -> bool:
        return self.ticket_actions.may("RESOLVE_CONFLICT")

    def show_row(self, row: TicketRow | None) -> None:
        """Show the conflicts of ``row`` (read from the store when the ticket has some)."""
        if row is None or self.row is None or row.id != self.row.id:
            self.reason.clear()
        self.row = row
        conflicted = row is not None and row.in_conflict
        self.conflicts = self.ticket_actions.conflicts_of(row.id) if row is not None and conflicted else []
        if self._key() != self._shown_key:
            self._build()
        self.setVisible(bool(self.conflicts))
        self._show_explanation()

    def _show_explanation(self) -> None:
        if self.may_resolve:
            text = Q.translate(
                "Tickets",
                "Two consoles decided differently on this ticket while apart; both decisions are kept. "
                "Adopt one and say why: the choice is audited and reaches every console. "
                "Sign-off waits until then.",
            )
        else:
            text = Q.translate(
                "Tickets",
                "Two consoles decided differently on this ticket while apart; both decisions are kept. "
                "A supervisor (section chief or above) must adopt one; sign-off waits until then.",
            )
        self.explain.setText(text)

    def _key(self) -> tuple[str, ...] | None:
        """What the sides shown were built for: the ticket and its conflicts."""
        if self.row is None:
            return None
        return (self.row.id, *(c.conflict_id for c in self.conflicts))

    def _clear(self) -> None:
        while self.sides_layout.count():
            item = self.sides_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.adopt_buttons = {}

    def _build(self) -> None:
        """One block per conflict: its topic, then a frame per side."""
        self._clear()
        self._shown_key = self._key()
        resolver = self.may_resolve
        for conflict in self.conflicts:
            self.sides_layout.addWidget(_label(conflict_topic_label(conflict.topic), "conflictTopic"))
            for option in conflict.options:
                self.sides_layout.addWidget(self._side(option, resolver))
        self.reason.setVisible(resolver and bool(self.conflicts))
        self._enable()

    def _side(self, option: ConflictOption, resolver: bool) -> QFrame:
        frame = QFrame()
        frame.setObjectName("conflictSide")
        box = QVBoxLayout(frame)
        box.setContentsMargins(6, 4, 6, 4)
        desk = self.ticket_actions.conflicts
        own = desk is not None and option.origin == desk.console_id
        here = Q.translate("Tickets", "this console")
        console = f"{option.origin} ({here})" if own else option.origin
        who = Q.translate("Tickets", "Console {console} · {officer} · {time}").format(
            console=console, officer=option.actor, time=fmt_time(option.at)
        )
        box.addWidget(_label(who))
        detail = event_detail(option.kind, dict(option.data))
        what = f"<b>{event_label(option.kind)}</b>"
        decided = Q.translate("Tickets", "{event}: {detail}").format(event=what, detail=_escape(detail))
        decided = decided if detail else what
        box.addWidget(_label(decided))
        if resolver:
            button = QPushButton(Q.translate("Tickets", "Adopt this decision"))
            button.clicked.connect(lambda _=False, event_id=option.event_id: self.adopt(event_id))
            box.addWidget(button)
            self.adopt_buttons[option.event_id] = button
        return frame

    def _enable(self, *_: object) -> None:
        tip = "" if self.reason.text().strip() else Q.translate("Tickets", "Give the reason first")
        for button in self.adopt_buttons.values():
            button.setEnabled(bool(self.reason.text().strip()))
            button.setToolTip(tip)

    # -- acting ----------------------------------------------------------------------------

    def adopt(self, event_id: str) -> bool:
        """Resolve the conflict that has ``event_id`` as a side by adopting it."""
        if self.row is None:
            return False
        ticket_id = self.row.id
        try:
            self.ticket_actions.resolve_conflict(ticket_id, event_id, self.reason.text())
        except PersistError as exc:
            self.failed.emit(str(exc))
        except WorkflowError as exc:
            self.failed.emit(str(exc))
            return False
        self.reason.clear()
        self.resolved.emit(ticket_id)
        return True


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
