"""The ``app://`` scheme: everything the map page loads, served from the package, never the network.

``register_app_scheme()`` must run before the ``QApplication`` is created (Qt WebEngine reads the
registered schemes at start-up); the console's entry point calls it first thing. Hosts:

- ``app://static/<path>``: files under ``desktop/map/static/`` (vendored Leaflet, basemap, our JS)
- ``app://map/<name>.html``: generated map pages, held in memory
- ``app://qt/qwebchannel.js``: Qt's own copy, read from its resources (``qrc:/qtwebchannel/``)
- ``app://tiles/{z}/{x}/{y}.png``: the configured MBTiles file, if any
"""

from __future__ import annotations

import logging
import mimetypes
import re
from pathlib import Path
from typing import Final

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QFile, QIODevice, QObject, QUrl
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from desktop.map.mbtiles import MBTilesSource

log = logging.getLogger(__name__)

SCHEME: Final = b"app"
STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
ALLOWED_SCHEMES: Final = frozenset({"app", "qrc", "data", "blob", "about"})
_TILE_PATH: Final = re.compile(r"^/(\d{1,2})/(\d{1,9})/(\d{1,9})\.(?:png|jpg|jpeg|webp)$")
_MIME: Final = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".json": "application/json",
}


def register_app_scheme() -> None:
    """Register ``app://`` with Qt WebEngine. Call before creating the QApplication; idempotent.

    Raises:
        RuntimeError: when called after the application object exists (too late to register).
    """
    if QWebEngineUrlScheme.schemeByName(QByteArray(SCHEME)).name() == QByteArray(SCHEME):
        return
    if QCoreApplication.instance() is not None:
        raise RuntimeError(
            "desktop.map.scheme.register_app_scheme() must be called before the QApplication is created"
        )
    import PySide6.QtWebEngineWidgets  # noqa: F401  (sets the shared-GL attribute Qt WebEngine needs)

    scheme = QWebEngineUrlScheme(QByteArray(SCHEME))
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.LocalAccessAllowed
        | QWebEngineUrlScheme.Flag.CorsEnabled
    )
    QWebEngineUrlScheme.registerScheme(scheme)


def app_scheme_registered() -> bool:
    return QWebEngineUrlScheme.schemeByName(QByteArray(SCHEME)).name() == QByteArray(SCHEME)


class AppSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``app://`` requests from memory and the package's files; unknown paths get 404."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pages: dict[str, bytes] = {}
        self._static_cache: dict[str, bytes] = {}
        self._qwebchannel: bytes | None = None
        self.tiles: MBTilesSource | None = None
        self.served = 0

    def add_page(self, name: str, html: str) -> QUrl:
        """Hold a generated page; returns its ``app://map/<name>.html`` address."""
        self._pages[f"/{name}.html"] = html.encode("utf-8")
        return QUrl(f"app://map/{name}.html")

    def remove_page(self, name: str) -> None:
        self._pages.pop(f"/{name}.html", None)

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 (Qt override)
        url = job.requestUrl()
        if bytes(job.requestMethod().data()) != b"GET":
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        host, path = url.host(), url.path()
        found: tuple[bytes, str] | None = None
        if host == "static":
            found = self._static(path)
        elif host == "map" and path in self._pages:
            found = (self._pages[path], "text/html")
        elif host == "qt" and path == "/qwebchannel.js":
            found = self._qwebchannel_js()
        elif host == "tiles":
            found = self._tile(path)
        if found is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        data, mime = found
        buffer = QBuffer(job)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(QByteArray(mime.encode()), buffer)
        self.served += 1

    def _static(self, path: str) -> tuple[bytes, str] | None:
        data = self._static_cache.get(path)
        if data is None:
            target = (STATIC_DIR / path.lstrip("/")).resolve()
            if not target.is_relative_to(STATIC_DIR) or not target.is_file():
                return None
            data = self._static_cache[path] = target.read_bytes()
        mime = _MIME.get(Path(path).suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
        return data, mime

    def _qwebchannel_js(self) -> tuple[bytes, str] | None:
        if self._qwebchannel is None:
            import PySide6.QtWebChannel  # noqa: F401  (its library holds the resource)

            source = QFile(":/qtwebchannel/qwebchannel.js")
            if not source.open(QIODevice.OpenModeFlag.ReadOnly):
                log.error("Qt's qwebchannel.js resource is missing")
                return None
            self._qwebchannel = bytes(source.readAll().data())
            source.close()
        return self._qwebchannel, "text/javascript"

    def _tile(self, path: str) -> tuple[bytes, str] | None:
        match = _TILE_PATH.match(path)
        if self.tiles is None or match is None:
            return None
        z, x, y = (int(g) for g in match.groups())
        data = self.tiles.tile(z, x, y)
        return None if data is None else (data, self.tiles.info.mime)


class OfflineGuard(QWebEngineUrlRequestInterceptor):
    """Blocks every request that is not ``app://`` (or an in-page scheme) and remembers it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 (Qt override)
        url = info.requestUrl()
        if url.scheme() not in ALLOWED_SCHEMES:
            info.block(True)
            self.blocked.append(url.toString())
            log.warning("map: blocked a request to %s (the console never goes online)", url.toString())


_profile: QWebEngineProfile | None = None
_handler: AppSchemeHandler | None = None


def map_profile() -> tuple[QWebEngineProfile, AppSchemeHandler]:
    """The map's off-the-record web profile with the ``app://`` handler installed (one per process)."""
    global _profile, _handler
    if _profile is None or _handler is None:
        if not app_scheme_registered():
            raise RuntimeError(
                "the app:// scheme is not registered: call desktop.map.scheme.register_app_scheme() "
                "before creating the QApplication"
            )
        _profile = QWebEngineProfile(QCoreApplication.instance())  # no storage name: off the record
        _profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        _profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
        _handler = AppSchemeHandler(_profile)
        _profile.installUrlSchemeHandler(QByteArray(SCHEME), _handler)
    return _profile, _handler
