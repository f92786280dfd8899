"""Severity and phase presentation: colour + shape + label, always all three (ISA-101).

Severity colours and shapes come from desktop/map/symbols.py and names from
:func:`desktop.views.tickets.style.severity_label`, so the map, the trip panels and the ticket
queue cannot disagree; a ticket status is named by :func:`desktop.views.tickets.labels.status_label`.

Colour is reserved for abnormal states; normal things are grey. The shapes differ so that a
colour-blind operator, or a monochrome print-out, still tells the severities apart.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QCoreApplication, QLocale

from desktop.map.symbols import SEVERITY_STYLES
from desktop.views.tickets.style import severity_label

SEVERITIES: Final = ("critical", "high", "medium", "low")
_GLYPHS: Final = {"triangle": "▲", "diamond": "◆", "square": "■", "ring-circle": "◎", "circle": "●"}
# one table for the map and the panels (desktop/map/symbols.py), so the symbols always agree
SEVERITY_COLOURS: Final = {s.key: s.colour for s in SEVERITY_STYLES if s.key in SEVERITIES}
SEVERITY_SHAPES: Final = {s.key: _GLYPHS.get(s.shape, "●") for s in SEVERITY_STYLES if s.key in SEVERITIES}
NORMAL_COLOUR: Final = "#c8c8c8"
MUTED_COLOUR: Final = "#8e9196"


def severity_text(severity: str) -> str:
    """Shape and label, e.g. ``◆ 危急``."""
    return f"{SEVERITY_SHAPES.get(severity, '?')} {severity_label(severity)}"


def severity_html(severity: str | None, suffix: str = "") -> str:
    """Rich text: the shape and label in the severity's colour (grey ``—`` when none)."""
    if severity is None:
        return f'<span style="color:{MUTED_COLOUR}">—</span>'
    colour = SEVERITY_COLOURS.get(severity, NORMAL_COLOUR)
    return f'<span style="color:{colour}; font-weight:bold">{severity_text(severity)}{suffix}</span>'


def phase_label(phase: str) -> str:
    """The translated name of a trip phase."""
    labels = {
        "planned": QCoreApplication.translate("Phase", "Planned"),
        "sealed": QCoreApplication.translate("Phase", "Sealed"),
        "in_transit": QCoreApplication.translate("Phase", "In transit"),
        "departed": QCoreApplication.translate("Phase", "In transit"),
        "arrived": QCoreApplication.translate("Phase", "Arrived"),
        "completed": QCoreApplication.translate("Phase", "Completed"),
        "cancelled": QCoreApplication.translate("Phase", "Cancelled"),
    }
    return labels.get(phase, phase)


def event_label(kind: str) -> str:
    """The translated name of a replay event kind (desktop.live.track.EVENT_KINDS)."""
    labels = {
        "sealed": QCoreApplication.translate("TrackEvent", "Sealed"),
        "unsealed": QCoreApplication.translate("TrackEvent", "Unsealed"),
        "tamper": QCoreApplication.translate("TrackEvent", "Tamper alarm"),
        "nfc_departure": QCoreApplication.translate("TrackEvent", "Departure read"),
        "nfc_arrival": QCoreApplication.translate("TrackEvent", "Arrival read"),
        "nfc_read_only": QCoreApplication.translate("TrackEvent", "Seal read"),
        "gate_in": QCoreApplication.translate("TrackEvent", "Gate in"),
        "gate_out": QCoreApplication.translate("TrackEvent", "Gate out"),
    }
    return labels.get(kind, kind)


def chinese_ui() -> bool:
    """Whether the UI language is Chinese (site and anomaly names then come in Chinese)."""
    return QLocale().language() == QLocale.Language.Chinese
