"""The live map in Qt WebEngine (offscreen): offline loading, live batches, click, focus, screenshots."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from desktop.live.views import FeedDelta, TrailPoint
from desktop.map.scheme import map_profile
from desktop.map.widget import MapView
from desktop.models.sites import load_sites
from desktop.models.timeutil import TAIPEI
from tests.map_gui import (
    DATA,
    T0,
    RequestRecorder,
    colour_share,
    dispose,
    run_js,
    save,
    spin_until,
    trip,
    wait_js,
)

pytestmark = pytest.mark.timeout(120)

KHH = (22.585, 120.301)  # inside 高雄港第四貨櫃中心


@pytest.fixture(scope="module")
def recorder(qapp: Any) -> Iterator[RequestRecorder]:
    profile, _handler = map_profile()
    rec = RequestRecorder()
    profile.setUrlRequestInterceptor(rec)
    yield rec
    profile.setUrlRequestInterceptor(None)


@pytest.fixture(scope="module")
def live_map(qapp: Any, recorder: RequestRecorder) -> Iterator[MapView]:
    view = MapView(load_sites(DATA / "demo_sites.geojson"), trail_minutes=5.0)
    view.resize(1100, 720)
    ready: list[bool] = []
    view.ready.connect(lambda: ready.append(True))
    view.show()
    spin_until(lambda: bool(ready))
    yield view
    dispose(view)


def test_map_loads_with_no_request_leaving_app_scheme(live_map: MapView, recorder: RequestRecorder) -> None:
    urls = recorder.urls
    assert any(u.startswith("app://map/") for u in urls)  # the recorder did see the page load
    for needed in ("leaflet/leaflet.js", "leaflet/leaflet.css", "basemap/taiwan-land.js", "jmc/core.js"):
        assert f"app://static/{needed}" in urls
    assert "app://qt/qwebchannel.js" in urls
    outside = [u for u in urls if not u.startswith(("app://", "data:", "about:", "blob:"))]
    assert outside == []
    assert live_map.blocked_requests == []
    assert live_map.js_errors == []


def test_ready_means_the_first_frame_was_drawn(live_map: MapView, qtbot: Any) -> None:
    state = run_js(qtbot, live_map, "JMC.debugState()")
    assert live_map.is_ready and state["frames"] >= 1
    assert state["counts"]["total"] == 0  # nothing applied yet


def test_applied_delta_moves_the_vehicle_and_keeps_its_trail(live_map: MapView, qtbot: Any) -> None:
    live_map.apply(FeedDelta(changed=[trip("MV1", *KHH)]))
    got = wait_js(qtbot, live_map, "JMC.inspect('MV1')", lambda r: r is not None)
    assert (got["lat"], got["lon"]) == KHH and got["plate"] == "KL-MV1" and got["severity"] == 0
    moved = trip("MV1", 22.5862, 120.3031, fix_ts=T0 + 30, worst_severity="critical", open_tickets=1)
    trail = [TrailPoint(T0 + 10, 22.5853, 120.3015), TrailPoint(T0 + 30, 22.5862, 120.3031)]
    live_map.apply(FeedDelta(changed=[moved], trail={"MV1": trail}))
    got = wait_js(qtbot, live_map, "JMC.inspect('MV1')", lambda r: r["lat"] == 22.5862)
    assert got["lon"] == 120.3031 and got["severity"] == 4 and got["trailPoints"] == 2
    assert got["fixTs"] == T0 + 30
    tooltip = run_js(qtbot, live_map, "JMC.tooltipText('MV1')")
    taipei = datetime.fromtimestamp(T0 + 30, TAIPEI).strftime("%H:%M:%S")  # whatever the machine's zone
    for text in ("KL-MV1", "ORD-MV1", "MSCU1234565", "S-77", "危急", "高雄港第四貨櫃中心", taipei):
        assert text in tooltip


def test_passive_trip_shows_its_read_point_and_unlocated_trip_is_not_drawn(
    live_map: MapView, qtbot: Any
) -> None:
    live_map.apply(
        FeedDelta(
            changed=[
                trip("PS1", 22.5851, 120.3022, kind="passive", fix_ts=T0 - 3600),
                trip("NOFIX", None, None, fix_ts=None),
            ]
        )
    )
    passive = wait_js(qtbot, live_map, "JMC.inspect('PS1')", lambda r: r is not None)
    assert passive["passive"] and (passive["lat"], passive["lon"]) == (22.5851, 120.3022)
    assert "非即時位置" in run_js(qtbot, live_map, "JMC.tooltipText('PS1')")
    nofix = run_js(qtbot, live_map, "JMC.inspect('NOFIX')")
    assert nofix["located"] is False and nofix["lat"] is None
    assert run_js(qtbot, live_map, "JMC.screenPoint('NOFIX')") is None
    assert run_js(qtbot, live_map, "JMC.debugState().counts.unlocated") >= 1


def test_focus_centres_rings_and_follows(live_map: MapView, qtbot: Any) -> None:
    live_map.apply(FeedDelta(changed=[trip("FO1", 25.1466, 121.7390, region="keelung")]))
    live_map.focus_trip("FO1", follow=True)
    state = wait_js(qtbot, live_map, "JMC.debugState()", lambda s: s["focus"] == "FO1")
    assert state["follow"] and state["focusSlot"] >= 0 and state["zoom"] >= 14
    assert abs(state["center"][0] - 25.1466) < 1e-3 and abs(state["center"][1] - 121.7390) < 1e-3
    live_map.apply(FeedDelta(changed=[trip("FO1", 25.1400, 121.7420, region="keelung", fix_ts=T0 + 60)]))
    wait_js(qtbot, live_map, "JMC.debugState().center", lambda c: abs(c[0] - 25.1400) < 1e-3)
    save(live_map.grab().toImage(), "map_focus.png")
    live_map.clear_focus()
    state = wait_js(qtbot, live_map, "JMC.debugState()", lambda s: s["focus"] is None)
    assert state["focusSlot"] == -1 and not state["follow"]


def test_click_on_a_vehicle_emits_trip_clicked(live_map: MapView, qtbot: Any) -> None:
    live_map.apply(FeedDelta(changed=[trip("CL1", 22.5700, 120.3170, worst_severity="high")]))
    live_map.focus_trip("CL1")
    x, y = wait_js(qtbot, live_map, "JMC.screenPoint('CL1')", lambda p: p is not None)
    state = wait_js(qtbot, live_map, "JMC.debugState()", lambda s: s["drawn"] >= 1 and s["zoom"] >= 14)
    assert state["labels"] >= 1  # from zoom 14 abnormal vehicles carry plate and severity label
    with qtbot.waitSignal(live_map.tripClicked, timeout=5000) as blocker:
        run_js(qtbot, live_map, f"JMC.clickAt({x + 3}, {y - 2})")  # a few pixels off still hits
    assert blocker.args == ["CL1"]
    assert run_js(qtbot, live_map, f"JMC.clickAt({x + 200}, {y + 200})") is None  # empty map


def test_region_fit_and_bad_region(live_map: MapView, qtbot: Any) -> None:
    live_map.fit_region("taichung")
    centre = wait_js(qtbot, live_map, "JMC.debugState().center", lambda c: 24.2 < c[0] < 24.35)
    assert 120.45 < centre[1] < 120.55
    live_map.fit_region("atlantis")  # no such region: all sites, never a blank map
    centre = wait_js(qtbot, live_map, "JMC.debugState().center", lambda c: 23.0 < c[0] < 24.2)
    assert 120.7 < centre[1] < 121.3


def test_removed_trip_disappears(live_map: MapView, qtbot: Any) -> None:
    live_map.apply(FeedDelta(changed=[trip("RM1", 22.58, 120.31)]))
    wait_js(qtbot, live_map, "JMC.inspect('RM1')", lambda r: r is not None)
    live_map.apply(FeedDelta(removed=["RM1"]))
    wait_js(qtbot, live_map, "JMC.inspect('RM1')", lambda r: r is None)


def test_screenshots_show_basemap_sites_and_severity_symbols(live_map: MapView, qtbot: Any) -> None:
    severities = [None, "low", "medium", "high", "critical"]
    views = [
        trip(f"SS{i}", 22.55 + (i % 7) * 0.007, 120.29 + (i // 7) * 0.008, worst_severity=severities[i % 5])
        for i in range(35)
    ]
    live_map.apply(FeedDelta(changed=views))
    live_map.fit_region("kaohsiung")
    wait_js(qtbot, live_map, "JMC.inspect('SS34')", lambda r: r is not None)
    wait_js(qtbot, live_map, "JMC.debugState()", lambda s: s["zoom"] >= 12 and s["drawn"] >= 35)
    qtbot.wait(300)
    region = live_map.grab().toImage()
    save(region, "map_region_kaohsiung.png")
    assert colour_share(region, (0x22, 0x28, 0x2D)) > 0.05  # land
    assert colour_share(region, (0x12, 0x16, 0x19)) > 0.05  # sea
    assert colour_share(region, (0xFF, 0x3B, 0x3B), tolerance=20, step=1) > 0.0001  # critical red
    live_map.fit_region(None)
    wait_js(qtbot, live_map, "JMC.debugState()", lambda s: s["zoom"] < 12 and s["clusters"] >= 1)
    qtbot.wait(300)
    save(live_map.grab().toImage(), "map_overview.png")


def test_a_crashed_page_is_reloaded_with_every_trip_and_the_focus(live_map: MapView, qtbot: Any) -> None:
    live_map.apply(FeedDelta(changed=[trip("RC1", 22.5801, 120.3102, worst_severity="medium")]))
    live_map.focus_trip("RC1")
    wait_js(qtbot, live_map, "JMC.debugState().focus", lambda f: f == "RC1")
    pid = live_map.page().renderProcessPid()
    assert pid > 0
    with qtbot.waitSignal(live_map.ready, timeout=30_000):
        os.kill(pid, signal.SIGKILL)
    got = wait_js(qtbot, live_map, "JMC.inspect('RC1')", lambda r: r is not None)
    assert (got["lat"], got["lon"], got["severity"]) == (22.5801, 120.3102, 2)
    assert wait_js(qtbot, live_map, "JMC.debugState().focus", lambda f: f == "RC1") == "RC1"
    assert live_map.page().renderProcessPid() != pid
