"""The control-room look: stylesheet, a CJK font chosen explicitly, dark plots."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

STYLESHEET: Final = Path(__file__).resolve().parent / "control_room.qss"
CJK_FAMILY: Final = "Noto Sans CJK TC"
FALLBACK_FAMILIES: Final = (
    "Noto Sans CJK TC",
    "Noto Sans TC",
    "Source Han Sans TC",
    "Noto Sans",
    "sans-serif",
)
BASE_POINT_SIZE: Final = 12  # readable at 2 m
PLOT_BACKGROUND: Final = "#1f2023"
PLOT_FOREGROUND: Final = "#b8b8b8"


def ui_font(point_size: int = BASE_POINT_SIZE) -> QFont:
    """The UI font: Noto Sans CJK TC first (Debian ``fonts-noto-cjk``), then fallbacks."""
    font = QFont()
    font.setFamilies(list(FALLBACK_FAMILIES))
    font.setPointSize(point_size)
    return font


def has_cjk_font() -> bool:
    return CJK_FAMILY in QFontDatabase.families()


def apply_theme(app: QApplication) -> None:
    """Font, stylesheet and the pyqtgraph palette for the whole application."""
    if not has_cjk_font():
        log.warning(
            "font %r is not installed (Debian: apt install fonts-noto-cjk); Chinese text may render as boxes",
            CJK_FAMILY,
        )
    app.setFont(ui_font())
    try:
        app.setStyleSheet(STYLESHEET.read_text(encoding="utf-8"))
    except OSError as exc:
        log.warning("cannot read the stylesheet %s (%s); using Qt's default look", STYLESHEET, exc.strerror)
    import pyqtgraph as pg  # type: ignore[import-untyped]

    pg.setConfigOptions(background=PLOT_BACKGROUND, foreground=PLOT_FOREGROUND, antialias=True)
