"""``jmc-console replay``: run a recorded scenario through the live pipeline (protocol §7)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from desktop.models.clock import SimulatedClock
from desktop.models.config import RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.models.sites import Roster, SiteIndex
from desktop.models.ticket import Ticket
from desktop.models.timeutil import format_rfc3339, parse_rfc3339


class ScenarioError(ValueError):
    """The scenario file itself cannot be read."""


@dataclass
class ReplayResult:
    """What a replay produced."""

    pipeline: Pipeline
    skipped_lines: list[str] = field(default_factory=list)

    def tickets(self) -> list[Ticket]:
        """Every live ticket (withdrawn ones excluded), in a stable order."""
        return sorted(
            self.pipeline.book.tickets.values(), key=lambda t: (t.raised_at, t.code, t.subject, t.id)
        )

    def as_json(self) -> dict[str, Any]:
        """The OUT.json document of §7."""
        return {
            "tickets": [ticket_json(t) for t in self.tickets()],
            "rejected": [{"topic": q.topic, "reason": q.reason} for q in self.pipeline.quarantine],
            "duplicates": self.pipeline.duplicates,
        }

    def summary(self) -> str:
        """A short human summary for stderr."""
        by_severity = Counter(str(t.severity) for t in self.tickets())
        open_count = sum(1 for t in self.tickets() if not t.is_closed)
        parts = [f"{by_severity[s]} {s}" for s in ("critical", "high", "medium", "low") if by_severity[s]]
        stats = self.pipeline.stats
        lines = [
            f"tickets: {len(self.tickets())} ({', '.join(parts) or 'none'}); open {open_count}",
            f"messages: {stats.accepted} accepted, {stats.rejected} rejected, "
            f"{self.pipeline.duplicates} duplicates",
        ]
        if stats.rule_errors:
            lines.append(f"rule errors: {dict(stats.rule_errors)}")
        if self.skipped_lines:
            lines.append(f"scenario lines skipped: {len(self.skipped_lines)}")
        return "\n".join(lines)


def ticket_json(t: Ticket) -> dict[str, Any]:
    """One ticket as §7 lists it."""
    return {
        "id": t.id,
        "code": t.code,
        "severity": str(t.severity),
        "status": str(t.status),
        "resolution": str(t.resolution) if t.resolution else None,
        "order_no": t.order_no,
        "subject": t.subject,
        "raised_at": format_rfc3339(t.raised_at),
        "closed_at": format_rfc3339(t.closed_at),
        "occurrences": t.occurrences,
    }


def _payload_bytes(payload: Any) -> bytes:
    if isinstance(payload, str):
        try:
            return payload.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # lone surrogates outside the escape range
            return payload.encode("utf-8", "surrogatepass")
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def replay(
    lines: TextIO,
    sites: SiteIndex,
    roster: Roster | None = None,
    settle_min: float = 0.0,
    config: RuleConfig | None = None,
) -> ReplayResult:
    """Replay scenario lines on a simulated clock and return the pipeline's end state."""
    clock = SimulatedClock()
    pipeline: Pipeline | None = None
    skipped: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            t = parse_rfc3339(item["t"])
            topic = item["topic"]
            payload = item["payload"]
            if not isinstance(topic, str):
                raise TypeError("topic must be a string")
        except (ValueError, KeyError, TypeError) as exc:
            skipped.append(f"line {number}: {exc}")
            continue
        if pipeline is None:
            clock.advance_to(t)
            pipeline = Pipeline(sites, roster, config or RuleConfig.load(), clock)
        clock.advance_to(t)
        pipeline.advance()
        pipeline.ingest(topic, _payload_bytes(payload))
    if pipeline is None:
        pipeline = Pipeline(sites, roster, config or RuleConfig.load(), clock)
    clock.advance_by(settle_min * 60.0)
    pipeline.advance()
    return ReplayResult(pipeline, skipped)


def run_replay_file(
    scenario: Path,
    sites: SiteIndex,
    roster: Roster | None,
    settle_min: float,
    config: RuleConfig | None = None,
    err: TextIO = sys.stderr,
) -> ReplayResult:
    """Replay a scenario file; problems with single lines are reported to ``err``."""
    try:
        with scenario.open(encoding="utf-8", errors="surrogateescape") as handle:
            result = replay(handle, sites, roster, settle_min, config)
    except OSError as exc:
        raise ScenarioError(f"{scenario}: cannot read ({exc.strerror})") from exc
    for problem in result.skipped_lines:
        print(f"warning: {scenario}: {problem} (skipped)", file=err)
    return result
