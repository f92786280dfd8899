"""Helpers for the map's GUI tests: run JavaScript and wait, record every request, build trips."""

from __future__ import annotations

import json
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer

from desktop.live.views import TripView
from desktop.map.scheme import register_app_scheme

if QCoreApplication.instance() is None:
    register_app_scheme()  # before any QApplication, whoever creates it

from PySide6.QtGui import QImage
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DATA = Path(__file__).resolve().parent.parent / "desktop" / "data"
T0 = 1_790_000_000.0


class RequestRecorder(QWebEngineUrlRequestInterceptor):
    """A profile-level interceptor that only records: every URL any map page asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:  # noqa: N802 (Qt override)
        self.urls.append(info.requestUrl().toString())


def spin_until(condition: Any, timeout_s: float = 30.0) -> None:
    """Run the Qt event loop until ``condition()`` holds (for fixtures without a qtbot)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        # (QCoreApplication.processEvents(flags, ms) loses a reference to None in PySide6 6.12)
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def dispose(widget: Any) -> None:
    """Close and really delete a widget now (its web page must go before the web profile)."""
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    spin_until(lambda: True, 0.2)


def run_js(qtbot: Any, view: Any, code: str, timeout: int = 5000) -> Any:
    """Evaluate ``code`` in the map page; JSON-decoded result (wrap objects in JSON.stringify)."""
    box: list[Any] = []
    view.page().runJavaScript(f"JSON.stringify({code})", 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=timeout)
    return json.loads(box[0]) if isinstance(box[0], str) else box[0]


def wait_js(qtbot: Any, view: Any, code: str, predicate: Any, timeout: int = 5000) -> Any:
    """Poll ``code`` until ``predicate(result)`` holds; returns the last result."""
    seen: list[Any] = []

    def check() -> bool:
        seen.append(run_js(qtbot, view, code))
        return bool(predicate(seen[-1]))

    qtbot.waitUntil(check, timeout=timeout)
    return seen[-1]


def trip(trip_id: str, lat: float | None, lon: float | None, **changes: Any) -> TripView:
    base = TripView(
        trip_id=trip_id,
        order_no=f"ORD-{trip_id}",
        region="kaohsiung",
        kind="active",
        phase="in_transit",
        plate=f"KL-{trip_id}",
        driver=None,
        containers=("MSCU1234565",),
        seals=("S-77",),
        origin="KHH-T-40",
        destination="KHH-CY-QZ",
        deadline=None,
        lat=lat,
        lon=lon,
        fix_ts=T0,
        speed_kmh=28.0,
        worst_severity=None,
    )
    return replace(base, **changes)


def save(image: QImage, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    assert image.save(str(path)), path
    return path


def colour_share(image: QImage, rgb: tuple[int, int, int], tolerance: int = 6, step: int = 3) -> float:
    """Share of sampled pixels within ``tolerance`` of ``rgb``."""
    hits = total = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            c = image.pixelColor(x, y)
            total += 1
            if max(abs(c.red() - rgb[0]), abs(c.green() - rgb[1]), abs(c.blue() - rgb[2])) <= tolerance:
                hits += 1
    return hits / max(total, 1)
