"""The main window with the real map (Qt WebEngine, offscreen): it loads, takes the live feed,
focuses a searched trip and shows a replay track. Screenshot: tests/artifacts/."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from desktop.live.feed import LiveFeed
from desktop.live.track import PipelineTrackSource
from desktop.views.main_window import MainWindow, real_or_placeholder_map
from tests.helpers import SITES, Harness, route

widget = pytest.importorskip("desktop.map.widget")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def test_main_window_drives_the_real_map(qtbot: Any, zh_tw: Any, gui_settings: Any) -> None:
    h = Harness()
    dep = h.depart_active()
    h.drive(dep, points=10)
    lock = threading.Lock()
    window = MainWindow(
        LiveFeed(h.pipeline, lock), SITES, settings=gui_settings, languages=zh_tw,
        track_source=PipelineTrackSource(h.pipeline, lock), map_factory=real_or_placeholder_map,
        clock=h.clock.now,
    )  # fmt: skip
    qtbot.addWidget(window)
    assert isinstance(window.map, widget.MapView)
    window.resize(1400, 900)
    with qtbot.waitSignal(window.map.ready, timeout=60_000):
        window.show()
    window.poller.poll_now()
    window.search.setText("ORD-1")
    window.search.submit()
    assert window.selected == "ORD-1"
    window.actions_.replay.trigger()
    assert window.replay.active
    window.replay.seek(
        window.replay.track.start + 300 if window.replay.track and window.replay.track.start else 0
    )
    window.map.flush_now()
    qtbot.wait(1500)  # let the page draw
    assert window.map.js_errors == []
    assert window.map.blocked_requests == []  # nothing tried to reach the internet
    ARTIFACTS.mkdir(exist_ok=True)
    assert window.grab().save(str(ARTIFACTS / "main_window_real_map_zh_TW.png"))
    assert route(10)[-1] == (window.feed.view("ORD-1").lat, window.feed.view("ORD-1").lon)  # type: ignore[union-attr]
