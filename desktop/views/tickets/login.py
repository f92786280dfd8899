"""Sign-in dialog: ``AccountService.authenticate`` → the signed-in user, or the refusal shown inline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.views.tickets.style import DARK_STYLESHEET


class LoginDialog(QDialog):
    """Asks for user name and password until ``authenticate`` accepts them.

    Args:
        authenticate: ``AccountService.authenticate`` (raises ``LoginError`` with ``retry_after_s``).
    """

    def __init__(
        self,
        authenticate: Callable[[str, str], Any],
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.setStyleSheet(DARK_STYLESHEET)
        self._authenticate = authenticate
        self._clock = clock
        self._retry_at = 0.0
        self._error: Callable[[], str] | None = None  # renders the error shown (for retranslate)
        self.user: Any = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.username_label = QLabel()
        self.password_label = QLabel()
        self.username_label.setBuddy(self.username)
        self.password_label.setBuddy(self.password)
        form.addRow(self.username_label, self.username)
        form.addRow(self.password_label, self.password)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #f08c00;")
        layout.addWidget(self.error)
        # the sign-in button is not a standard one: QDialogButtonBox resets the texts of its
        # standard buttons on a language change; Cancel is translated by the qtbase catalogue
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_in = QPushButton()
        self.sign_in.setDefault(True)
        self.buttons.addButton(self.sign_in, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._countdown = QTimer(self)
        self._countdown.setInterval(500)
        self._countdown.timeout.connect(self._tick)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current UI language (the refusal shown stays, as it was given)."""
        self.setWindowTitle(Q.translate("Tickets", "JMC Console — sign in"))
        self.username_label.setText(Q.translate("Tickets", "User name"))
        self.password_label.setText(Q.translate("Tickets", "Password"))
        if self._error is not None:
            self.error.setText(self._error())
        self._tick()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_error(self, render: Callable[[], str]) -> None:
        self._error = render
        self.error.setText(render())

    def try_sign_in(self) -> bool:
        """Check the credentials; accept the dialog on success, else show why (and the wait)."""
        if self._clock() < self._retry_at:
            return False
        username, password = self.username.text().strip(), self.password.text()
        self.password.clear()
        if not username or not password:
            self._show_error(lambda: Q.translate("Tickets", "Enter your user name and password."))
            return False
        try:
            self.user = self._authenticate(username, password)
        except Exception as exc:  # LoginError: bilingual message, retry_after_s
            wait = float(getattr(exc, "retry_after_s", 0.0) or 0.0)
            message = str(exc)
            self._show_error(lambda: message)
            if wait > 0:
                self._retry_at = self._clock() + wait
                self._tick()
                self._countdown.start()
            return False
        self.accept()
        return True

    def _tick(self) -> None:
        left = self._retry_at - self._clock()
        if left <= 0:
            self._countdown.stop()
            self.sign_in.setEnabled(True)
            self.sign_in.setText(Q.translate("Tickets", "Sign in"))
            return
        self.sign_in.setEnabled(False)
        self.sign_in.setText(Q.translate("Tickets", "Wait {s} s").format(s=int(left + 0.999)))
