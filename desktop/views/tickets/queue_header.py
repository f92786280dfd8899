"""The queue's header: tickets shown per severity (shape, label, count; large enough to read at
2 m) and the alarm rate against EEMUA 191. It wraps to two rows of badges in a narrow dock."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from desktop.models.catalogue import Severity
from desktop.views.tickets.compact import ElidedLabel, UniformGridLayout
from desktop.views.tickets.style import DIM_TEXT, SURFACE, paint_shape, severity_label

SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
_SHAPE = 18  # px, the severity shape
_GAP = 6
_PAD = 8
_BRIGHT = QColor("#f0f0f0")


class SeverityBadge(QWidget):
    """A severity's shape (filled when any ticket of it is shown), label and count.

    Too narrow for the label, it shows the shape and the count (the label is in the tooltip).
    """

    def __init__(self, severity: Severity, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.severity = severity
        self.count = 0
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.retranslate()

    def count_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.25 if font.pointSizeF() > 0 else 15)
        font.setBold(True)
        return font

    def _widths(self) -> tuple[int, int]:
        """(label width with its gap, count width) in pixels."""
        label = self.fontMetrics().horizontalAdvance(severity_label(self.severity)) + _GAP
        count = QFontMetrics(self.count_font()).horizontalAdvance("888")
        return label, count

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        label, count = self._widths()
        height = max(_SHAPE, QFontMetrics(self.count_font()).height()) + 8
        return QSize(_PAD + _SHAPE + _GAP + label + count + _PAD, height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        _, count = self._widths()
        return QSize(_PAD + _SHAPE + _GAP + count + _PAD, self.sizeHint().height())

    def set_count(self, n: int) -> None:
        if n != self.count:
            self.count = n
            self._tooltip()
            self.update()

    def retranslate(self) -> None:
        self._tooltip()
        self.updateGeometry()
        self.update()

    def _tooltip(self) -> None:
        text = Q.translate("Tickets", "{severity}: {count} tickets shown")
        self.setToolTip(text.format(severity=severity_label(self.severity), count=self.count))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(SURFACE)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        h = self.height()
        shape = QRectF(_PAD, (h - _SHAPE) / 2, _SHAPE, _SHAPE)
        paint_shape(painter, shape, self.severity, hollow=self.count == 0)
        label_w, count_w = self._widths()
        x = _PAD + _SHAPE + _GAP
        room = self.width() - x - _PAD
        if room >= label_w + count_w:
            painter.setPen(DIM_TEXT if self.count == 0 else _BRIGHT)
            painter.setFont(self.font())
            painter.drawText(
                QRectF(x, 0, label_w, h),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                severity_label(self.severity),
            )
        painter.setPen(DIM_TEXT if self.count == 0 else _BRIGHT)
        painter.setFont(self.count_font())
        painter.drawText(
            QRectF(x, 0, room, h),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            str(self.count),
        )
        painter.end()


class QueueHeader(QWidget):
    """Counts per severity and the alarm rate (alarms per 10 min per operator, last hour)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queueHeader")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 2)
        layout.setSpacing(4)
        self.grid = UniformGridLayout(columns=(4, 2))
        self.badges = {s: SeverityBadge(s) for s in SEVERITIES}
        for badge in self.badges.values():
            self.grid.addWidget(badge)
        layout.addLayout(self.grid)
        self.rate = ElidedLabel()
        self.rate.setObjectName("alarmRate")
        layout.addWidget(self.rate)
        self._rate: tuple[float, float] | None = None  # (rate, limit) once known

    def set_counts(self, counts: Counter[str]) -> None:
        for severity, badge in self.badges.items():
            badge.set_count(counts.get(str(severity), 0))

    def set_rate(self, rate: float, limit: float) -> None:
        over = rate > limit
        changed = self._rate is None or (self._rate[0] > self._rate[1]) != over
        self._rate = (rate, limit)
        self.retranslate()
        if changed:
            self.rate.setObjectName("alarmRateOver" if over else "alarmRate")
            self.rate.style().unpolish(self.rate)
            self.rate.style().polish(self.rate)

    def retranslate(self) -> None:
        """The alarm-rate text in the current UI language (the badges translate themselves)."""
        if self._rate is None:
            return
        rate, limit = self._rate
        values = {"rate": f"{rate:.1f}", "limit": f"{limit:g}"}
        self.rate.setText(
            Q.translate("Tickets", "Alarm rate {rate}/10 min (EEMUA 191 ≤ {limit})").format(**values)
        )
        self.rate.setToolTip(
            Q.translate(
                "Tickets",
                "Alarms per 10 minutes per operator over the last hour: {rate}. "
                "EEMUA 191 recommends no more than {limit}.",
            ).format(**values)
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            for badge in self.badges.values():
                badge.retranslate()
            self.grid.invalidate()
        super().changeEvent(event)
