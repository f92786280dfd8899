"""The synthetic fleet of bench/map.py, and the /proc readings it reports (no Qt here).

Vehicles drive back and forth along random roads (random walks from the demo sites' centroids,
150 m steps): cheap numpy math, so the bench measures the map, not the traffic.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from desktop.live.views import FeedDelta, TrailPoint, TripView
from desktop.models.sites import SiteIndex

SEVERITIES = (None, "low", "medium", "high", "critical")
STEP_M = 150.0  # road vertex spacing
ROAD_VERTICES = 80
M_PER_DEG = 111_320.0


def process_start_epoch() -> float:
    """When this process started (wall clock), from /proc/self/stat field 22."""
    stat = Path("/proc/self/stat").read_text()
    start_ticks = int(stat.rsplit(")", 1)[1].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return time.time() - (uptime - start_ticks / os.sysconf("SC_CLK_TCK"))


def tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants (WebEngine processes), in MB."""
    return sum(tree_rss_by_process(root).values())


def tree_rss_by_process(root: int) -> dict[str, float]:
    """MB per process of the tree, keyed ``pid:kind`` (kind: Chromium's --type, or "app")."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                ppid = int(Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(name))
    sizes: dict[str, float] = {}
    stack = [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, ()))
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            kind = next((a[7:].decode() for a in args if a.startswith(b"--type=")), "app")
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes[f"{pid}:{kind}"] = int(line.split()[1]) / 1024
        except OSError:
            continue
    return sizes


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


class Fleet:
    """Vehicles moving along random roads near the port sites (vectorised)."""

    def __init__(self, sites: SiteIndex, n: int, seed: int, passive_share: float) -> None:
        rng = np.random.default_rng(seed)
        weights = {"kaohsiung": 0.4, "keelung": 0.2, "taipei": 0.2, "taichung": 0.2}
        site_list = list(sites.sites.values())
        roads_per_site = 12
        starts = np.array([[s.polygon.centroid.y, s.polygon.centroid.x] for s in site_list])
        r = len(site_list) * roads_per_site
        heading = rng.uniform(0, 2 * np.pi, r)[:, None] + np.cumsum(
            rng.normal(0, 0.25, (r, ROAD_VERTICES)), 1
        )
        dlat = np.cos(heading) * STEP_M / M_PER_DEG
        dlon = (
            np.sin(heading)
            * STEP_M
            / (M_PER_DEG * np.cos(np.radians(starts[:, 0].repeat(roads_per_site))))[:, None]
        )
        self.road_lat = starts[:, 0].repeat(roads_per_site)[:, None] + np.cumsum(dlat, 1) - dlat[:, :1]
        self.road_lon = starts[:, 1].repeat(roads_per_site)[:, None] + np.cumsum(dlon, 1) - dlon[:, :1]
        site_weight = np.array(
            [weights[s.region] / sum(x.region == s.region for x in site_list) for s in site_list]
        )
        site_of = rng.choice(len(site_list), n, p=site_weight / site_weight.sum())
        self.road = site_of * roads_per_site + rng.integers(0, roads_per_site, n)
        self.length = STEP_M * (ROAD_VERTICES - 1)
        self.s = rng.uniform(0, self.length, n)
        self.speed = rng.uniform(15, 60, n) / 3.6  # m/s
        self.dir = rng.choice([-1.0, 1.0], n)
        self.sev = rng.choice(5, n, p=[0.86, 0.06, 0.04, 0.025, 0.015])
        self.passive = rng.random(n) < passive_share
        self.rng = rng
        self.n = n
        self.site_code = [site_list[i].code for i in site_of]
        self.region = [site_list[i].region for i in site_of]
        # what does not change per report, made once (as the feed reuses the trip's own strings)
        self.ids = [f"TRIP-{i:05d}" for i in range(n)]
        self.fixed = [
            (f"ORD{i:07d}", self.region[i], "passive" if self.passive[i] else "active", "in_transit",
             f"KL-{i:05d}", None, (f"BNCU{i:06d}1",), (f"VS-{i:05d}",), self.site_code[i], None, None)
            for i in range(n)
        ]  # fmt: skip
        self.kmh = [None if self.passive[i] else float(self.speed[i] * 3.6) for i in range(n)]

    def where(self, idx: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pos = np.clip(s, 0, self.length - 1e-6) / STEP_M
        seg = pos.astype(int)
        frac = pos - seg
        road = self.road[idx]
        lat = self.road_lat[road, seg] + frac * (self.road_lat[road, seg + 1] - self.road_lat[road, seg])
        lon = self.road_lon[road, seg] + frac * (self.road_lon[road, seg + 1] - self.road_lon[road, seg])
        return lat, lon

    def advance(self, idx: np.ndarray, dt: float) -> None:
        s = self.s[idx] + self.dir[idx] * self.speed[idx] * dt
        bounce = (s < 0) | (s > self.length)
        self.dir[idx[bounce]] *= -1
        self.s[idx] = np.clip(s, 0, self.length)

    def view(self, i: int, lat: float, lon: float, ts: float) -> TripView:
        sev = SEVERITIES[self.sev[i]]
        return TripView(self.ids[i], *self.fixed[i], lat, lon, ts, self.kmh[i], sev, 0 if sev is None else 1)

    def history(
        self, idx: np.ndarray, now: float, every: float, window: float
    ) -> dict[str, list[TrailPoint]]:
        """Each vehicle's trail points of the last ``window`` seconds (where it was, backwards)."""
        steps = int(window // every)
        past = [
            self.where(idx, self.s[idx] - self.dir[idx] * self.speed[idx] * every * k)
            for k in range(steps, 0, -1)
        ]
        trails: dict[str, list[TrailPoint]] = {}
        for j, i in enumerate(idx.tolist()):
            if not self.passive[i]:
                trails[f"TRIP-{i:05d}"] = [
                    TrailPoint(now - every * (steps - k), float(lat[j]), float(lon[j]))
                    for k, (lat, lon) in enumerate(past)
                ]
        return trails


class Producer:
    """Each 250 ms poll: the quarter of the active fleet whose 1 Hz report falls in it, as views."""

    def __init__(self, fleet: Fleet, every: int) -> None:
        active = np.flatnonzero(~fleet.passive)
        self.quarters = [active[active % 4 == q] for q in range(4)]
        self.fleet = fleet
        self.every = every
        self.tick = 0

    def poll(self) -> FeedDelta:
        fleet, now = self.fleet, time.time()
        idx = self.quarters[self.tick % 4]
        fleet.advance(idx, 1.0)
        lat, lon = fleet.where(idx, fleet.s[idx])
        flips = fleet.rng.random(len(idx)) < 0.002  # a ticket opens or closes now and then
        fleet.sev[idx[flips]] = fleet.rng.choice(5, int(flips.sum()))
        second = self.tick // 4
        self.tick += 1
        delta = FeedDelta()
        view, ids, changed, trail = fleet.view, fleet.ids, delta.changed, delta.trail
        for i, la, lo in zip(idx.tolist(), lat.tolist(), lon.tolist(), strict=True):
            changed.append(view(i, la, lo, now))
            if (second + i) % self.every == 0:
                trail[ids[i]] = [TrailPoint(now, la, lo)]
        return delta


def memory_detail(pid: int) -> str:
    """Anonymous, file-backed and shared resident MB, and the proportional share (PSS) of one process."""
    fields = {
        line.split(":")[0]: int(line.split()[1]) // 1024
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if line.startswith(("RssAnon", "RssFile", "RssShmem"))
    }
    pss = next(
        int(line.split()[1]) // 1024
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        if line.startswith("Pss:")
    )
    return (
        f"anon={fields.get('RssAnon')} file={fields.get('RssFile')} shmem={fields.get('RssShmem')} pss={pss}"
    )
