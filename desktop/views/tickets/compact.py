"""Small widgets that let the ticket panel work in a narrow dock (~340 px).

:class:`ElidedLabel` shows as much of its text as fits and the whole text as a tooltip;
:class:`UniformGridLayout` puts equal cells in 4, 2 or 1 columns, whichever fits the width;
:class:`WrapCheckBox` is a check box whose text wraps (a long bilingual checklist step).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QToolTip,
    QWidget,
)


class ElidedLabel(QLabel):
    """A one-line label that elides its text (``…``) when narrower than it.

    :meth:`text` stays the whole text; the tooltip shows it when elided (before any tooltip
    set with :meth:`setToolTip`).
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(False)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        margins = self.contentsMargins()
        ellipsis = self.fontMetrics().horizontalAdvance("…") * 3
        return QSize(min(hint.width(), ellipsis + margins.left() + margins.right()), hint.height())

    def is_elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def shown_text(self) -> str:
        """The text as painted (elided when it does not fit)."""
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, width)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if not self.is_elided():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            int(self.alignment() | Qt.AlignmentFlag.AlignVCenter),
            self.palette(),
            self.isEnabled(),
            self.shown_text(),
            self.foregroundRole(),
        )
        painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent) and self.is_elided():
            extra = self.toolTip()
            QToolTip.showText(event.globalPos(), self.text() + (f"\n\n{extra}" if extra else ""), self)
            return True
        return super().event(event)


class UniformGridLayout(QLayout):
    """Equal cells (the widest item's size hint) in as many of ``columns`` as fit the width.

    With ``columns=(4, 2, 1)`` four badges sit in one row when there is room, else in two
    rows of two, else one under the other: never an orphan in a row of its own.
    """

    def __init__(self, parent: QWidget | None = None, columns: tuple[int, ...] = (4, 2, 1)) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._columns = tuple(sorted(set(columns), reverse=True))
        self.setSpacing(6)

    # -- the QLayout interface ----------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        cell = self._cell()
        n = min(self._columns[0], len(self._items)) or 1
        margins = self.contentsMargins()
        width = n * cell.width() + (n - 1) * self.spacing() + margins.left() + margins.right()
        return QSize(width, self.heightForWidth(width))

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        margins = self.contentsMargins()
        width = max((i.minimumSize().width() for i in self._items), default=0)
        height = max((i.minimumSize().height() for i in self._items), default=0)
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    # -- placing ----------------------------------------------------------------------------

    def columns_for(self, width: int) -> int:
        """How many columns a width of ``width`` pixels gets."""
        margins = self.contentsMargins()
        inner = width - margins.left() - margins.right()
        cell = self._cell().width()
        for n in self._columns:
            if n * cell + (n - 1) * self.spacing() <= inner:
                return n
        return self._columns[-1]

    def _cell(self) -> QSize:
        width = max((i.sizeHint().width() for i in self._items), default=0)
        height = max((i.sizeHint().height() for i in self._items), default=0)
        return QSize(width, height)

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        inner = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        visible = [i for i in self._items if not i.isEmpty()]
        if not visible:
            return margins.top() + margins.bottom()
        n = self.columns_for(rect.width())
        spacing = self.spacing()
        width = max(1, (inner.width() - (n - 1) * spacing) // n)
        height = self._cell().height()
        for k, item in enumerate(visible):
            row, col = divmod(k, n)
            if move:
                item.setGeometry(
                    QRect(
                        QPoint(inner.x() + col * (width + spacing), inner.y() + row * (height + spacing)),
                        QSize(width, height),
                    )
                )
        rows = (len(visible) + n - 1) // n
        return rows * height + (rows - 1) * spacing + margins.top() + margins.bottom()


class WrapCheckBox(QCheckBox):
    """A check box whose text wraps to the width it gets (no minimum width beyond a few words)."""

    _MIN_TEXT = 120  # px: the narrowest the text column gets

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _indicator(self) -> QRect:
        option = QStyleOptionButton()
        self.initStyleOption(option)
        return self.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, self)

    def _text_rect(self, width: int) -> QRect:
        indicator = self._indicator()
        left = indicator.right() + 1 + self.style().pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing)
        return QRect(left, 0, max(1, width - left), 10_000)

    def _text_height(self, width: int) -> int:
        flags = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft)
        return self.fontMetrics().boundingRect(self._text_rect(width), flags, self.text()).height()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return max(self._indicator().height(), self._text_height(width)) + 4

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint()
        return QSize(hint.width(), self.heightForWidth(hint.width()))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        width = self._text_rect(0).left() + self._MIN_TEXT
        return QSize(min(width, super().sizeHint().width()), self._indicator().height())

    def hitButton(self, pos: QPoint) -> bool:  # noqa: N802 - Qt override
        return self.rect().contains(pos)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        option = QStyleOptionButton()
        self.initStyleOption(option)
        indicator = self._indicator()
        indicator.moveTop(2 + max(0, (self.fontMetrics().height() - indicator.height()) // 2))
        option.rect = indicator
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorCheckBox, option, painter, self)
        text = self._text_rect(self.width()).adjusted(0, 2, 0, 0)
        text.setHeight(self.height())
        flags = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.style().drawItemText(
            painter, text, flags, self.palette(), self.isEnabled(), self.text(), self.foregroundRole()
        )
        painter.end()
