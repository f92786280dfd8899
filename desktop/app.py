"""QApplication bootstrap of JMC Console (聯合管理中心監控台): ``jmc-console gui``.

Order matters: the map's ``app://`` scheme is registered and QtWebEngine imported before the
QApplication exists; then the theme (CJK font, stylesheet), the translations (built if missing
or stale) and the saved language; then the backend, the live feed and the main window.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from desktop.app_backend import Backend, DemoOptions, load_site_data
from desktop.i18n import DEFAULT_LANGUAGE
from desktop.i18n.build import ensure_built
from desktop.i18n.runtime import LanguageSwitcher
from desktop.ingest.broker import BrokerUrlError
from desktop.ingest.localbroker import BrokerStartError
from desktop.live.feed import LiveFeed
from desktop.live.track import PipelineTrackSource
from desktop.models.config import ConfigError
from desktop.models.sites import SitesFileError
from desktop.views.main_window import MainWindow, real_or_placeholder_map
from desktop.views.qt_workarounds import pin_singletons
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
    """``jmc-console gui``: run the main window until it is closed."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        sites, roster, config = load_site_data(args.sites, args.roster, args.rules)
    except (SitesFileError, ConfigError) as exc:
        print(f"jmc-console gui: {exc}", file=sys.stderr)
        return 2
    demo = None
    if args.demo:
        demo = DemoOptions(
            vehicles=args.vehicles, seed=args.seed, anomaly_rate=args.anomaly_rate, speed=args.speed,
            use_amqtt=args.amqtt,
        )  # fmt: skip
    backend = Backend(sites, roster, config, broker_url=None if args.demo else args.broker, demo=demo)
    try:
        backend.prepare()
    except (BrokerUrlError, BrokerStartError) as exc:
        print(f"jmc-console gui: {exc}", file=sys.stderr)
        backend.stop()
        return 2
    app, languages = create_application(sys.argv[:1])
    settings = QSettings()
    languages.switch(args.language or str(settings.value("ui/language", DEFAULT_LANGUAGE)))
    feed = LiveFeed(backend.pipeline, backend.lock)  # before ingest starts: nothing is missed
    window = MainWindow(
        feed,
        sites,
        settings=settings,
        languages=languages,
        status_source=backend.status,
        track_source=PipelineTrackSource(backend.pipeline, backend.lock),
        map_factory=real_or_placeholder_map,
        ticket_panel_factory=None,
    )
    try:
        backend.start()
        window.start()
        window.show()
        if args.quit_after is not None:
            QTimer.singleShot(int(args.quit_after * 1000), lambda: _finish(window, args.screenshot))
        return app.exec()
    finally:
        backend.stop()


def _finish(window: MainWindow, screenshot: Path | None) -> None:
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(screenshot))
    window.close()
