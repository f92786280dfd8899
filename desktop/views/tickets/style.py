"""Severity colours, shapes and labels in Qt (dark ISA-101 theme: colour only for what is abnormal)."""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPixmap, QPolygonF

from desktop.map.symbols import CONFLICT_COLOUR as CONFLICT_HEX
from desktop.map.symbols import CONFLICT_TEXT_COLOUR, SEVERITY_STYLES
from desktop.models.catalogue import Severity

#: colour and shape per severity, from the one table the map draws with too (desktop/map/symbols.py):
#: critical red triangle, high orange diamond, medium yellow square, low cyan circle; shape and
#: label also carry the meaning for colour-blind readers.
SEVERITY_COLOUR: Final = {Severity(s.key): QColor(s.colour) for s in SEVERITY_STYLES if s.code}
SEVERITY_SHAPE: Final = {Severity(s.key): s.shape for s in SEVERITY_STYLES if s.code}

#: a CONFLICT (two consoles decided differently while apart): magenta, the colour no severity
#: uses, with the ⚠ sign and the word as its shape and label; dark text on it for contrast. Defined
#: once, in desktop/map/symbols.py, so the map's conflict ring is the same colour.
CONFLICT_COLOUR: Final = QColor(CONFLICT_HEX)
CONFLICT_TEXT: Final = QColor(CONFLICT_TEXT_COLOUR)

# the neutral dark palette: greys for everything normal
BACKGROUND: Final = QColor("#2b2d31")
SURFACE: Final = QColor("#33363b")
TEXT: Final = QColor("#d7dadc")
DIM_TEXT: Final = QColor("#8d9296")
SHELVED_TEXT: Final = QColor("#6d7276")

DARK_STYLESHEET: Final = """
QWidget { background: #2b2d31; color: #d6d6d6; }
QTableView { background: #26282c; alternate-background-color: #2b2d31; gridline-color: #3a3c41;
             selection-background-color: #4c5561; selection-color: #ffffff; border: 1px solid #3a3c41; }
QHeaderView::section { background: #232427; color: #b8b8b8; border: 0; border-right: 1px solid #3a3c41;
                       border-bottom: 1px solid #3a3c41; padding: 4px 6px; }
QLineEdit, QComboBox, QPlainTextEdit, QTextEdit, QListWidget, QSpinBox, QDoubleSpinBox {
    background: #1f2023; border: 1px solid #4a4d53; border-radius: 3px; padding: 3px 5px; }
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus { border: 1px solid #8a96a3; }
QPushButton, QToolButton { background: #3a3d42; border: 1px solid #50545a; border-radius: 3px;
                           padding: 4px 10px; }
QPushButton:hover, QToolButton:hover { background: #454950; }
QPushButton:disabled { color: #6e7176; background: #2e3135; border-color: #3f4247; }
QPushButton:focus, QToolButton:focus { border: 1px solid #9fb6cc; }
QToolButton:checked { background: #3a3d42; }
QToolButton#filterToggleActive { border: 1px solid #9fb6cc; color: #ffffff; font-weight: bold; }
QGroupBox { border: 1px solid #3a3c41; border-radius: 3px; margin-top: 14px; padding-top: 6px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; color: #b8b8b8; }
QCheckBox::indicator, QListView::indicator { width: 14px; height: 14px; border: 1px solid #9aa0a6;
                                             background: #1f2023; }
QCheckBox::indicator:checked, QListView::indicator:checked { background: #9fb6cc; border: 1px solid #d7dadc; }
QCheckBox::indicator:disabled { border: 1px solid #50545a; }
QSplitter::handle { background: #1f2023; }
QSplitter::handle:vertical { height: 5px; }
QSplitter::handle:horizontal { width: 5px; }
QLabel#alarmRate { color: #8e9196; }
QLabel#alarmRateOver { color: #f08c00; font-weight: bold; }
QGroupBox#conflictBox { border: 2px solid @conflict; }
QGroupBox#conflictBox::title { color: @conflict; font-weight: bold; }
QFrame#conflictSide { border: 1px solid #6a3d6a; border-radius: 3px; }
QLabel#conflictTopic { color: @conflict; font-weight: bold; }
""".replace("@conflict", CONFLICT_HEX)


def severity_label(severity: str) -> str:
    """zh-TW (or English) name of a severity, through the translator (the ticket screens, the
    trip detail and the map's lists all name severities with this)."""
    labels: dict[str, str] = {
        Severity.CRITICAL: Q.translate("Tickets", "Critical"),
        Severity.HIGH: Q.translate("Tickets", "High"),
        Severity.MEDIUM: Q.translate("Tickets", "Medium"),
        Severity.LOW: Q.translate("Tickets", "Low"),
    }
    return labels.get(severity, severity)


def paint_shape(painter: QPainter, rect: QRectF, severity: Severity, *, hollow: bool = False) -> None:
    """Draw the severity's shape filling ``rect`` (a thin dark outline keeps it legible)."""
    colour = SEVERITY_COLOUR[severity]
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#101214"))
    painter.setBrush(Qt.BrushStyle.NoBrush if hollow else colour)
    if hollow:
        painter.setPen(colour)
    shape = SEVERITY_SHAPE[severity]
    r = rect.adjusted(1, 1, -1, -1)
    if shape == "triangle":
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(r.center().x(), r.top()),
                    QPointF(r.right(), r.bottom()),
                    QPointF(r.left(), r.bottom()),
                ]
            )
        )
    elif shape == "diamond":
        c = r.center()
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(c.x(), r.top()),
                    QPointF(r.right(), c.y()),
                    QPointF(c.x(), r.bottom()),
                    QPointF(r.left(), c.y()),
                ]
            )
        )
    elif shape == "square":
        painter.drawRect(r.adjusted(1.5, 1.5, -1.5, -1.5))
    else:
        path = QPainterPath()
        path.addEllipse(r.adjusted(1, 1, -1, -1))
        painter.drawPath(path)
    painter.restore()


_ICONS: dict[tuple[Severity, int], QIcon] = {}


def severity_icon(severity: Severity, size: int = 16) -> QIcon:
    """The severity's shape as an icon (cached)."""
    key = (severity, size)
    icon = _ICONS.get(key)
    if icon is None:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        paint_shape(painter, QRectF(0, 0, size, size), severity)
        painter.end()
        icon = _ICONS[key] = QIcon(pixmap)
        icon.addPixmap(pixmap, QIcon.Mode.Selected)  # the same shape and colour on a selected row
    return icon
