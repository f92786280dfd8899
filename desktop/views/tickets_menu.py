"""The main window's Tickets (案件) menu: shift handover, the quarantine browser, and signing in
as another user. Entries the signed-in user's role may not use are hidden (``set_allowed``)."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu


class TicketsMenu(QMenu):
    """Put into the window's menu bar before ``before`` (e.g. the Language menu)."""

    def __init__(self, window: QMainWindow, before: QMenu | None = None) -> None:
        super().__init__(window)
        self.setObjectName("ticketsMenu")
        self.handover = self.addAction("")
        self.handover.setObjectName("handoverAction")
        self.handover.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.quarantine = self.addAction("")
        self.quarantine.setObjectName("quarantineAction")
        self.quarantine.setShortcut(QKeySequence("Ctrl+Shift+Q"))
        self.addSeparator()
        self.sign_in_as = self.addAction("")
        self.sign_in_as.setObjectName("signInAsAction")
        bar = window.menuBar()
        if before is not None:
            bar.insertMenu(before.menuAction(), self)
        else:
            bar.addMenu(self)
        for action in (self.handover, self.quarantine, self.sign_in_as):
            window.addAction(action)  # shortcuts work with the menu bar hidden (full screen)
        self.retranslate()

    def set_allowed(self, *, handover: bool, quarantine: bool) -> None:
        """Show only what the signed-in user's role allows."""
        self.handover.setVisible(handover)
        self.handover.setEnabled(handover)
        self.quarantine.setVisible(quarantine)
        self.quarantine.setEnabled(quarantine)

    def retranslate(self) -> None:
        self.setTitle(self.tr("&Tickets"))
        self.handover.setText(self.tr("Shift &handover…"))
        self.quarantine.setText(self.tr("&Quarantined messages…"))
        self.sign_in_as.setText(self.tr("Sign in &as…"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
