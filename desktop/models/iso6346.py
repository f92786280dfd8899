"""ISO 6346 container numbers (protocol §3.7)."""

from __future__ import annotations

import re

_PATTERN = re.compile(r"^[A-Z]{3}[UJZ][0-9]{7}$")


def _letter_values() -> dict[str, int]:
    values: dict[str, int] = {}
    n = 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if n % 11 == 0:
            n += 1
        values[letter] = n
        n += 1
    return values


_VALUES = {**_letter_values(), **{str(d): d for d in range(10)}}


def check_digit(first_ten: str) -> int:
    """Return the check digit of the first ten characters of a container number."""
    total = sum(_VALUES[ch] << i for i, ch in enumerate(first_ten))
    return (total % 11) % 10


def container_problem(number: str) -> str | None:
    """Explain what is wrong with a container number, or return ``None`` when it is valid.

    >>> container_problem("CSQU3054383") is None
    True
    >>> container_problem("TGHU1234568")
    'container_no TGHU1234568: ISO 6346 check digit should be 7'
    """
    if not _PATTERN.match(number):
        return (
            f"container_no {number!r}: not an ISO 6346 number (4 letters ending in U, J or Z, then 7 digits)"
        )
    expected = check_digit(number[:10])
    if int(number[10]) != expected:
        return f"container_no {number}: ISO 6346 check digit should be {expected}"
    return None
