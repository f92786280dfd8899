"""Who must sign a ticket off (§6.4): sign-off levels, the roles that sign, and the level the
disposition's evidence requires. Re-exported by :mod:`desktop.models.ticket`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class SignoffLevel(IntEnum):
    """簽報層級: who must sign a ticket off (§6.4)."""

    SECTION_CHIEF = 1  # 股長
    DIVISION_CHIEF = 2  # 課長
    HEAD_OF_UNIT = 3  # 一級單位主管


class Role(IntEnum):
    """User roles that matter to the ticket domain; the value is the highest level they sign."""

    WATCH_OFFICER = 0
    SECTION_CHIEF = 1
    DIVISION_CHIEF = 2
    HEAD_OF_UNIT = 3


@dataclass(frozen=True, slots=True)
class Evidence:
    """Evidence available for a disposition."""

    system_images: bool = False  # 系統出進站影像
    operator_cctv: bool = False  # 業者監視系統影像
    whereabouts_traced: bool = False  # 追查貨物去向


def required_signoff_level(evidence: Evidence, minimum: int = 0) -> SignoffLevel:
    """The sign-off level the evidence requires, never below the per-code ``minimum``."""
    if evidence.system_images:
        level = SignoffLevel.SECTION_CHIEF
    elif evidence.operator_cctv:
        level = SignoffLevel.DIVISION_CHIEF
    else:
        level = SignoffLevel.HEAD_OF_UNIT
    return SignoffLevel(max(level, minimum))
