"""The signed-in console (Qt): sign-in, the docked ticket panel, the Tickets menu, the signed-in
user in the status bar, and signing in as someone else.

Password checks (argon2id, ~150 ms) run on a worker thread; the GUI keeps painting meanwhile
(:func:`off_gui_thread`). The window's ticket queue is a :class:`TicketPanel` over the backend's
:class:`TicketFeed`; its actions are audited in the store through the backend's ticket writer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QThread, QTimer
from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from desktop.app_backend import Backend
from desktop.auth.accounts import AccountService, AuthenticatedUser
from desktop.auth.roles import Permission, can
from desktop.models.ticket import Ticket
from desktop.views.main_window import MainWindow
from desktop.views.tickets.handover_view import HandoverDialog
from desktop.views.tickets.login import LoginDialog
from desktop.views.tickets.panel import TicketPanel
from desktop.views.tickets.quarantine_view import QuarantineBrowser
from desktop.views.tickets_menu import TicketsMenu
from desktop.workflow.actions import TicketActions
from desktop.workflow.conflicts import ConflictDesk
from desktop.workflow.handover import HandoverService, store_hooks

T = TypeVar("T")


def off_gui_thread(call: Callable[..., T], *args: Any) -> T:
    """Run ``call(*args)`` on a worker thread; on the GUI thread, keep painting (but take no
    input) until it returns. Its exception is raised here."""
    app = QCoreApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        return call(*args)
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["result"] = call(*args)
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=work, name="jmc-auth", daemon=True)
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: loop.quit() if done.is_set() else None)
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        worker.start()
        timer.start()
        if not done.is_set():
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        timer.stop()
        worker.join()
    finally:
        QGuiApplication.restoreOverrideCursor()
    if "error" in box:
        raise box["error"]
    return box["result"]  # type: ignore[no-any-return]


def background_authenticate(accounts: AccountService) -> Callable[[str, str], AuthenticatedUser]:
    """``accounts.authenticate`` off the GUI thread (for the sign-in dialog and re-authentication)."""
    return lambda username, password: off_gui_thread(accounts.authenticate, username, password)


def may_use_console(user: AuthenticatedUser) -> bool:
    return can(user.role, Permission.VIEW_MONITOR)


def sign_in(accounts: AccountService, parent: QWidget | None = None) -> AuthenticatedUser | None:
    """Ask for a user name and password until someone who may use the monitor signs in;
    ``None`` when the dialog is cancelled."""
    while True:
        dialog = LoginDialog(background_authenticate(accounts), parent)
        dialog.setObjectName("loginDialog")
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        user: AuthenticatedUser | None = dialog.user if accepted else None
        dialog.deleteLater()
        if user is None:
            return None
        if may_use_console(user):
            return user
        QMessageBox.warning(
            parent,
            Q.translate("ConsoleSession", "JMC Console"),
            Q.translate(
                "ConsoleSession",
                "The account {user} may not use the monitoring console (its role has no access).",
            ).format(user=user.username),
        )


class ConsoleSession(QObject):
    """Who is signed in and what the window offers them.

    Args:
        backend: the prepared backend (its feeds exist).
        accounts: for re-authentication at sign-off and for signing in as someone else.
        user: the signed-in user.
    """

    def __init__(self, backend: Backend, accounts: AccountService, user: AuthenticatedUser) -> None:
        super().__init__()
        assert backend.ticket_feed is not None and backend.live_feed is not None, "backend.prepare() first"
        self.backend = backend
        self.accounts = accounts
        self.user = user
        self.window: MainWindow | None = None
        self.menu: TicketsMenu | None = None
        self.handover_dialog: HandoverDialog | None = None
        self.quarantine_browser: QuarantineBrowser | None = None
        store = backend.store
        options: dict[str, Any] = {
            "feed": backend.ticket_feed,
            "persist": self._after_action,
            "reauthenticate": background_authenticate(accounts),
            "chain_head": store.chain_head if store is not None else None,
            "conflicts": ConflictDesk(store) if store is not None else None,  # the mirror's CONFLICTs
            "user": user,
        }
        if backend.service is not None:
            self.actions = TicketActions.for_service(backend.service, **options)
        else:
            pipeline = backend.pipeline
            self.actions = TicketActions(
                pipeline.book.tickets.get, backend.lock, trip_lookup=pipeline.trips.get,
                console_id=backend.console_id, **options,
            )  # fmt: skip
        self._store_errors = QTimer(self)
        self._store_errors.setInterval(2000)
        self._store_errors.timeout.connect(self._show_store_errors)

    def _after_action(self, ticket: Ticket) -> None:
        """``TicketActions``' persist hook (called with the pipeline lock held): the map hears of
        the change, the ticket writer stores it."""
        live = self.backend.live_feed
        if live is not None:
            live.ticket_changed("action", ticket)
        if self.backend.writer is not None:
            self.backend.writer.persist(ticket)

    # -- the window ------------------------------------------------------------------------------

    def ticket_panel(self, parent: QWidget | None = None) -> TicketPanel:
        """``MainWindow``'s ``ticket_panel_factory``: the queue of the signed-in user."""
        assert self.backend.ticket_feed is not None
        settings = parent.settings if isinstance(parent, MainWindow) else None
        panel = TicketPanel(
            self.actions, self.backend.ticket_feed, self.user, parent,
            orientation=Qt.Orientation.Vertical, settings=settings,  # queue above detail in the side dock
        )  # fmt: skip
        panel.setObjectName("ticketPanel")
        return panel

    def attach(self, window: MainWindow) -> None:
        """Add the Tickets menu and the signed-in user to ``window``."""
        self.window = window
        self.menu = TicketsMenu(window, before=window.actions_.language_menu)
        self.menu.handover.triggered.connect(self.open_handover)
        self.menu.quarantine.triggered.connect(self.open_quarantine)
        self.menu.sign_in_as.triggered.connect(self.sign_in_as)
        self._show_user()
        self._store_errors.start()

    def _show_user(self) -> None:
        role = self.user.role
        if self.menu is not None:
            self.menu.set_allowed(
                handover=can(role, Permission.WRITE_HANDOVER),
                quarantine=can(role, Permission.VIEW_QUARANTINE),
            )
        if self.window is not None:
            self.window.status.set_user(self.user)

    def switch_user(self, user: AuthenticatedUser) -> TicketPanel | None:
        """Hand the console to ``user``: a new ticket panel with every ticket, their permissions."""
        self.user = user
        self.actions.user = user
        feed = self.backend.ticket_feed
        assert feed is not None
        with self.backend.lock:  # the new panel starts from every ticket, as at start
            for ticket in self.backend.pipeline.book.tickets.values():
                feed.on_change("loaded", ticket)
        panel = None
        if self.window is not None:
            panel = self.ticket_panel(self.window)
            self.window.set_ticket_panel(panel)
        for dialog in (self.handover_dialog, self.quarantine_browser):
            if dialog is not None:
                dialog.close()
        self.handover_dialog = None
        self._show_user()
        return panel

    def sign_in_as(self) -> None:
        user = sign_in(self.accounts, self.window)
        if user is not None:
            self.switch_user(user)

    # -- dialogs ---------------------------------------------------------------------------------

    def open_handover(self) -> HandoverDialog | None:
        if not can(self.user.role, Permission.WRITE_HANDOVER):
            return None
        backend = self.backend
        pipeline = backend.pipeline
        hooks = store_hooks(backend.store) if backend.store is not None else {}
        service = HandoverService(
            lambda: list(pipeline.book.tickets.values()), backend.lock, user=self.user,
            trip_lookup=pipeline.trips.get, **hooks,
        )  # fmt: skip
        if self.handover_dialog is not None:
            self.handover_dialog.close()
            self.handover_dialog.deleteLater()
        dialog = HandoverDialog(service, self.window)
        dialog.setObjectName("handoverDialog")
        self.handover_dialog = dialog
        dialog.show()
        return dialog

    def open_quarantine(self) -> QuarantineBrowser | None:
        if not can(self.user.role, Permission.VIEW_QUARANTINE):
            return None
        browser = self.quarantine_browser
        if browser is None:
            browser = QuarantineBrowser(self.backend.quarantine_source())
            browser.setObjectName("quarantineBrowser")
            browser.setWindowFlag(Qt.WindowType.Window)
            browser.resize(1100, 650)
            self.quarantine_browser = browser
        else:
            browser.reload()
        browser.show()
        browser.raise_()
        return browser

    def _show_store_errors(self) -> None:
        writer = self.backend.writer
        if writer is None or self.window is None or not writer.last_error:
            return
        self.window.statusBar().showMessage(
            Q.translate(
                "ConsoleSession", "Ticket changes not stored yet ({count}), retrying: {error}"
            ).format(count=writer.pending, error=writer.last_error),
            4000,
        )

    def close(self) -> None:
        self._store_errors.stop()
        for dialog in (self.handover_dialog, self.quarantine_browser):
            if dialog is not None:
                dialog.close()
