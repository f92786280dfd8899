"""Time helpers: the domain works in float epoch seconds; the wire and output use RFC 3339."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

TAIPEI = timezone(timedelta(hours=8), "Asia/Taipei")


def parse_rfc3339(text: str) -> float:
    """Parse an RFC 3339 time with an explicit offset into epoch seconds.

    Raises:
        ValueError: when the text is not a time or has no offset.
    """
    value = datetime.fromisoformat(text.replace("z", "Z"))
    if value.tzinfo is None:
        raise ValueError(f"time {text!r} has no UTC offset")
    return value.timestamp()


def format_rfc3339(ts: float | None) -> str | None:
    """Format epoch seconds as Taiwan local time with milliseconds, e.g. ``2026-11-20T09:00:00.000+08:00``."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, TAIPEI).isoformat(timespec="milliseconds")


def format_utc(ts: float) -> str:
    """Format epoch seconds as UTC RFC 3339 (used in stable identifiers)."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
