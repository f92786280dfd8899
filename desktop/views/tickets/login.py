"""Sign-in dialog: ``AccountService.authenticate`` → the signed-in user, or the refusal shown inline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

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
        self.setWindowTitle(Q.translate("Tickets", "JMC Console — sign in"))
        self.setStyleSheet(DARK_STYLESHEET)
        self._authenticate = authenticate
        self._clock = clock
        self._retry_at = 0.0
        self.user: Any = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(Q.translate("Tickets", "User name"), self.username)
        form.addRow(Q.translate("Tickets", "Password"), self.password)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #f08c00;")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(Q.translate("Tickets", "Sign in"))
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._countdown = QTimer(self)
        self._countdown.setInterval(500)
        self._countdown.timeout.connect(self._tick)

    def try_sign_in(self) -> bool:
        """Check the credentials; accept the dialog on success, else show why (and the wait)."""
        if self._clock() < self._retry_at:
            return False
        username, password = self.username.text().strip(), self.password.text()
        self.password.clear()
        if not username or not password:
            self.error.setText(Q.translate("Tickets", "Enter your user name and password."))
            return False
        try:
            self.user = self._authenticate(username, password)
        except Exception as exc:  # LoginError: bilingual message, retry_after_s
            wait = float(getattr(exc, "retry_after_s", 0.0) or 0.0)
            self.error.setText(str(exc))
            if wait > 0:
                self._retry_at = self._clock() + wait
                self._tick()
                self._countdown.start()
            return False
        self.accept()
        return True

    def _tick(self) -> None:
        left = self._retry_at - self._clock()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if left <= 0:
            self._countdown.stop()
            ok.setEnabled(True)
            ok.setText(Q.translate("Tickets", "Sign in"))
            return
        ok.setEnabled(False)
        ok.setText(Q.translate("Tickets", "Wait {s} s").format(s=int(left + 0.999)))
