"""Rejected messages for the quarantine browser: rows, counts by reason, CSV export (no Qt)."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, TextIO

from desktop.models.validation import QuarantineRecord
from desktop.workflow.rows import fmt_time

_BACKTICKS = re.compile(r"`[^`]*`")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PARENS = re.compile(r"\s*\([^)]*\)")


def reason_key(reason: str) -> str:
    """The reason without its particulars (values, positions), to count alike rejections together."""
    key = _PARENS.sub("", reason)
    key = _BACKTICKS.sub("…", key)
    key = _QUOTED.sub("…", key)
    key = _NUMBER.sub("N", key)
    return " ".join(key.split())[:120]


@dataclass(frozen=True, slots=True)
class QuarantineRow:
    """A rejected message as the browser shows it."""

    received_at: float
    topic: str
    region: str
    kind: str
    device: str
    reason: str
    reason_key: str
    payload: str

    @classmethod
    def of(cls, record: QuarantineRecord) -> QuarantineRow:
        parts = record.topic.split("/")
        region = parts[2] if len(parts) > 2 else ""
        kind = parts[3] if len(parts) > 3 else ""
        device = parts[4] if len(parts) > 4 else ""
        return cls(
            received_at=record.received_at,
            topic=record.topic,
            region=region,
            kind=kind,
            device=device,
            reason=record.reason,
            reason_key=reason_key(record.reason),
            payload=record.raw.decode("utf-8", "replace"),
        )

    def matches(self, text: str) -> bool:
        needle = text.casefold()
        return not needle or any(
            needle in field.casefold() for field in (self.topic, self.device, self.reason, self.payload)
        )


def counts_by_reason(rows: Iterable[QuarantineRow]) -> list[tuple[str, int]]:
    """``(reason key, count)``, most frequent first."""
    return Counter(r.reason_key for r in rows).most_common()


CSV_HEADER = ("received_at", "topic", "region", "device", "reason", "payload")


def _cell(text: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a leading = + - @ becomes text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(rows: Iterable[QuarantineRow], out: TextIO) -> int:
    """Write the rows as CSV (UTF-8 text, header first); returns how many were written."""
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    n = 0
    for r in rows:
        writer.writerow(
            (fmt_time(r.received_at), *(_cell(v) for v in (r.topic, r.region, r.device, r.reason, r.payload)))
        )
        n += 1
    return n


class QuarantineReader:
    """Reads the records a pipeline quarantined since the previous call (under its lock).

    ``pipeline.quarantine`` may be bounded (oldest dropped); the pipeline's rejected counter
    says how many are new, so nothing is shown twice.
    """

    def __init__(self, pipeline: Any, lock: AbstractContextManager[Any]) -> None:
        self._pipeline = pipeline
        self._lock = lock
        self._seen = 0

    def __call__(self) -> list[QuarantineRow]:
        with self._lock:
            total = self._pipeline.stats.rejected
            fresh = min(total - self._seen, len(self._pipeline.quarantine))
            records = (
                list(self._pipeline.quarantine)[len(self._pipeline.quarantine) - fresh :] if fresh > 0 else []
            )
            self._seen = total
        return [QuarantineRow.of(r) for r in records]
