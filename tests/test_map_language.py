"""The map in the UI language (offscreen WebEngine): ``MapView.set_language`` puts zh-TW or English
first (the other second where there is room), the compact legend of a small map keeps the first
language only, site names stay as the data gives them, and the main window tells the map when
the language changes. Legend and status text are read back from the page; screenshots of both
languages, large and compact."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from desktop.live.feed import LiveFeed
from desktop.live.views import FeedDelta
from desktop.map.widget import MapView
from desktop.models.sites import load_sites
from desktop.views.main_window import MainWindow, real_or_placeholder_map
from tests.helpers import Harness
from tests.map_gui import DATA, dispose, run_js, save, spin_until, trip, wait_js

pytestmark = pytest.mark.timeout(120)

SITES = load_sites(DATA / "demo_sites.geojson")
ZH = ["危急", "高", "中", "低", "正常", "衝突"]  # the severities, then the CONFLICT marking
EN = ["critical", "high", "medium", "low", "normal", "Conflict"]


@pytest.fixture(scope="module")
def live_map(qapp: Any) -> Iterator[MapView]:
    view = MapView(SITES)
    view.resize(1100, 720)
    ready: list[bool] = []
    view.ready.connect(lambda: ready.append(True))
    view.show()
    spin_until(lambda: bool(ready))
    view.apply(
        FeedDelta(
            changed=[
                trip("LG1", 22.585, 120.301, worst_severity="critical", open_tickets=1),
                trip("LG2", 22.570, 120.317, worst_severity="high", open_tickets=1),
                trip("LG3", 22.575, 120.310),
                trip("LG4", None, None),  # no fix yet
            ]
        )
    )
    view.fit_region("kaohsiung")
    yield view
    dispose(view)


@pytest.fixture
def map_in(live_map: MapView, qtbot: Any) -> Iterator[Any]:
    """``map_in(language)``: the map switched to it, once the page has drawn the change; the
    map goes back to zh-TW and its large size afterwards."""

    def switch(language: str) -> MapView:
        live_map.set_language(language)
        wait_js(
            qtbot,
            live_map,
            "JMC.debugState()",
            lambda s: s["language"] == language and s["counts"]["total"] == 4,
        )
        return live_map

    yield switch
    live_map.resize(1100, 720)
    switch("zh_TW")


def legend(qtbot: Any, view: MapView) -> dict[str, str]:
    return run_js(qtbot, view, "JMC.legendText()")  # what a reader sees (hidden parts left out)


def rows(text: str) -> list[list[str]]:
    """The severity rows of the legend's text: [name, (second name,) count]."""
    lines = [[cell.strip() for cell in line.split("\t") if cell.strip()] for line in text.splitlines()]
    return [cells for cells in lines if len(cells) >= 2 and cells[-1].replace(",", "").isdigit()]


def test_in_zh_tw_chinese_comes_first_and_english_second(map_in: Any, qtbot: Any) -> None:
    view = map_in("zh_TW")
    seen = legend(qtbot, view)
    assert [r[:2] for r in rows(seen["legend"])] == [list(p) for p in zip(ZH, EN, strict=True)]
    assert (
        "被動式封條：最後讀取位置" in seen["legend"] and "passive seal: last read, not live" in seen["legend"]
    )
    status = seen["status"]
    assert status.startswith("車輛 vehicles 4 · 無位置 no fix 1 · 資料時間 data time "), status
    assert run_js(qtbot, view, "JMC.tooltipText('LG1')").startswith("KL-LG1危急 critical運送單 order")
    save(view.grab().toImage(), "map_language_zh_TW.png")


def test_in_english_english_comes_first_and_chinese_second(map_in: Any, qtbot: Any) -> None:
    view = map_in("en")
    seen = legend(qtbot, view)
    assert [r[:2] for r in rows(seen["legend"])] == [list(p) for p in zip(EN, ZH, strict=True)]
    assert seen["legend"].index("passive seal") < seen["legend"].index("被動式封條")
    status = seen["status"]
    assert status.startswith("vehicles 車輛 4 · no fix 無位置 1 · data time 資料時間 "), status
    tooltip = run_js(qtbot, view, "JMC.tooltipText('LG1')")
    assert tooltip.startswith("KL-LG1critical 危急order 運送單") and "phase 狀態" in tooltip
    assert "in transit 運送中" in tooltip
    regions = run_js(
        qtbot, view, "[...document.querySelectorAll('.jmc-region-label span')].map(e => e.textContent)"
    )
    assert "Kaohsiung 高雄港" in regions and "Keelung 基隆港" in regions
    attribution = run_js(qtbot, view, "document.querySelector('.leaflet-control-attribution').textContent")
    assert "basemap 底圖" in attribution and "底圖 basemap" not in attribution  # replaced, not added
    save(view.grab().toImage(), "map_language_en.png")


@pytest.mark.parametrize(("language", "first", "second"), [("zh_TW", ZH, EN), ("en", EN, ZH)])
def test_the_compact_legend_keeps_the_first_language_only(
    map_in: Any, qtbot: Any, language: str, first: list[str], second: list[str]
) -> None:
    view = map_in(language)
    view.resize(700, 480)  # a docked layout: the page's small-map styles apply
    wait_js(qtbot, view, "window.innerWidth", lambda w: w <= 700)
    seen = legend(qtbot, view)
    assert [r[0] for r in rows(seen["legend"])] == first
    assert not any(word in seen["legend"] for word in second[:4])
    vehicles, no_fix = ("車輛", "無位置") if language == "zh_TW" else ("vehicles", "no fix")
    assert seen["status"].startswith(f"{vehicles} 4 · {no_fix} 1 · ")
    save(view.grab().toImage(), f"map_language_{language}_compact.png")


def test_site_names_stay_as_the_data_gives_them(map_in: Any, qtbot: Any) -> None:
    names = "[...document.querySelectorAll('.jmc-site-label')].map(e => e.innerHTML).sort()"
    before = run_js(qtbot, map_in("zh_TW"), names)
    assert run_js(qtbot, map_in("en"), names) == before
    assert any("高雄港" in name and "Kaohsiung" in name for name in before)


def test_an_unknown_language_is_taken_as_zh_tw(live_map: MapView, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        live_map.set_language("fr")
    assert live_map.language == "zh_TW" and "unknown language 'fr'" in caplog.text


def test_the_main_window_tells_the_map_the_language(qtbot: Any, languages: Any, gui_settings: Any) -> None:
    h = Harness()
    lock = threading.Lock()
    try:
        assert languages.switch("en")
        window = MainWindow(
            LiveFeed(h.pipeline, lock),
            SITES,
            settings=gui_settings,
            languages=languages,
            map_factory=real_or_placeholder_map,
        )
        qtbot.addWidget(window)
        view = window.map
        assert isinstance(view, MapView) and view.language == "en"  # from the start
        window.show()
        qtbot.waitUntil(lambda: view.is_ready, timeout=30_000)
        wait_js(qtbot, view, "JMC.debugState().language", lambda lang: lang == "en")
        assert legend(qtbot, view)["status"].startswith("waiting for data")  # (a docked map: compact)
        window.switch_language("zh_TW")  # the Language menu
        assert view.language == "zh_TW"
        wait_js(qtbot, view, "JMC.legendText().status", lambda s: s.startswith("等待資料"))
        languages.switch("en")  # whoever switches, the map follows
        assert view.language == "en"
        window.close()
    finally:
        languages.switch("zh_TW")
