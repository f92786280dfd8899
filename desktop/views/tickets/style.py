"""Severity colours, shapes and labels (dark ISA-101 theme: colour only for what is abnormal)."""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPixmap, QPolygonF

from desktop.models.catalogue import Severity

#: (fill colour, shape) per severity: critical red triangle, high orange diamond, medium yellow
#: square, low cyan circle; shape and label also carry the meaning for colour-blind readers.
SEVERITY_COLOUR: Final = {
    Severity.CRITICAL: QColor("#e5322d"),
    Severity.HIGH: QColor("#f08c00"),
    Severity.MEDIUM: QColor("#e8d21d"),
    Severity.LOW: QColor("#35c4dc"),
}
SEVERITY_SHAPE: Final = {
    Severity.CRITICAL: "triangle",
    Severity.HIGH: "diamond",
    Severity.MEDIUM: "square",
    Severity.LOW: "circle",
}

# the neutral dark palette: greys for everything normal
BACKGROUND: Final = QColor("#26292c")
SURFACE: Final = QColor("#303438")
TEXT: Final = QColor("#d7dadc")
DIM_TEXT: Final = QColor("#8d9296")
SHELVED_TEXT: Final = QColor("#6d7276")

DARK_STYLESHEET: Final = """
QWidget { background: #26292c; color: #d7dadc; }
QTableView { background: #26292c; alternate-background-color: #2b2e31; gridline-color: #3a3e42;
             selection-background-color: #44505c; selection-color: #ffffff; }
QHeaderView::section { background: #303438; color: #b9bdc0; border: 0; border-right: 1px solid #3a3e42;
                       padding: 3px 6px; }
QLineEdit, QComboBox, QPlainTextEdit, QTextEdit, QListWidget, QSpinBox {
    background: #1f2124; border: 1px solid #464b50; padding: 2px 4px; }
QPushButton { background: #3a3f44; border: 1px solid #50565c; padding: 4px 10px; }
QPushButton:disabled { color: #6d7276; background: #2e3135; }
QPushButton:focus { border: 1px solid #9fb6cc; }
QGroupBox { border: 1px solid #3a3e42; margin-top: 14px; padding-top: 6px; }
QGroupBox::title { subcontrol-origin: margin; left: 6px; color: #b9bdc0; }
QCheckBox::indicator, QListView::indicator { width: 13px; height: 13px; border: 1px solid #9aa0a6;
                                             background: #1f2124; }
QCheckBox::indicator:checked, QListView::indicator:checked { background: #9fb6cc; border: 1px solid #d7dadc; }
QCheckBox::indicator:disabled { border: 1px solid #50565c; }
QLabel#alarmRateOver { color: #f08c00; font-weight: bold; }
"""


def severity_label(severity: Severity) -> str:
    """zh-TW (or English) label of a severity, through the translator."""
    labels = {
        Severity.CRITICAL: Q.translate("Tickets", "Critical"),
        Severity.HIGH: Q.translate("Tickets", "High"),
        Severity.MEDIUM: Q.translate("Tickets", "Medium"),
        Severity.LOW: Q.translate("Tickets", "Low"),
    }
    return labels[severity]


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
    return icon
