"""Live map under load, offscreen: 20,000 vehicles reporting at 1 Hz with 5-minute trails.

The vehicles drive along synthetic roads (bench/map_fleet.py) and are fed through
``MapView.apply`` the way the live feed's 250 ms poller does it: each poll, on the GUI thread,
builds the TripView snapshots of the quarter of the fleet that reported in that interval, with a
trail point per vehicle every ``--trail-every`` seconds, and hands the FeedDelta to the map (so
the event-loop figure includes building the views, as it would in the console). Before measuring,
every vehicle gets its 5-minute trail history. The first half of the run watches the whole of
Taiwan (clustered), the second half the port of Kaohsiung (~40 % of the fleet drawn one by one,
with trails).

Measured: ``js_update_ms_p95`` (the page's time to apply one batch plus the frame that draws
it, rasterising included, reported back through the channel), ``event_loop_pause_ms_p99``
(lateness of a 10 ms timer on the GUI thread), ``rss_mb`` (peak of the summed VmRSS of this
process and all its descendants, the Qt WebEngine processes, from /proc; shared pages count once
per process, so ``pss_mb`` is printed too), ``first_frame_s`` (process start to ``MapView.ready``).

After start-up the bench freezes the objects that exist (``gc.freeze()``), as a long-running
console should, so full garbage collections do not walk every module and Qt wrapper
(``--no-gc-freeze`` to see the difference).

    .venv/bin/python bench/map.py [--vehicles 20000] [--seconds 60] [--screenshots DIR] [--verbose]

Last line: ``vehicles=N js_update_ms_p95=X event_loop_pause_ms_p99=Y rss_mb=Z first_frame_s=F``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.map_fleet import process_start_epoch  # first: the clock starts here

PROCESS_START = process_start_epoch()

import argparse  # noqa: E402
import gc  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
from desktop.map.scheme import register_app_scheme  # noqa: E402

register_app_scheme()
from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.map_fleet import (  # noqa: E402
    Fleet,
    Producer,
    memory_detail,
    percentile,
    tree_rss_by_process,
    tree_rss_mb,
)
from desktop.live.views import FeedDelta  # noqa: E402
from desktop.models.sites import load_sites  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "desktop" / "data"


def spin(seconds: float) -> None:
    """Run the event loop for a while (QCoreApplication.processEvents(flags, ms) leaks a None ref)."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def run_js(view: object, code: str) -> object:
    box: list[object] = []
    view.page().runJavaScript(code, 0, box.append)  # type: ignore[attr-defined]
    for _ in range(250):
        if box:
            return box[0]
        spin(0.02)
    return None


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vehicles", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=60.0, help="measured time (two halves)")
    parser.add_argument("--trail-every", type=int, default=10, help="seconds between trail points")
    parser.add_argument("--passive-share", type=float, default=0.1, help="share of passive-seal trips")
    parser.add_argument("--screenshots", type=Path, help="save a PNG of each phase here")
    parser.add_argument("--no-gc-freeze", action="store_true", help="do not gc.freeze() after start-up")
    parser.add_argument("--verbose", action="store_true", help="memory per process, GC, draw times")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    app = QApplication([sys.argv[0]])
    from desktop.map.widget import MapView

    sites = load_sites(DATA / "demo_sites.geojson")
    ready_at: list[float] = []
    view = MapView(sites, trail_minutes=5.0)
    view.resize(1280, 800)
    view.ready.connect(lambda: ready_at.append(time.time()))
    view.show()
    while not ready_at:
        spin(0.02)
    first_frame_s = ready_at[0] - PROCESS_START

    fleet = Fleet(sites, args.vehicles, seed=7, passive_share=args.passive_share)
    js_ms: list[float] = []
    view.statsReported.connect(lambda apply_ms, draw_ms: js_ms.append(apply_ms + draw_ms))

    # warm-up (not measured): everyone with a 5-minute trail history, 2,000 vehicles per poll
    t0 = time.time()
    everyone = np.arange(fleet.n)
    lat, lon = fleet.where(everyone, fleet.s)
    for chunk in np.array_split(everyone, max(1, fleet.n // 2000)):
        views = [fleet.view(i, float(lat[i]), float(lon[i]), t0) for i in chunk.tolist()]
        view.apply(FeedDelta(changed=views, trail=fleet.history(chunk, t0, args.trail_every, 300.0)))
        spin(0.25)
    spin(2.0)
    js_ms.clear()
    if not args.no_gc_freeze:
        gc.collect()
        gc.freeze()
    full_gc_ms: list[float] = []
    gc_started = [0.0]

    def gc_watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        elif info["generation"] == 2:
            full_gc_ms.append((time.perf_counter() - gc_started[0]) * 1000)

    gc.callbacks.append(gc_watch)

    producer = Producer(fleet, args.trail_every)
    feed_ms: list[float] = []

    def poll() -> None:
        started = time.perf_counter()
        delta = producer.poll()
        feed_ms.append((time.perf_counter() - started) * 1000)
        view.apply(delta)

    lateness: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last[0] - 0.010) * 1000))
        last[0] = now

    rss: list[float] = []
    poller = QTimer(interval=250, timeout=poll)
    probe = QTimer(interval=10, timeout=tick)
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    sampler = QTimer(interval=1000, timeout=lambda: rss.append(tree_rss_mb(os.getpid())))
    poller.start()
    sampler.start()
    for name, region in (("taiwan", None), ("kaohsiung", "kaohsiung")):
        view.fit_region(region)
        spin(1.0)
        js_start, late_start = len(js_ms), len(lateness)
        last[0] = time.perf_counter()
        probe.start()
        spin(args.seconds / 2)
        probe.stop()
        if args.verbose:
            print("  draw parts (ms):", run_js(view, "JSON.stringify(JMC.debugState().drawParts)"))
        if args.screenshots:
            args.screenshots.mkdir(parents=True, exist_ok=True)
            view.grab().save(str(args.screenshots / f"bench_map_{name}.png"))
        print(
            f"phase={name} js_update_ms_p95={percentile(js_ms[js_start:], 95):.1f} "
            f"event_loop_pause_ms_p99={percentile(lateness[late_start:], 99):.1f} "
            f"batches={len(js_ms) - js_start}"
        )
    poller.stop()
    sampler.stop()
    rss.append(tree_rss_mb(os.getpid()))
    parts = tree_rss_by_process(os.getpid())
    pss = 0.0
    for key, mb in sorted(parts.items(), key=lambda kv: -kv[1]):
        detail = memory_detail(int(key.split(":")[0]))
        pss += float(detail.rsplit("pss=", 1)[1])
        if args.verbose:
            print(f"  {key} rss={mb:.0f} {detail}")
    print(
        f"feed_views_ms_p95={percentile(feed_ms, 95):.1f} full_gc_runs={len(full_gc_ms)} "
        f"full_gc_ms_max={max(full_gc_ms, default=0):.1f} pss_mb={pss:.0f} js_errors={len(view.js_errors)} "
        f"js_heap_mb={run_js(view, 'performance.memory ? performance.memory.usedJSHeapSize / 1048576 : -1')}"
    )
    print(
        f"vehicles={args.vehicles} js_update_ms_p95={percentile(js_ms, 95):.1f} "
        f"event_loop_pause_ms_p99={percentile(lateness, 99):.1f} rss_mb={max(rss):.0f} "
        f"first_frame_s={first_frame_s:.2f}"
    )
    view.close()
    app.quit()


if __name__ == "__main__":
    main()
