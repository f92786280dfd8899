"""A trip in CONFLICT on the live map (offscreen WebEngine): its vehicle keeps its severity colour
and shape and gets a magenta ring with a ⚠ badge; the legend counts conflicts under 衝突 / Conflict
in the map's language; the hover card says so. State is read back from the page, pixels from a
screenshot around each vehicle."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage

from desktop.live.views import FeedDelta
from desktop.map.symbols import CONFLICT_COLOUR, SEVERITY_STYLES
from desktop.map.widget import MapView
from desktop.models.sites import load_sites
from tests.map_gui import DATA, colour_share, dispose, run_js, save, spin_until, trip, wait_js

pytestmark = pytest.mark.timeout(120)

CONFLICTED = (22.5905, 120.2905)  # clear of the site labels, which lie over the vehicle canvas
PLAIN = (22.5885, 120.2945)  # same severity, no conflict, a few hundred metres away


def rgb(hex_colour: str) -> tuple[int, int, int]:
    c = QColor(hex_colour)
    return c.red(), c.green(), c.blue()


MAGENTA = rgb(CONFLICT_COLOUR)
RED = rgb(SEVERITY_STYLES[4].colour)


@pytest.fixture(scope="module")
def live_map(qapp: Any) -> Iterator[MapView]:
    view = MapView(load_sites(DATA / "demo_sites.geojson"))
    view.resize(1000, 680)
    ready: list[bool] = []
    view.ready.connect(lambda: ready.append(True))
    view.show()
    spin_until(lambda: bool(ready))
    yield view
    dispose(view)


def around(image: QImage, point: list[float], half: int = 22) -> QImage:
    """The screenshot's square of ``2 * half`` CSS pixels centred on a vehicle."""
    dpr = image.devicePixelRatio() or 1.0
    x, y = round((point[0] - half) * dpr), round((point[1] - half) * dpr)
    return image.copy(x, y, round(2 * half * dpr), round(2 * half * dpr))


def test_a_conflicted_vehicle_gets_a_magenta_ring_and_badge_and_keeps_its_severity(
    live_map: MapView, qtbot: Any
) -> None:
    live_map.apply(
        FeedDelta(
            changed=[
                trip("CF1", *CONFLICTED, worst_severity="critical", open_tickets=2, conflict=True),
                trip("CF2", *PLAIN, worst_severity="critical", open_tickets=1),
            ]
        )
    )
    got = wait_js(qtbot, live_map, "JMC.inspect('CF1')", lambda r: r is not None)
    assert got["conflict"] is True and got["severity"] == 4  # critical stays critical
    assert run_js(qtbot, live_map, "JMC.inspect('CF2')")["conflict"] is False
    live_map.focus_trip("CF1")  # close enough that vehicles are drawn one by one, not clustered
    state = wait_js(qtbot, live_map, "JMC.debugState()", lambda s: s["focus"] == "CF1" and s["zoom"] >= 14)
    live_map.clear_focus()  # the focus ring would sit where the conflict ring is
    state = wait_js(
        qtbot, live_map, "JMC.debugState()", lambda s: s["focusSlot"] == -1 and s["conflictsDrawn"] == 1
    )
    assert state["counts"]["conflicts"] == 1 and state["clusters"] == 0
    tip = run_js(qtbot, live_map, "JMC.tooltipText('CF1')")
    assert "⚠ 衝突 Conflict" in tip and "待主管裁決" in tip
    assert "衝突" not in run_js(qtbot, live_map, "JMC.tooltipText('CF2')")

    image = live_map.grab().toImage()
    save(image, "map_conflict.png")
    conflicted = around(image, run_js(qtbot, live_map, "JMC.screenPoint('CF1')"))
    plain = around(image, run_js(qtbot, live_map, "JMC.screenPoint('CF2')"))
    save(conflicted, "map_conflict_vehicle.png")
    assert colour_share(conflicted, MAGENTA, tolerance=24, step=1) > 0.03  # the ring and the badge
    assert colour_share(conflicted, RED, tolerance=24, step=1) > 0.02  # its red triangle inside
    assert colour_share(plain, MAGENTA, tolerance=24, step=1) == 0.0
    assert colour_share(plain, RED, tolerance=24, step=1) > 0.02


def test_the_legend_counts_conflicts_in_the_maps_language(live_map: MapView, qtbot: Any) -> None:
    wait_js(qtbot, live_map, "JMC.debugState().counts.conflicts", lambda n: n == 1)
    legend = run_js(qtbot, live_map, "JMC.legendText()")["legend"]
    conflict_row = next(line for line in legend.splitlines() if "衝突" in line)
    assert [c.strip() for c in conflict_row.split("\t") if c.strip()] == ["衝突", "Conflict", "1"]
    live_map.set_language("en")
    try:
        wait_js(qtbot, live_map, "JMC.debugState().language", lambda lang: lang == "en")
        legend = run_js(qtbot, live_map, "JMC.legendText()")["legend"]
        conflict_row = next(line for line in legend.splitlines() if "Conflict" in line)
        assert [c.strip() for c in conflict_row.split("\t") if c.strip()] == ["Conflict", "衝突", "1"]
        assert "Conflict 衝突" in run_js(qtbot, live_map, "JMC.tooltipText('CF1')")
        save(live_map.grab().toImage(), "map_conflict_en.png")
    finally:
        live_map.set_language("zh_TW")
    # resolved: the ring and the count go, the severity stays
    live_map.apply(FeedDelta(changed=[trip("CF1", *CONFLICTED, worst_severity="critical", open_tickets=2)]))
    state = wait_js(qtbot, live_map, "JMC.debugState()", lambda s: s["counts"]["conflicts"] == 0)
    assert state["conflictsDrawn"] == 0 and run_js(qtbot, live_map, "JMC.inspect('CF1')")["severity"] == 4
    assert live_map.js_errors == []
