"""The console assembled from its parts (see docs/gui.md, "How the app is assembled").

    console = ConsoleApp(args)
    console.check()                    # bad input (sites, rules, broker URL, upstream): before any window
    console.prepare(progress)          # store, accounts (demo: created), backend (tickets restored)
    console.backend.start()            # ingest, mirror, samplers (demo: broker + simulator)
    user = console.demo_user or sign_in(console.accounts)
    window = console.open_window(user, settings, languages)
    ...
    console.close()                    # window, backend, store, demo folder

``jmc-console gui`` (:func:`desktop.app.run_gui`) does exactly this around ``app.exec()``, with
``prepare`` on a worker thread under the start-up splash (:func:`desktop.app.start_console`); the
tests do it without the event loop's ``exec``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from PySide6.QtCore import QSettings
from sqlalchemy.exc import SQLAlchemyError

from desktop.app_backend import STAGE_STORE, Backend, StartupProgress, default_console_id, load_site_data
from desktop.app_broker import console_broker_address
from desktop.app_demo import DemoFolder, DemoOptions, create_demo_accounts
from desktop.auth.accounts import AccountService, AuthenticatedUser
from desktop.i18n.runtime import LanguageSwitcher
from desktop.ingest.broker import BrokerUrlError
from desktop.ingest.localbroker import BrokerStartError
from desktop.models.config import ConfigError, RuleConfig
from desktop.models.sites import Roster, SiteIndex, SitesFileError
from desktop.store.api import Store, StoreError
from desktop.store.upstream import UpstreamError, resolve_upstream_url
from desktop.views.main_window import MainWindow, MapFactory, real_or_placeholder_map


class StartupError(RuntimeError):
    """The console cannot start; the message (for the terminal) says why and what to do."""


def no_accounts_message(db: str | None) -> str:
    """What to tell the administrator when the store has no account yet (zh-TW, then English)."""
    where = f" --db {db}" if db else ""
    return (
        "尚無任何使用者帳號，無法登入。請系統管理員先建立帳號（密碼會另外詢問，不在命令列輸入）：\n"
        f"    jmc-console user add <帳號 username> --role admin --name <姓名 name>{where}\n"
        f"    jmc-console user add <帳號 username> --role watch_officer --name <姓名 name>{where}\n"
        "There are no user accounts yet, so nobody can sign in. The administrator creates them "
        "first with the commands above (the password is asked for, never given on the command "
        "line; see docs/auth.md)."
    )


class ConsoleApp:
    """Everything ``jmc-console gui`` runs, in the order it must start and stop.

    Args:
        args: the ``gui`` command line (``desktop.app_cli``).
        out: where the demo prints its accounts.
        err: where warnings of the demo broker go.
    """

    def __init__(
        self, args: argparse.Namespace, *, out: TextIO = sys.stdout, err: TextIO = sys.stderr
    ) -> None:
        self.args = args
        self._out = out
        self._err = err
        self.folder: DemoFolder | None = None
        self.store: Store | None = None
        self.accounts: AccountService | None = None
        self.backend: Backend | None = None
        self.demo_user: AuthenticatedUser | None = None
        self.session: Any = None  # desktop.app_session.ConsoleSession, once a window is open
        self.window: MainWindow | None = None
        self._checked: tuple[SiteIndex, Roster, RuleConfig, str | None] | None = None

    # -- before any window -------------------------------------------------------------------------

    def check(self) -> None:
        """Read the sites, roster and rules and check the broker and upstream addresses: all that
        can be checked before a store is opened or created (and before any window).

        Raises:
            StartupError: bad input (the message says which).
        """
        if self._checked is not None:
            return
        args = self.args
        try:
            sites, roster, config = load_site_data(args.sites, args.roster, args.rules)
            if args.broker and not args.demo:
                console_broker_address(args.broker, getattr(args, "broker_ca", None))
            upstream = None if args.demo else resolve_upstream_url(args.upstream)
        except (SitesFileError, ConfigError, UpstreamError, BrokerUrlError) as exc:
            raise StartupError(str(exc)) from exc
        self._checked = (sites, roster, config, upstream)

    def prepare(self, progress: StartupProgress | None = None) -> None:
        """Open the store, check or create accounts, restore the tickets, prepare the backend
        (:meth:`check` first, if not done). Qt-free: it may run on a worker thread.

        Args:
            progress: told each start-up stage (``desktop.app_backend.STARTUP_STAGES``) and the
                journal replay's progress, from this thread.

        Raises:
            StartupError: bad input or an unusable store, broker or upstream (the message says which).
        """
        self.check()
        assert self._checked is not None
        sites, roster, config, upstream = self._checked
        args = self.args
        if progress is not None:
            progress(STAGE_STORE, 0, 0)
        console_id = args.console_id or default_console_id()
        if args.demo:
            self.folder = DemoFolder()
        try:
            if self.folder is not None:
                self.store = Store.open(str(self.folder.db_path), console_id=f"demo-{console_id}")
            else:
                self.store = Store.open(args.db, console_id=console_id)
            self.accounts = AccountService(self.store.engine)
            if args.demo:
                self.demo_user = create_demo_accounts(self.accounts, self._out)
            elif not self.accounts.list_users():
                raise StartupError(no_accounts_message(args.db))
        except (StoreError, SQLAlchemyError) as exc:
            raise StartupError(f"the store cannot be used: {exc}") from exc
        demo = None
        if args.demo:
            demo = DemoOptions(
                vehicles=args.vehicles, seed=args.seed, anomaly_rate=args.anomaly_rate, speed=args.speed,
                use_amqtt=args.amqtt,
            )  # fmt: skip
        self.backend = Backend(
            sites, roster, config, store=self.store, broker_url=None if args.demo else args.broker,
            broker_ca=getattr(args, "broker_ca", None),
            demo=demo, upstream_url=upstream, err=self._err,
        )  # fmt: skip
        try:
            self.backend.prepare(progress)
        except (BrokerUrlError, BrokerStartError, StoreError, SQLAlchemyError) as exc:
            raise StartupError(str(exc)) from exc

    # -- the window --------------------------------------------------------------------------------

    def open_window(
        self,
        user: AuthenticatedUser,
        settings: QSettings,
        languages: LanguageSwitcher | None,
        *,
        map_factory: MapFactory = real_or_placeholder_map,
    ) -> MainWindow:
        """The main window of ``user``'s console, shown and polling."""
        from desktop.app_session import ConsoleSession  # Qt widgets of the ticket workflow

        backend, accounts = self.backend, self.accounts
        assert backend is not None and accounts is not None and backend.live_feed is not None, (
            "prepare() first"
        )
        self.session = session = ConsoleSession(backend, accounts, user)
        window = MainWindow(
            backend.live_feed,
            backend.sites,
            settings=settings,
            languages=languages,
            status_source=backend.status,
            mirror_backlog=backend.mirror_backlog,
            quarantine_count=backend.quarantined,
            track_source=backend.track_source(),
            map_factory=map_factory,
            ticket_panel_factory=session.ticket_panel,
        )
        session.attach(window)
        window.start()
        window.show()
        self.window = window
        return window

    def close(self) -> None:
        """Stop and release everything, in reverse order (safe to call twice)."""
        if self.session is not None:
            self.session.close()
            self.session = None
        if self.window is not None:
            self.window.close()
            self.window = None
        if self.backend is not None:
            self.backend.stop()
            self.backend = None
        if self.store is not None:
            self.store.close()
            self.store = None
        if self.folder is not None:
            self.folder.close()
            self.folder = None
