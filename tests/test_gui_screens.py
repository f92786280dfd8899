"""Screenshots of the main window over simulated traffic on the demo sites, in zh-TW and English.

The PNGs go to tests/artifacts/ (not committed) for a person to look at; the assertions check
what the screenshots are meant to show.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage

from desktop.app_backend import load_site_data
from desktop.live.feed import LiveFeed
from desktop.live.track import PipelineTrackSource
from desktop.models.clock import SimulatedClock
from desktop.models.pipeline import Pipeline
from desktop.sim.anomalies import AnomalyRates
from desktop.sim.engine import Simulator
from desktop.views.main_window import MainWindow, placeholder_map
from desktop.views.theme import has_cjk_font

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
START = 1_795_132_800.0  # 2026-11-20T08:00+08:00


@pytest.fixture(scope="module")
def traffic() -> tuple[Any, Pipeline, SimulatedClock]:
    """Ninety minutes of simulated traffic of 120 vehicles, folded into a pipeline."""
    sites, roster, config = load_site_data(None, None, None)
    clock = SimulatedClock(START)
    pipeline = Pipeline(sites, roster, config, clock)
    sim = Simulator(sites, roster, vehicles=120, seed=7, start=START, rates=AnomalyRates.uniform(0.08))
    for t_send, topic, payload in sim.messages_until(START + 90 * 60):
        clock.advance_to(max(clock.now(), t_send))
        pipeline.ingest(topic, payload)
    clock.advance_to(START + 90 * 60)
    pipeline.advance()
    return sites, pipeline, clock


def shoot(
    qtbot: Any, traffic: Any, settings: Any, languages: Any, language: str
) -> tuple[MainWindow, QImage]:
    sites, pipeline, clock = traffic
    lock = threading.Lock()
    languages.switch(language)
    window = MainWindow(
        LiveFeed(pipeline, lock), sites, settings=settings, languages=languages,
        track_source=PipelineTrackSource(pipeline, lock), map_factory=placeholder_map, clock=clock.now,
    )  # fmt: skip
    qtbot.addWidget(window)
    window.show()
    window.resize(1600, 960)
    window.poller.poll_now()
    ranked = sorted(
        (
            v
            for v in window.feed.views()
            if v.phase == "in_transit" and v.worst_severity and v.lat is not None
        ),
        key=lambda v: ("critical", "high", "medium", "low").index(v.worst_severity or "low"),
    )
    assert ranked, "the simulated traffic has trips in transit with open tickets"
    assert window.select_trip(ranked[0].trip_id)
    window.replay.seek((window.replay.track.start or 0) + 600 if window.replay.track else 0)
    window.refresh_status()
    qtbot.waitUntil(lambda: window.replay_dock.windowTitle() != "", timeout=1000)
    qtbot.wait(50)
    image = window.grab().toImage()
    ARTIFACTS.mkdir(exist_ok=True)
    assert image.save(str(ARTIFACTS / f"main_window_{language}.png"))
    return window, image


def test_screenshot_in_traditional_chinese(qtbot: Any, traffic: Any, gui_settings: Any, zh_tw: Any) -> None:
    assert has_cjk_font(), "Noto Sans CJK TC is not installed (fonts-noto-cjk)"
    window, image = shoot(qtbot, traffic, gui_settings, zh_tw, "zh_TW")
    assert (image.width(), image.height()) == (1600, 960)
    assert window.detail.names["origin"].text() == "起運地"
    assert window.ticket_dock.windowTitle() == "異常案件佇列"
    assert window.tickets.list.count() > 0
    assert window.replay.track is not None and window.replay.track.points


def test_screenshot_in_english(qtbot: Any, traffic: Any, gui_settings: Any, zh_tw: Any) -> None:
    window, image = shoot(qtbot, traffic, gui_settings, zh_tw, "en")
    assert window.detail.names["origin"].text() == "Origin"
    assert window.replay_dock.windowTitle() == "Trip replay"
    small = image.scaled(64, 48)  # averages: the dark control-room theme overall
    mean = sum(small.pixelColor(x, y).lightness() for x in range(64) for y in range(48)) / (64 * 48)
    assert mean < 70
