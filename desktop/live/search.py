"""Search keys of the live trips: order no. (運送單號碼), plate (車牌), container no. (貨櫃號碼).

Keys and queries are normalised the same way (upper case, no spaces or hyphens), so that
``kl-2026 0001``, ``KL20260001`` and ``Kl-20260001`` find the same order.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Iterable

_NOISE = re.compile(r"[\s\-_/.]+")
SUBSTRING_MIN = 4  # a query this long also matches inside keys (the digits of a plate, say)


def normalise(text: str) -> str:
    """The comparable form of a search key or query."""
    return _NOISE.sub("", text).upper()


class TripSearchIndex:
    """Sorted normalised keys → trip ids, with exact, prefix and substring lookup."""

    def __init__(self) -> None:
        self._keys: list[str] = []  # sorted, unique
        self._owners: dict[str, set[str]] = {}  # key -> trip ids
        self._of_trip: dict[str, frozenset[str]] = {}  # trip id -> its keys

    def __len__(self) -> int:
        return len(self._of_trip)

    def update(self, trip_id: str, keys: Iterable[str]) -> None:
        """Set the search keys of a trip (replacing the previous ones)."""
        wanted = frozenset(k for k in (normalise(key) for key in keys) if k)
        current = self._of_trip.get(trip_id, frozenset())
        if wanted == current:
            return
        for key in current - wanted:
            self._drop(key, trip_id)
        for key in wanted - current:
            owners = self._owners.get(key)
            if owners is None:
                self._owners[key] = {trip_id}
                insort(self._keys, key)
            else:
                owners.add(trip_id)
        self._of_trip[trip_id] = wanted

    def remove(self, trip_id: str) -> None:
        """Forget a trip."""
        for key in self._of_trip.pop(trip_id, frozenset()):
            self._drop(key, trip_id)

    def _drop(self, key: str, trip_id: str) -> None:
        owners = self._owners.get(key)
        if owners is None:
            return
        owners.discard(trip_id)
        if not owners:
            del self._owners[key]
            i = bisect_left(self._keys, key)
            if i < len(self._keys) and self._keys[i] == key:
                del self._keys[i]

    def lookup(self, text: str, limit: int = 50) -> list[str]:
        """Trip ids whose key equals the query, then starts with it, then (for queries of
        ``SUBSTRING_MIN`` characters or more) contains it; each group in key order."""
        query = normalise(text)
        if not query:
            return []
        found: dict[str, None] = {}  # ordered set

        def take(key: str) -> bool:
            for trip_id in sorted(self._owners[key]):
                found.setdefault(trip_id, None)
            return len(found) >= limit

        keys = self._keys
        start = bisect_left(keys, query)
        if start < len(keys) and keys[start] == query and take(query):
            return list(found)[:limit]
        i = start
        while i < len(keys) and keys[i].startswith(query):
            if keys[i] != query and take(keys[i]):
                return list(found)[:limit]
            i += 1
        if len(query) >= SUBSTRING_MIN:
            for key in keys:
                if query in key and not key.startswith(query) and take(key):
                    break
        return list(found)[:limit]
