"""ISO 6346 container numbers (protocol §3.7)."""

from __future__ import annotations

import pytest

from desktop.models.iso6346 import _VALUES, check_digit, container_problem

# -- ISO 6346 ------------------------------------------------------------------------------------

# the letter values as the spec lists them: 10-38, skipping 11, 22 and 33
SPEC_TABLE = (
    "A=10 B=12 C=13 D=14 E=15 F=16 G=17 H=18 I=19 J=20 K=21 L=23 M=24 "
    "N=25 O=26 P=27 Q=28 R=29 S=30 T=31 U=32 V=34 W=35 X=36 Y=37 Z=38"
)
SPEC_LETTERS = {pair[0]: int(pair[2:]) for pair in SPEC_TABLE.split()}


def test_letter_values_skip_multiples_of_11() -> None:
    assert {k: v for k, v in _VALUES.items() if k.isalpha()} == SPEC_LETTERS
    assert (SPEC_LETTERS["A"], SPEC_LETTERS["B"], SPEC_LETTERS["K"], SPEC_LETTERS["V"]) == (10, 12, 21, 34)
    assert all(v % 11 for v in _VALUES.values() if v >= 10)


@pytest.mark.parametrize(
    ("number", "digit"),
    [
        ("CSQU305438", 3),
        ("TGHU123456", 7),
        ("MSKU123456", 5),
        ("HLXU100000", 7),
        ("APZU421234", 7),
        ("KKKJ111111", 6),
        ("MSKU000008", 0),  # sum mod 11 == 10 -> 0
    ],
)
def test_check_digit_known_numbers(number: str, digit: int) -> None:
    assert check_digit(number) == digit
    assert container_problem(number + str(digit)) is None
    assert container_problem(number + str((digit + 1) % 10)) == (
        f"container_no {number}{(digit + 1) % 10}: ISO 6346 check digit should be {digit}"
    )


@pytest.mark.parametrize(
    "number", ["CSQX3054383", "CSQU305438", "CSQU30543833", "C5QU3054383", "csqu3054383"]
)
def test_container_problem_rejects_malformed_numbers(number: str) -> None:
    problem = container_problem(number)
    assert problem is not None and number in problem and "not an ISO 6346 number" in problem
