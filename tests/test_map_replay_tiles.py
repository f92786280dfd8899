"""Replay track and cursor on the map; a local MBTiles basemap served through app://tiles/."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QColor, QImage

from desktop.live.views import FeedDelta, TrailPoint
from desktop.map.widget import MapView
from desktop.models.sites import load_sites
from tests.map_gui import DATA, T0, colour_share, dispose, run_js, save, spin_until, trip, wait_js

pytestmark = pytest.mark.timeout(120)


def open_map(tiles: Path | None = None) -> MapView:
    view = MapView(load_sites(DATA / "demo_sites.geojson"), tiles=tiles)
    view.resize(1000, 680)
    ready: list[bool] = []
    view.ready.connect(lambda: ready.append(True))
    view.show()
    spin_until(lambda: bool(ready))
    return view


@pytest.fixture(scope="module")
def replay_map(qapp: Any) -> Iterator[MapView]:
    view = open_map()
    yield view
    dispose(view)


TRACK = [TrailPoint(T0 + 60 * i, 22.560 + 0.002 * i, 120.318 + 0.0015 * math.sin(i / 2)) for i in range(12)]
EVENTS: list[tuple[float, float, float, str, str | None]] = [
    (T0, TRACK[0].lat, TRACK[0].lon, "出發 departed KHH-T-50", None),
    (T0 + 300, TRACK[5].lat, TRACK[5].lon, "A03 偏離路線 off route", "high"),
    (T0 + 540, TRACK[9].lat, TRACK[9].lon, "A05 封條異常 seal tamper", "critical"),
]


def test_track_and_events_are_drawn_and_live_vehicles_dimmed(replay_map: MapView, qtbot: Any) -> None:
    replay_map.apply(FeedDelta(changed=[trip("LIVE1", 22.57, 120.33)]))
    replay_map.show_track(list(reversed(TRACK)), EVENTS)  # order does not matter: sorted by time
    state = wait_js(qtbot, replay_map, "JMC.debugState()", lambda s: s["replay"]["points"] == len(TRACK))
    assert state["replay"]["events"] == 3 and state["dimmed"]
    assert state["zoom"] >= 13  # fitted to the track
    query = "[...document.querySelectorAll('.jmc-ev-label')].map(e => e.innerText)"
    labels = run_js(qtbot, replay_map, query)
    assert any("高 A03 偏離路線" in text for text in labels)
    assert any("危急 A05" in text for text in labels)


def test_cursor_sits_on_the_last_real_point_never_in_between(replay_map: MapView, qtbot: Any) -> None:
    replay_map.show_track(TRACK, EVENTS)
    replay_map.set_track_cursor(T0 + 60 * 4 + 59)  # between points 4 and 5
    state = wait_js(qtbot, replay_map, "JMC.debugState().replay", lambda r: r["cursorIndex"] == 4)
    assert state["cursor"] == pytest.approx([TRACK[4].lat, TRACK[4].lon], abs=1e-9)
    replay_map.set_track_cursor(T0 + 60 * 11 + 3600)  # after the end: the last point
    wait_js(qtbot, replay_map, "JMC.debugState().replay", lambda r: r["cursorIndex"] == 11)
    qtbot.wait(200)
    save(replay_map.grab().toImage(), "map_replay.png")
    replay_map.set_track_cursor(T0 - 1)  # before the track: no marker at all
    wait_js(qtbot, replay_map, "JMC.debugState().replay", lambda r: r["cursor"] is None)
    replay_map.set_track_cursor(math.nan)  # ignored, no error
    replay_map.clear_track()
    state = wait_js(qtbot, replay_map, "JMC.debugState()", lambda s: s["replay"]["points"] == 0)
    assert not state["dimmed"] and replay_map.js_errors == []


def png(colour: str) -> bytes:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def tile_xy(lat: float, lon: float, z: int) -> tuple[int, int]:
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


def test_mbtiles_basemap_is_served_through_the_app_scheme(qapp: Any, qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "taiwan.mbtiles"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)")
    meta = {"name": "test", "format": "png", "minzoom": "5", "maxzoom": "9", "attribution": "測試圖資"}
    db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    white = png("#ffffff")
    count = 0
    for z in range(5, 10):
        (x0, y0), (x1, y1) = tile_xy(26.5, 118.0, z), tile_xy(21.5, 123.0, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, white))
                count += 1
    db.commit()
    db.close()
    view = open_map(tiles=path)
    try:
        loaded = wait_js(
            qtbot,
            view,
            "[...document.querySelectorAll('.jmc-tiles img.leaflet-tile-loaded')]"
            ".map(i => [i.src, i.naturalWidth])",
            lambda tiles: len(tiles) >= 4,
            timeout=10_000,
        )
        assert all(src.startswith("app://tiles/") and width == 256 for src, width in loaded)
        qtbot.wait(300)
        image = view.grab().toImage()
        save(image, "map_mbtiles.png")
        # white daylight tiles are shown dimmed to the control room's dark grey, not white
        assert colour_share(image, (255, 255, 255), tolerance=10) < 0.01
        assert colour_share(image, (48, 48, 48), tolerance=12) > 0.3
        attribution = run_js(qtbot, view, "document.querySelector('.leaflet-control-attribution').innerText")
        assert "測試圖資" in attribution
        assert view.blocked_requests == [] and view.js_errors == []
    finally:
        dispose(view)


def test_a_map_loaded_before_it_is_shown_is_ready_and_fits_when_shown(qapp: Any, qtbot: Any) -> None:
    view = MapView(load_sites(DATA / "demo_sites.geojson"))
    try:
        with qtbot.waitSignal(view.ready, timeout=30_000):
            pass  # never shown: no frames, still ready once drawn
        view.apply(FeedDelta(changed=[trip("HID1", 24.27, 120.51)]))
        view.fit_region("taichung")  # asked while the view has no size
        wait_js(qtbot, view, "JMC.inspect('HID1')", lambda r: r is not None)
        view.resize(900, 600)
        view.show()
        centre = wait_js(qtbot, view, "JMC.debugState().center", lambda c: 24.2 < c[0] < 24.35)
        assert 120.45 < centre[1] < 120.55 and view.js_errors == []
    finally:
        dispose(view)
