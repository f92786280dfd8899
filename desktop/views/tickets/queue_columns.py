"""The queue's columns: which show by default and in what order, their widths, a header menu to
show the others, and the layout kept in QSettings.

Shown by default, left to right: severity (its shape; the label too when the column is wide
enough), anomaly, order, age, status. Raised, count, handling unit and assignee are hidden
until chosen from the header's context menu; the cell tooltip carries them meanwhile. Anomaly and
order share the width the other columns leave.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtGui import QAction, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QHeaderView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionHeader,
    QStyleOptionViewItem,
    QWidget,
)

from desktop.models.catalogue import Severity
from desktop.views.tickets.labels import age_label, conflict_label, status_short_label
from desktop.views.tickets.queue_model import (
    COL_AGE,
    COL_ASSIGNEE,
    COL_CODE,
    COL_COUNT,
    COL_ORDER,
    COL_RAISED,
    COL_SEVERITY,
    COL_STATUS,
    COL_UNIT,
    ROW_ROLE,
)
from desktop.views.tickets.style import CONFLICT_COLOUR, CONFLICT_TEXT, SEVERITY_COLOUR
from desktop.workflow.rows import TicketRow

# left to right; the first five show by default
VISUAL_ORDER: Final = (
    COL_SEVERITY,
    COL_CODE,
    COL_ORDER,
    COL_AGE,
    COL_STATUS,
    COL_RAISED,
    COL_COUNT,
    COL_UNIT,
    COL_ASSIGNEE,
)
HIDDEN_BY_DEFAULT: Final = frozenset({COL_RAISED, COL_COUNT, COL_UNIT, COL_ASSIGNEE})
ALWAYS_SHOWN: Final = frozenset({COL_SEVERITY, COL_CODE})
HEADER_KEY: Final = "tickets/queueHeader"
_ICON = 16
_CELL_PAD = 14  # the cell's left and right padding together


def _fits_label(option: QStyleOptionViewItem, text: str) -> bool:
    return option.rect.width() >= _ICON + 6 + option.fontMetrics.horizontalAdvance(text) + _CELL_PAD


class QueueItemDelegate(QStyledItemDelegate):
    """The queue's cells: the severity's shape alone when its column is narrow (with a blinking
    bar for an unacknowledged alarm), order numbers elided on the left (their sequence and leg,
    at the end, tell them apart: ``…00073-0001``), a CONFLICT as a magenta ``⚠ 衝突`` badge in
    the status column."""

    def __init__(self, view: QWidget) -> None:
        super().__init__(view)
        self.blink_on = True

    def initStyleOption(  # noqa: N802 - Qt override
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        col = index.column()
        if col == COL_SEVERITY and not option.rect.isEmpty() and not _fits_label(option, option.text):
            option.text = ""
            option.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDisplay
            option.decorationAlignment = Qt.AlignmentFlag.AlignCenter
        elif col == COL_ORDER:
            option.textElideMode = Qt.TextElideMode.ElideLeft
        elif col == COL_STATUS and _in_conflict(index):
            option.text = ""  # the badge is painted instead

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().paint(painter, option, index)
        if index.column() == COL_STATUS and _in_conflict(index):
            paint_conflict_badge(painter, option)
            return
        if index.column() != COL_SEVERITY or not self.blink_on:
            return
        row: TicketRow | None = index.data(ROW_ROLE)
        if row is None or not row.state.needs_ack or not row.is_active:
            return
        rect = option.rect
        painter.fillRect(
            rect.x(), rect.y() + 2, 4, rect.height() - 4, SEVERITY_COLOUR[Severity(row.severity)]
        )


def _in_conflict(index: QModelIndex | QPersistentModelIndex) -> bool:
    row: TicketRow | None = index.data(ROW_ROLE)
    return row is not None and row.in_conflict


def paint_conflict_badge(painter: QPainter, option: QStyleOptionViewItem) -> None:
    """``⚠ 衝突`` in bold dark text on a magenta rounded badge filling the cell (elided to fit)."""
    rect = option.rect.adjusted(2, 2, -2, -2)
    font = QFont(option.font)
    font.setBold(True)
    metrics = QFontMetrics(font)
    text = metrics.elidedText(conflict_label(), Qt.TextElideMode.ElideRight, rect.width() - 6)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(CONFLICT_COLOUR)
    painter.drawRoundedRect(rect, 3, 3)
    painter.setPen(CONFLICT_TEXT)
    painter.setFont(font)
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
    painter.restore()


class QueueHeaderView(QHeaderView):
    """The horizontal header: movable sections, a context menu to show or hide columns, the
    severity column's caption left out when it is too narrow for it (it is in the tooltip)."""

    columnsChanged = Signal()  # noqa: N815 - Qt signal naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsMovable(True)
        self.setSectionsClickable(True)
        self.setHighlightSections(False)
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setMinimumSectionSize(28)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu_at)
        self._settings: QSettings | None = None
        self._defaults: dict[int, int] = {}  # the default widths in the language they were made for
        self.sectionResized.connect(self._changed)
        self.sectionMoved.connect(self._changed)
        self.sortIndicatorChanged.connect(self._changed)

    def paintSection(self, painter: QPainter, rect: QRect, logical_index: int) -> None:  # noqa: N802
        text = self.model().headerData(logical_index, Qt.Orientation.Horizontal) if self.model() else ""
        needed = self.fontMetrics().horizontalAdvance(str(text or "")) + 16
        if logical_index != COL_SEVERITY or rect.width() >= needed:
            super().paintSection(painter, rect, logical_index)
            return
        option = QStyleOptionHeader()
        self.initStyleOptionForIndex(option, logical_index)
        option.rect = rect
        option.text = ""
        painter.save()
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        painter.restore()

    # -- which columns ------------------------------------------------------------------------

    def default_widths(self) -> dict[int, int]:
        """Widths that fit the usual content in the current font and language."""
        view = self.parentWidget()
        font = view.font() if view is not None else self.font()
        bold = QFont(font)
        bold.setBold(True)  # unacknowledged alarms are in bold

        def fit(*texts: str, strong: bool = False) -> int:
            fm = QFontMetrics(bold if strong else font)
            return max(fm.horizontalAdvance(t) for t in texts) + _CELL_PAD

        statuses = [status_short_label(s) for s in ("open", "acknowledged", "awaiting_signoff")]
        statuses.append(conflict_label() + "  ")  # the badge's margins
        ages = [age_label(s) for s in (99 * 60, 9.9 * 3600, 47 * 3600, 9.9 * 86400)]
        return {
            COL_SEVERITY: _ICON + _CELL_PAD + 6,
            COL_AGE: fit(*ages, strong=True),
            COL_STATUS: fit(*statuses, strong=True) + 6,
            COL_RAISED: fit("11-21 15:27:47"),
            COL_COUNT: fit("999"),
            COL_UNIT: fit("Monitoring centre KHH-CY"),
            COL_ASSIGNEE: fit("wang.officer"),
        }

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """A new language: columns still at their default width take the new language's one
        (widths someone chose stay)."""
        if event.type() == QEvent.Type.LanguageChange and self.count():
            before, after = self._defaults, self.default_widths()
            for logical, width in after.items():
                if logical < self.count() and self.sectionSize(logical) == before.get(logical):
                    self.resizeSection(logical, width)
            self._defaults = after
        super().changeEvent(event)

    def reset_columns(self) -> None:
        """The default columns, order and widths (what a new console shows)."""
        saving, self._settings = self._settings, None  # one save at the end
        try:
            for visual, logical in enumerate(VISUAL_ORDER):
                if logical < self.count():
                    self.moveSection(self.visualIndex(logical), visual)
            for logical in range(self.count()):
                self.setSectionHidden(logical, logical in HIDDEN_BY_DEFAULT)
                stretch = logical in (COL_CODE, COL_ORDER)  # they share what the others leave
                mode = QHeaderView.ResizeMode.Stretch if stretch else QHeaderView.ResizeMode.Interactive
                self.setSectionResizeMode(logical, mode)
            self._defaults = self.default_widths()
            for logical, width in self._defaults.items():
                if logical < self.count():
                    self.resizeSection(logical, width)
        finally:
            self._settings = saving
        self._changed()

    def set_column_shown(self, logical: int, shown: bool) -> None:
        if logical in ALWAYS_SHOWN and not shown:
            return
        self.setSectionHidden(logical, not shown)
        self.columnsChanged.emit()
        self._changed()

    def column_menu(self) -> QMenu:
        """A menu with a check per column (severity and anomaly always show) and a reset."""
        menu = QMenu(self)
        for visual in range(self.count()):
            logical = self.logicalIndex(visual)
            text = self.model().headerData(logical, Qt.Orientation.Horizontal)
            action = QAction(str(text), menu)
            action.setCheckable(True)
            action.setChecked(not self.isSectionHidden(logical))
            action.setEnabled(logical not in ALWAYS_SHOWN)
            action.setData(logical)
            action.toggled.connect(lambda on, col=logical: self.set_column_shown(col, on))
            menu.addAction(action)
        menu.addSeparator()
        reset = menu.addAction(Q.translate("Tickets", "Default columns"))
        reset.triggered.connect(self.reset_columns)
        return menu

    def _menu_at(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.mapToGlobal(pos))

    # -- kept between sessions -------------------------------------------------------------------

    def bind_settings(self, settings: QSettings | None) -> bool:
        """Restore the layout kept in ``settings`` (else the defaults) and keep changes there;
        returns whether a kept layout was restored."""
        self._settings = None
        restored = False
        state = settings.value(HEADER_KEY) if settings is not None else None
        if isinstance(state, QByteArray) and not state.isEmpty():
            restored = self.restoreState(state) and self.count() > COL_AGE
        if not restored:
            self.reset_columns()
        else:
            self._defaults = self.default_widths()
        self.setSectionHidden(COL_SEVERITY, False)
        self.setSectionHidden(COL_CODE, False)
        self._settings = settings
        return restored

    def _changed(self, *_: object) -> None:
        if self._settings is not None:
            self._settings.setValue(HEADER_KEY, self.saveState())
