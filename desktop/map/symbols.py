"""How the map shows severity: colour AND shape AND label, never colour alone (ISA-101 style).

Qt-free; the page receives this table as JSON, so Python and JavaScript cannot disagree.
Codes are small integers because the live batches carry them per vehicle.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Final

from desktop.live.views import SeverityName


@dataclass(frozen=True, slots=True)
class SeverityStyle:
    code: int  # 0 = no open ticket; higher is worse
    key: str
    label_zh: str
    label_en: str
    colour: str
    shape: str  # circle, ring-circle, square, diamond, triangle
    size: float  # symbol half-size in CSS pixels


SEVERITY_STYLES: Final = (
    SeverityStyle(0, "none", "正常", "normal", "#8d949b", "circle", 3.5),
    SeverityStyle(1, "low", "低", "low", "#2ec4d6", "ring-circle", 5.0),
    SeverityStyle(2, "medium", "中", "medium", "#f2d024", "square", 5.5),
    SeverityStyle(3, "high", "高", "high", "#ff8c1a", "diamond", 7.0),
    SeverityStyle(4, "critical", "危急", "critical", "#ff3b3b", "triangle", 8.0),
)
SEVERITY_CODE: Final[dict[str | None, int]] = {s.key: s.code for s in SEVERITY_STYLES} | {None: 0}

#: A CONFLICT (two consoles decided a ticket differently while apart; ``Ticket.conflicts``):
#: magenta, a colour no severity uses, with the ⚠ sign and the word as its shape and label. The one
#: definition: the ticket screens (desktop/views/tickets/style.py) and the map both take it from
#: here. On the map it is an extra ring and ⚠ badge around the vehicle, whose severity colour and
#: shape stay as they are.
CONFLICT_COLOUR: Final = "#e040e0"
CONFLICT_TEXT_COLOUR: Final = "#101214"  # dark text on the magenta, for contrast
CONFLICT_MARK: Final = "⚠"
CONFLICT_LABELS: Final = ("衝突", "Conflict")  # (zh-TW, English)

#: (zh-TW, English): the page shows them in the UI language's order (static/jmc/lang.js)
PHASE_LABELS: Final = {
    "planned": ("已排定", "planned"),
    "in_transit": ("運送中", "in transit"),
    "arrived": ("已抵達", "arrived"),
    "completed": ("已完成", "completed"),
    "cancelled": ("已取消", "cancelled"),
}

REGION_LABELS: Final = {
    "keelung": ("基隆港", "Keelung"),
    "taipei": ("臺北港", "Taipei Port"),
    "taichung": ("臺中港", "Taichung"),
    "kaohsiung": ("高雄港", "Kaohsiung"),
}


def severity_code(severity: SeverityName | None) -> int:
    """The batch code of a trip's worst open-ticket severity (0 when none)."""
    return SEVERITY_CODE.get(severity, 0)


def styles_json() -> list[dict[str, object]]:
    """The table as the page's configuration receives it."""
    return [asdict(s) for s in SEVERITY_STYLES]


def conflict_json() -> dict[str, str]:
    """The conflict marking as the page's configuration receives it."""
    label_zh, label_en = CONFLICT_LABELS
    return {"colour": CONFLICT_COLOUR, "mark": CONFLICT_MARK, "label_zh": label_zh, "label_en": label_en}
