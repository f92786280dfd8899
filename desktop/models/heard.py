"""When each device was last heard from, by the console clock (for the silence timers)."""

from __future__ import annotations


class DeviceHeardLog:
    """Per device: console time last heard, latest device ``ts``, and the start of the current
    run of reports (a gap of ``silence_s`` or more starts a new run).

    Implements :class:`desktop.models.rules.base.HeardLog`.
    """

    def __init__(self, silence_s: float) -> None:
        self._silence_s = silence_s
        self._heard: dict[str, tuple[float, float, float]] = {}

    def record(self, device: str, now: float, ts: float) -> None:
        """Note a message from ``device`` received at console time ``now`` with device time ``ts``."""
        previous = self._heard.get(device)
        if previous is None:
            self._heard[device] = (now, ts, now)
        else:
            since = previous[2] if now - previous[0] < self._silence_s else now
            self._heard[device] = (now, max(previous[1], ts), since)

    def heard_at(self, device: str) -> float | None:
        """Console time the device was last heard from."""
        entry = self._heard.get(device)
        return entry[0] if entry else None

    def last_ts(self, device: str) -> float | None:
        """Latest device time received from the device."""
        entry = self._heard.get(device)
        return entry[1] if entry else None

    def heard_since(self, device: str) -> float | None:
        """Console time the device's current run of reports began (after its last silence)."""
        entry = self._heard.get(device)
        return entry[2] if entry else None
