"""Random but plausible traffic for property tests: several concurrent trips on the example
sites, with anomalies injected, as (arrival time, topic, payload bytes) sorted by arrival.

Timing is kept clear of the thresholds (silences are 10 min or none, arrivals are far from
deadlines) so that reordering within a short window cannot legitimately change the result.
"""

from __future__ import annotations

import json
import random
from typing import Any

from tests.helpers import IN_DEST, IN_ORIGIN, T, iso, route

Message = tuple[float, str, bytes]

CONTAINERS = ["CSQU3054383", "TGHU1234567", "MSCU6639870", "APZU4812090", "OOLU0123450", "HLXU2008419"]


def _container(i: int) -> str:
    return CONTAINERS[i % len(CONTAINERS)]


def _msg(out: list[Message], minutes: float, topic: str, payload: dict[str, Any]) -> None:
    out.append((T(minutes), f"jmc/v1/keelung/{topic}", json.dumps(payload).encode()))


def active_trip(out: list[Message], rng: random.Random, n: int, start: float) -> None:
    order_no, obu, seal = f"ORD-A{n}", f"OBU-{n}", f"VS-{n}"
    anomalies = {
        a
        for a in ("pin", "power", "tamper", "jump", "stop", "silence", "battery", "unsealed", "late")
        if rng.random() < 0.25
    }
    _msg(
        out,
        start,
        f"order/{order_no}",
        {
            "v": 1,
            "order_no": order_no,
            "ts": iso(start),
            "status": "open",
            "origin_site": "EX-YARD-A",
            "dest_site": "EX-TERM-B",
            "obu_id": obu,
            "max_transit_min": 20 if "late" in anomalies else 90,
            "containers": [{"container_no": _container(n), "seal_id": seal, "seal_type": "active"}],
        },
    )
    oseq = sseq = 0

    def fix(m: float, lat: float, lon: float, speed: float = 30.0, power: bool = True) -> None:
        nonlocal oseq
        oseq += 1
        _msg(
            out,
            m,
            f"obu/{obu}/telemetry",
            {
                "v": 1,
                "obu_id": obu,
                "seq": oseq,
                "ts": iso(m),
                "lat": lat,
                "lon": lon,
                "speed_kmh": speed,
                "fix": "3d",
                "ext_power": power,
            },
        )

    def status(
        m: float, lat: float, lon: float, pin: str = "ok", state: str = "sealed", bat: float = 80
    ) -> None:
        nonlocal sseq
        sseq += 1
        _msg(
            out,
            m,
            f"seal/{seal}/status",
            {
                "v": 1,
                "seal_id": seal,
                "seq": sseq,
                "ts": iso(m),
                "obu_id": obu,
                "state": state,
                "pin": pin,
                "battery_pct": bat,
                "lat": lat,
                "lon": lon,
            },
        )

    def event(m: float, ev: str, **extra: Any) -> None:
        nonlocal sseq
        sseq += 1
        _msg(
            out,
            m,
            f"seal/{seal}/event",
            {"v": 1, "seal_id": seal, "seq": sseq, "ts": iso(m), "event": ev, "officer_id": "OFF-1", **extra},
        )

    m = start + 0.5
    fix(m, *IN_ORIGIN, speed=0)
    if "unsealed" not in anomalies:
        event(m + 0.5, "sealed", order_no=order_no, container_no=_container(n))
    m += 1
    points = route(16)
    silence_at = rng.randrange(4, 12) if "silence" in anomalies else -1
    for i, (lat, lon) in enumerate(points):
        m += 0.5
        if i == silence_at:
            m += 10  # a 10-minute silence: A05
        if "stop" in anomalies and i == 8:
            for _ in range(40):  # 20 minutes stopped outside every site: A12
                fix(m, lat, lon, speed=0)
                m += 0.5
        if "jump" in anomalies and i == 6:
            fix(m, lat + 0.05, lon, speed=40)  # ~5.5 km away 30 s later: A13
            m += 0.5
        fix(m, lat, lon, power="power" not in anomalies or i < 5)
        pin = "abnormal" if "pin" in anomalies and 4 <= i <= 7 else "ok"
        pin = "cut" if "tamper" in anomalies and i == 10 else pin
        status(m, lat, lon, pin=pin, bat=15 if "battery" in anomalies and i > 8 else 80)
    if "late" in anomalies:
        m += 30
    m += 0.5
    fix(m, *IN_DEST, speed=0)
    event(m + 0.3, "unsealed", method="auto_geofence", lat=IN_DEST[0], lon=IN_DEST[1])
    status(m + 0.4, *IN_DEST, state="unsealed")


