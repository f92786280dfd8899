"""QApplication bootstrap of JMC Console (聯合管理中心監控台): ``jmc-console gui``.

Order matters: the store is opened (and, for the demo, the demo accounts created) before any
window; the map's ``app://`` scheme is registered and QtWebEngine imported before the
QApplication exists; then the theme (CJK font, stylesheet), the translations (built if missing
or stale) and the saved language; then, under the start-up splash, the store opens and the
journal is replayed (on a worker thread), the backend starts, someone signs in, and the main
window opens with the signed-in user's ticket queue. See docs/gui.md, "How the app is assembled".
"""

from __future__ import annotations

import argparse
import gc
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from desktop.app_backend import STAGE_BROKER, STAGE_MAP
from desktop.app_console import ConsoleApp, StartupError
from desktop.app_session import off_gui_thread, sign_in
from desktop.auth.accounts import AccountService, AuthenticatedUser
from desktop.i18n import DEFAULT_LANGUAGE
from desktop.i18n.build import ensure_built
from desktop.i18n.runtime import LanguageSwitcher
from desktop.views.main_window import MainWindow, MapFactory, real_or_placeholder_map
from desktop.views.qt_workarounds import pin_singletons
from desktop.views.splash import StartupSplash
from desktop.views.theme import apply_theme

log = logging.getLogger(__name__)
ORGANISATION = "JMC"
APPLICATION = "JMC Console"


def prepare_qt() -> None:
    """What must happen before the QApplication exists (the map's URL scheme, WebEngine)."""
    try:
        from desktop.map.scheme import register_app_scheme
    except ImportError:
        pass
    else:
        register_app_scheme()
    try:
        import PySide6.QtWebEngineWidgets  # noqa: F401 - must be imported before QApplication
    except ImportError:
        log.warning("QtWebEngine is not available: the map cannot be shown")


def create_application(argv: Sequence[str]) -> tuple[QApplication, LanguageSwitcher]:
    """The QApplication with the control-room theme and the saved (or default) language."""
    pin_singletons()
    existing = QApplication.instance()
    if existing is None:
        prepare_qt()
        app = QApplication(list(argv))
    else:
        assert isinstance(existing, QApplication)
        app = existing
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    apply_theme(app)
    languages = LanguageSwitcher(ensure_built(), app)
    return app, languages


def run_gui(args: argparse.Namespace) -> int:
    """``jmc-console gui``: run the console until its window is closed."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    console = ConsoleApp(args)
    try:
        try:
            console.check()  # bad input: told before any window
            app, languages = create_application(sys.argv[:1])
            settings = QSettings()
            languages.switch(args.language or str(settings.value("ui/language", DEFAULT_LANGUAGE)))
            splash = StartupSplash(languages)
            window = start_console(console, splash, settings, languages)
        except StartupError as exc:
            print(f"jmc-console gui: {exc}", file=sys.stderr)
            return 2
        if window is None:
            return 0  # nobody signed in: nothing was done
        stop_on_interrupt(window)
        quieten_garbage_collector()
        if args.quit_after is not None:
            QTimer.singleShot(int(args.quit_after * 1000), lambda: _finish(window, args.screenshot))
        return app.exec()
    finally:
        console.close()


SignIn = Callable[[AccountService], AuthenticatedUser | None]


def start_console(
    console: ConsoleApp,
    splash: StartupSplash,
    settings: QSettings,
    languages: LanguageSwitcher | None,
    *,
    sign_in_user: SignIn = sign_in,
    map_factory: MapFactory = real_or_placeholder_map,
) -> MainWindow | None:
    """Start the console under ``splash``: ``console.prepare`` on a worker thread (the splash
    shows the stages and the journal replay's progress; the GUI keeps painting), the backend
    started, someone signed in (the splash steps aside for the dialog), the window opened; the
    splash closes when the window's map is ready. ``None`` (and the splash closed) when nobody
    signed in.

    Raises:
        StartupError: as :meth:`ConsoleApp.prepare` (the splash is closed).
    """
    splash.show_centred()
    try:
        off_gui_thread(console.prepare, splash.report)
    except BaseException:
        splash.close()
        raise
    assert console.backend is not None and console.accounts is not None
    if console.backend.service is not None or console.backend.demo is not None:
        splash.report(STAGE_BROKER)
    console.backend.start()
    user = console.demo_user
    if user is None:
        splash.hide()  # the sign-in dialog takes its place
        user = sign_in_user(console.accounts)
        if user is None:
            splash.close()
            return None
    splash.report(STAGE_MAP)
    splash.show_centred()
    window = console.open_window(user, settings, languages, map_factory=map_factory)
    splash.close_when_ready(window)
    return window


def quieten_garbage_collector() -> None:
    """Move everything built at start-up (Qt wrappers, sites, rules, restored tickets) out of
    the collector's sight and make full collections rarer: with tens of thousands of live
    trips a full collection otherwise pauses the GUI thread for hundreds of milliseconds
    (measured in bench/map.py)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 50)


def stop_on_interrupt(window: MainWindow) -> None:
    """Ctrl-C in the terminal closes the window (and so stops everything), as in the text demo.
    Python runs signal handlers between bytecodes only: a timer lets it in every 250 ms."""
    signal.signal(signal.SIGINT, lambda *_: window.close())
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def _finish(window: MainWindow, screenshot: Path | None) -> None:
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(screenshot))
    window.close()
