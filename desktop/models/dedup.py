"""Duplicate detection by ``(device id, seq)`` (protocol §2).

Per device we keep a floor (every seq up to it has been seen) and the set of seen seqs
above it. In-order delivery keeps the set empty; gaps (lost messages) are bounded by
``max_gaps``: past it, the floor advances past the oldest half of the gaps, which then count as seen
(docs/rules.md: a message older than thousands of newer ones from its device is dropped).
"""

from __future__ import annotations


class _SeqWindow:
    __slots__ = ("above", "floor")

    def __init__(self) -> None:
        self.floor = -1
        self.above: set[int] = set()


class DuplicateFilter:
    """Remembers processed ``(device, seq)`` pairs, bounded per device."""

    def __init__(self, max_gaps: int = 4096) -> None:
        self._windows: dict[str, _SeqWindow] = {}
        self._max_gaps = max_gaps
        self.duplicates = 0

    def seen(self, device: str, seq: int) -> bool:
        """Return whether ``(device, seq)`` was already processed (and count it if so)."""
        w = self._windows.get(device)
        if w is not None and (seq <= w.floor or seq in w.above):
            self.duplicates += 1
            return True
        return False

    def check_and_remember(self, device: str, seq: int) -> bool:
        """Return True (and count it) if ``(device, seq)`` is a duplicate, else remember it."""
        w = self._windows.get(device)
        if w is not None:
            if seq == w.floor + 1 and not w.above:  # the common in-order case
                w.floor = seq
                return False
            if seq <= w.floor or seq in w.above:
                self.duplicates += 1
                return True
        self.remember(device, seq)
        return False

    def remember(self, device: str, seq: int) -> None:
        """Record ``(device, seq)`` as processed."""
        w = self._windows.get(device)
        if w is None:
            w = self._windows[device] = _SeqWindow()
        if seq == w.floor + 1:
            w.floor = seq
            above = w.above
            while above and (w.floor + 1) in above:
                w.floor += 1
                above.discard(w.floor)
            return
        if seq > w.floor:
            w.above.add(seq)
            if len(w.above) > self._max_gaps:
                # Give up on the oldest half of the gaps at once (amortised O(log n)).
                ordered = sorted(w.above)
                w.floor = ordered[len(ordered) // 2]
                w.above = {s for s in ordered if s > w.floor}
                while (w.floor + 1) in w.above:
                    w.floor += 1
                    w.above.discard(w.floor)
