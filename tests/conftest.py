"""Shared test setup: Qt runs offscreen (set before any Qt import), WebEngine without sandbox,
and the map's ``app://`` scheme is registered before the QApplication exists."""

from __future__ import annotations

import contextlib
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")  # tests run as root
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --no-sandbox")

from typing import Any

import pytest


def _register_app_scheme() -> None:
    try:
        from desktop.map.scheme import register_app_scheme
    except ImportError:
        return
    register_app_scheme()


@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    return ["jmc-console-tests"]


@pytest.fixture(scope="session")
def qapp(qapp_args: list[str], pytestconfig: Any) -> Any:
    """pytest-qt's QApplication, created after the app:// scheme is registered."""
    pytest.importorskip("PySide6")
    from PySide6.QtWidgets import QApplication

    from desktop.views.qt_workarounds import pin_singletons

    pin_singletons()  # PySide6 6.12.0 on Python 3.11 over-releases None/True/False
    app = QApplication.instance()
    if app is None:
        _register_app_scheme()
        with contextlib.suppress(ImportError):  # QtWebEngine must be imported before the QApplication
            import PySide6.QtWebEngineWidgets  # noqa: F401
        app = QApplication(qapp_args)
    from desktop.views.theme import apply_theme

    apply_theme(app)  # GUI tests see the real look (font, stylesheet)
    yield app


@pytest.fixture(scope="session")
def languages(qapp: Any) -> Any:
    """The GUI language switcher over freshly built translations (zh-TW to start with)."""
    from desktop.i18n.build import ensure_built
    from desktop.i18n.runtime import LanguageSwitcher

    switcher = LanguageSwitcher(ensure_built(), qapp)
    return switcher


@pytest.fixture
def zh_tw(languages: Any) -> Any:
    """Each GUI test starts in Traditional Chinese (the default UI language)."""
    assert languages.switch("zh_TW")
    yield languages
    languages.switch("zh_TW")


@pytest.fixture
def broker() -> Any:
    """A Mosquitto of the test's own (broker_config/dev.conf on a free port), stopped after it."""
    from desktop.ingest.localbroker import LocalMosquitto

    with LocalMosquitto() as b:
        yield b


@pytest.fixture
def tickets_zh_tw(qapp: Any) -> Any:
    """The ticket screens' catalogue alone in Traditional Chinese, removed after the test."""
    from desktop.views.tickets.i18n import install_translator

    translator = install_translator("zh_TW")
    yield translator
    if translator is not None:
        qapp.removeTranslator(translator)


@pytest.fixture
def gui_settings(tmp_path: Any) -> Any:
    """QSettings in an INI file of the test's own, so tests never share or keep layouts."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "jmc-console.ini"), QSettings.Format.IniFormat)


@pytest.fixture(autouse=True)
def _translators_do_not_leak(request: Any) -> Any:
    """Translators a test installs (an app's own LanguageSwitcher, a dialog's catalogue) are
    removed after it, so the next test starts from the shared switcher's state only."""
    from PySide6.QtCore import QCoreApplication  # any test may reach the shared application

    installed: list[Any] = []
    original = QCoreApplication.installTranslator

    def tracking(translator: Any) -> bool:
        installed.append(translator)
        return bool(original(translator))

    QCoreApplication.installTranslator = staticmethod(tracking)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        QCoreApplication.installTranslator = original  # type: ignore[method-assign]
        shared = (
            request.getfixturevalue("languages")._translators if "languages" in request.fixturenames else []
        )
        for translator in installed:
            if not any(translator is kept for kept in shared):
                QCoreApplication.removeTranslator(translator)


@pytest.fixture
def open_store(tmp_path: Any) -> Any:
    """Open stores (SQLite files in the test's folder) by name; dispose of them afterwards."""
    from desktop.store.api import Store
    from tests.journal_support import CONSOLE

    opened: list[Any] = []

    def open_(name: str) -> Any:
        store = Store.open(str(tmp_path / f"{name}.sqlite3"), console_id=CONSOLE)
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.engine.dispose()