def passive_trip(out: list[Message], rng: random.Random, n: int, start: float) -> None:
    order_no, seal, container = f"ORD-P{n}", f"PS-{n}", _container(n)
    anomalies = {a for a in ("noread", "stranger", "late", "noscan", "gate_first") if rng.random() < 0.3}
    _msg(
        out,
        start,
        f"order/{order_no}",
        {
            "v": 1,
            "order_no": order_no,
            "ts": iso(start),
            "status": "open",
            "origin_site": "EX-YARD-A",
            "dest_site": "EX-TERM-B",
            "max_transit_min": 30 if "late" in anomalies else 120,
            "containers": [{"container_no": container, "seal_id": seal, "seal_type": "passive"}],
        },
    )
    seq = {"app": 0, "gate": 0}

    def read(m: float, kind: str, site: str, officer: str) -> None:
        seq["app"] += 1
        _msg(
            out,
            m,
            f"nfc/{seal}/read",
            {
                "v": 1,
                "seal_id": seal,
                "seq": seq["app"],
                "device_id": f"APP-{n}",
                "ts": iso(m),
                "kind": kind,
                "seal_type": "passive",
                "order_no": order_no,
                "container_no": container,
                "site_code": site,
                "officer_id": officer,
            },
        )

    def gate(m: float, direction: str, site: str, gate_id: str, scanned: bool) -> None:
        seq["gate"] += 1
        _msg(
            out,
            m,
            f"gate/{gate_id}/pass",
            {
                "v": 1,
                "gate_id": gate_id,
                "seq": seq["gate"],
                "ts": iso(m),
                "site_code": site,
                "direction": direction,
                "container_nos": [container],
                "scan_required": True,
                "scanned": scanned,
            },
        )

    m = start + 1
    if "gate_first" in anomalies:
        gate(m, "out", "EX-YARD-A", f"G-OUT-{n}", "noscan" not in anomalies)
        m += 1
    if "noread" not in anomalies:
        read(m, "departure", "EX-YARD-A", "KL-0101")
    if "gate_first" not in anomalies:
        gate(m + 1, "out", "EX-YARD-A", f"G-OUT-{n}", "noscan" not in anomalies)
    m += 60 if "late" in anomalies else 20
    gate(m, "in", "EX-TERM-B", f"G-IN-{n}", True)
    if rng.random() < 0.8:
        read(m + 5, "arrival", "EX-TERM-B", "KL-9999" if "stranger" in anomalies else "KL-0201")


def background(out: list[Message], until: float, vehicles: int = 6, every_s: float = 10.0) -> None:
    """Vehicles without an order reporting steadily: realistic density, so that a window of
    20 messages spans seconds, not minutes (as on a live broker)."""
    for v in range(vehicles):
        obu = f"OBU-BG{v}"
        seq, m = 0, v * every_s / vehicles / 60.0
        while m <= until:
            seq += 1
            _msg(
                out,
                m,
                f"obu/{obu}/telemetry",
                {
                    "v": 1,
                    "obu_id": obu,
                    "seq": seq,
                    "ts": iso(m),
                    "lat": 25.13,
                    "lon": 121.75,
                    "fix": "3d",
                    "ext_power": True,
                },
            )
            m += every_s / 60.0


def scenario(seed: int, trips: int = 8) -> list[Message]:
    """A scenario of ``trips`` concurrent trips, sorted by arrival time (ties keep order)."""
    rng = random.Random(seed)
    out: list[Message] = []
    for n in range(trips):
        start = rng.uniform(0, 5)
        (active_trip if rng.random() < 0.6 else passive_trip)(out, rng, n, start)
    background(out, until=max(t for t, _, _ in out) / 60.0 - T(0) / 60.0 + 1)
    out.sort(key=lambda m: m[0])
    return out
