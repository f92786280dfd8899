"""Duplicate detection by ``(device id, seq)`` (protocol §2).

Per device we track, from the first seq seen (``start``): a floor (every seq from ``start``
up to it has been seen), the seen seqs above the floor, and the seen seqs below ``start``
(older messages a device forwards after a newer one). In-order delivery keeps both sets
empty. Memory is bounded by ``max_gaps`` per set: past it, the oldest half of the gaps above
the floor is given up (counts as seen), and once the set below ``start`` is full anything
older counts as seen (docs/rules.md: a message older than thousands of newer ones from its
device is dropped).
"""

from __future__ import annotations


class _SeqWindow:
    __slots__ = ("above", "below", "floor", "start")

    def __init__(self, seq: int) -> None:
        self.start = seq
        self.floor = seq
        self.above: set[int] = set()
        self.below: set[int] = set()


class DuplicateFilter:
    """Remembers processed ``(device, seq)`` pairs, bounded per device."""

    def __init__(self, max_gaps: int = 4096) -> None:
        self._windows: dict[str, _SeqWindow] = {}
        self._max_gaps = max_gaps
        self.duplicates = 0

    def seen(self, device: str, seq: int) -> bool:
        """Return whether ``(device, seq)`` was already processed (and count it if so)."""
        w = self._windows.get(device)
        if w is not None and self._is_seen(w, seq):
            self.duplicates += 1
            return True
        return False

    def already_seen(self, device: str, seq: int) -> bool:
        """Whether ``(device, seq)`` has been processed (without counting anything)."""
        w = self._windows.get(device)
        return w is not None and self._is_seen(w, seq)

    def _is_seen(self, w: _SeqWindow, seq: int) -> bool:
        if seq < w.start:
            return seq in w.below or len(w.below) >= self._max_gaps
        return seq <= w.floor or seq in w.above

    def check_and_remember(self, device: str, seq: int) -> bool:
        """Return True (and count it) if ``(device, seq)`` is a duplicate, else remember it."""
        w = self._windows.get(device)
        if w is None:
            self._windows[device] = _SeqWindow(seq)
            return False
        if seq == w.floor + 1 and not w.above:  # the common in-order case
            w.floor = seq
            return False
        if self._is_seen(w, seq):
            self.duplicates += 1
            return True
        self._add(w, seq)
        return False

    def remember(self, device: str, seq: int) -> None:
        """Record ``(device, seq)`` as processed."""
        w = self._windows.get(device)
        if w is None:
            self._windows[device] = _SeqWindow(seq)
        elif not self._is_seen(w, seq):
            self._add(w, seq)

    def _add(self, w: _SeqWindow, seq: int) -> None:
        if seq < w.start:
            w.below.add(seq)
            return
        if seq == w.floor + 1:
            w.floor = seq
            above = w.above
            while above and (w.floor + 1) in above:
                w.floor += 1
                above.discard(w.floor)
            return
        w.above.add(seq)
        if len(w.above) > self._max_gaps:
            # Give up on the oldest half of the gaps at once (amortised O(log n)).
            ordered = sorted(w.above)
            w.floor = ordered[len(ordered) // 2]
            w.above = {s for s in ordered if s > w.floor}
            while (w.floor + 1) in w.above:
                w.floor += 1
                w.above.discard(w.floor)
