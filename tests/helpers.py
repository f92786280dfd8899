"""Test harness: build protocol messages and drive a real :class:`Pipeline` on a simulated clock.

Geography is the spec's example: origin ``EX-YARD-A`` (a box around 25.142, 121.744) and
destination ``EX-TERM-B`` (a box around 25.118, 121.770), about 2.8 km apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.models.clock import SimulatedClock
from desktop.models.config import RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.models.sites import load_roster, load_sites
from desktop.models.ticket import Ticket
from desktop.models.timeutil import format_rfc3339, parse_rfc3339

ROOT = Path(__file__).resolve().parent.parent
SHARED_EXAMPLES = ROOT.parent / "shared" / "spec" / "examples"
BUNDLED_EXAMPLES = ROOT / "desktop" / "data" / "samples"
EXAMPLES = SHARED_EXAMPLES if SHARED_EXAMPLES.is_dir() else BUNDLED_EXAMPLES
SITES = load_sites(EXAMPLES / "sites.geojson")
ROSTER = load_roster(EXAMPLES / "roster.json", SITES)

BASE = parse_rfc3339("2026-11-20T08:00:00.000+08:00")
IN_ORIGIN = (25.142, 121.744)
IN_DEST = (25.118, 121.770)
ORIGIN_GATE = "EX-GATE-1"
CONTAINER = "CSQU3054383"
CONTAINER_2 = "TGHU1234567"  # valid check digit 7


def T(minutes: float) -> float:  # noqa: N802 - reads like the spec's t
    """Epoch seconds ``minutes`` after 08:00 on 2026-11-20 (Taipei)."""
    return BASE + minutes * 60.0


def iso(minutes: float) -> str:
    return format_rfc3339(T(minutes)) or ""


def route(n: int) -> list[tuple[float, float]]:
    """``n`` points on a straight line from just outside the origin to just outside the dest."""
    (a_lat, a_lon), (b_lat, b_lon) = (25.1385, 121.7475), (25.1215, 121.7665)
    return [
        (a_lat + (b_lat - a_lat) * i / max(1, n - 1), a_lon + (b_lon - a_lon) * i / max(1, n - 1))
        for i in range(n)
    ]


@dataclass
class Harness:
    """A pipeline on a simulated clock, with message builders that keep per-device seq."""

    config: RuleConfig = field(default_factory=RuleConfig.load)
    roster: Any = field(default_factory=lambda: ROSTER)
    region: str = "keelung"

    def __post_init__(self) -> None:
        self.clock = SimulatedClock(T(0))
        self.pipeline = Pipeline(SITES, self.roster, self.config, self.clock)
        self._seq: dict[str, int] = {}

    # -- plumbing ----------------------------------------------------------------------------

    def at(self, minutes: float) -> Harness:
        """Advance the console clock to ``minutes`` (firing timers)."""
        self.clock.advance_to(T(minutes))
        self.pipeline.advance()
        return self

    def send(self, topic: str, payload: dict[str, Any] | bytes | str, at: float | None = None) -> str:
        """Deliver one message at console time ``at`` minutes (default: now)."""
        if at is not None:
            self.at(at)
        if isinstance(payload, dict):
            raw = json.dumps(payload).encode()
        elif isinstance(payload, str):
            raw = payload.encode()
        else:
            raw = payload
        return self.pipeline.ingest(f"jmc/v1/{self.region}/{topic}", raw)

    def next_seq(self, device: str) -> int:
        self._seq[device] = self._seq.get(device, 0) + 1
        return self._seq[device]

    # -- message builders (each returns what the pipeline did with it) ------------------------

    def order(
        self,
        order_no: str = "ORD-1",
        *,
        minutes: float = 0,
        containers: list[dict[str, Any]] | None = None,
        obu_id: str | None = "OBU-1",
        max_transit_min: int = 60,
        status: str = "open",
        origin: str = "EX-YARD-A",
        dest: str = "EX-TERM-B",
        at: float | None = None,
        **extra: Any,
    ) -> str:
        payload: dict[str, Any] = {
            "v": 1,
            "order_no": order_no,
            "ts": iso(minutes),
            "status": status,
            "origin_site": origin,
            "dest_site": dest,
            "containers": containers
            or [{"container_no": CONTAINER, "seal_id": "VS-1", "seal_type": "active"}],
            "max_transit_min": max_transit_min,
            **extra,
        }
        if obu_id:
            payload["obu_id"] = obu_id
        return self.send(f"order/{order_no}", payload, at)

    def fix(
        self,
        minutes: float,
        lat: float,
        lon: float,
        *,
        obu_id: str = "OBU-1",
        speed: float | None = 30.0,
        ext_power: bool = True,
        fix: str = "3d",
        at: float | None = None,
        seq: int | None = None,
    ) -> str:
        payload: dict[str, Any] = {
            "v": 1,
            "obu_id": obu_id,
            "seq": seq if seq is not None else self.next_seq("obu:" + obu_id),
            "ts": iso(minutes),
            "lat": lat,
            "lon": lon,
            "fix": fix,
            "ext_power": ext_power,
        }
        if speed is not None:
            payload["speed_kmh"] = speed
        return self.send(f"obu/{obu_id}/telemetry", payload, minutes if at is None else at)

    def status(
        self,
        minutes: float,
        *,
        seal_id: str = "VS-1",
        obu_id: str = "OBU-1",
        state: str = "sealed",
        pin: str = "ok",
        battery: float = 80.0,
        pos: tuple[float, float] | None = None,
        at: float | None = None,
    ) -> str:
        payload: dict[str, Any] = {
            "v": 1,
            "seal_id": seal_id,
            "seq": self.next_seq("seal:" + seal_id),
            "ts": iso(minutes),
            "obu_id": obu_id,
            "state": state,
            "pin": pin,
            "battery_pct": battery,
        }
        if pos is not None:
            payload["lat"], payload["lon"] = pos
        return self.send(f"seal/{seal_id}/status", payload, minutes if at is None else at)

    def event(
        self,
        minutes: float,
        event: str,
        *,
        seal_id: str = "VS-1",
        order_no: str | None = "ORD-1",
        method: str | None = None,
        pos: tuple[float, float] | None = None,
        at: float | None = None,
    ) -> str:
        payload: dict[str, Any] = {
            "v": 1,
            "seal_id": seal_id,
            "seq": self.next_seq("seal:" + seal_id),
            "ts": iso(minutes),
            "event": event,
            "officer_id": "OFF-A1",
        }
        if event == "sealed" and order_no:
            payload["order_no"] = order_no
            payload["container_no"] = CONTAINER
        if method:
            payload["method"] = method
        if pos is not None:
            payload["lat"], payload["lon"] = pos
        return self.send(f"seal/{seal_id}/event", payload, minutes if at is None else at)

    def read(
        self,
        minutes: float,
        kind: str,
        *,
        seal_id: str = "PS-1",
        order_no: str = "ORD-1",
        site: str = "EX-YARD-A",
        officer: str = "KL-0101",
        container: str = CONTAINER,
        device: str = "APP-1",
        at: float | None = None,
    ) -> str:
        payload = {
            "v": 1,
            "seal_id": seal_id,
            "seq": self.next_seq("app:" + device),
            "device_id": device,
            "ts": iso(minutes),
            "kind": kind,
            "seal_type": "passive",
            "order_no": order_no,
            "container_no": container,
            "site_code": site,
            "officer_id": officer,
        }
        return self.send(f"nfc/{seal_id}/read", payload, minutes if at is None else at)

    def gate(
        self,
        minutes: float,
        direction: str,
        *,
        gate_id: str = ORIGIN_GATE,
        site: str = "EX-YARD-A",
        containers: list[str] | None = None,
        scan_required: bool = False,
        scanned: bool = False,
        at: float | None = None,
    ) -> str:
        payload = {
            "v": 1,
            "gate_id": gate_id,
            "seq": self.next_seq("gate:" + gate_id),
            "ts": iso(minutes),
            "site_code": site,
            "direction": direction,
            "container_nos": [CONTAINER] if containers is None else containers,
            "scan_required": scan_required,
            "scanned": scanned,
        }
        return self.send(f"gate/{gate_id}/pass", payload, minutes if at is None else at)

    # -- canned trips -----------------------------------------------------------------------

    def passive_order(self, order_no: str = "ORD-1", **kw: Any) -> str:
        return self.order(
            order_no,
            obu_id=None,
            containers=[{"container_no": CONTAINER, "seal_id": "PS-1", "seal_type": "passive"}],
            **kw,
        )

    def depart_active(self, start: float = 1, *, seal: bool = True, statuses: bool = True) -> float:
        """Order + OBU inside the origin + sealing + drive out; returns the departure minute."""
        self.order(minutes=0)
        self.fix(start, *IN_ORIGIN, speed=0)
        if seal:
            self.event(start + 1, "sealed")
        if statuses:
            self.status(start + 1.5, pos=IN_ORIGIN)
        self.fix(start + 2, *route(10)[0])
        return start + 2

    def drive(
        self, start: float, points: int = 10, every: float = 1.0, *, statuses: bool = True, **status_kw: Any
    ) -> float:
        """Drive the route from ``start`` with a fix (and seal status) every ``every`` minutes."""
        m = start
        for lat, lon in route(points)[1:]:
            m += every
            self.fix(m, lat, lon)
            if statuses:
                self.status(m, pos=(lat, lon), **status_kw)
        return m

    def arrive_and_unseal(self, minutes: float, method: str = "auto_geofence") -> None:
        self.fix(minutes, *IN_DEST, speed=0)
        self.event(minutes + 0.5, "unsealed", method=method, pos=IN_DEST)

    # -- results ----------------------------------------------------------------------------

    def tickets(self) -> list[Ticket]:
        return sorted(self.pipeline.book.tickets.values(), key=lambda t: (t.raised_at, t.code, t.subject))

    def rows(self) -> set[tuple[str, str | None, str, str, str]]:
        """Tickets as the expect files list them: (code, order_no, subject, severity, state)."""
        return {
            (
                t.code,
                t.order_no,
                t.subject,
                str(t.severity),
                "auto_closed" if t.resolution == "auto_closed" else ("closed" if t.is_closed else "open"),
            )
            for t in self.tickets()
        }

    def codes(self) -> set[str]:
        return {t.code for t in self.tickets()}
