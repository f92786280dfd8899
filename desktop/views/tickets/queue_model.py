"""The ticket queue: an incrementally updated table model and its filter/sort proxy.

:class:`TicketQueueModel` never resets after construction: new tickets are appended with
``beginInsertRows`` (one batch per drain), changed ones emit ``dataChanged`` for their row.
:class:`TicketFilterProxy` filters by region, code, status (active / conflicts / shelved / closed /
all), handling unit, site, "assigned to me" and text, and sorts by severity (a CONFLICT above the
same severity's other tickets) then age. A ticket with an open CONFLICT stays in the active view
whatever its status (closed by one console, returned by the other) until a supervisor resolves it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtGui import QBrush, QFont

from desktop.models.catalogue import Severity
from desktop.views.tickets.i18n import anomaly_name
from desktop.views.tickets.labels import (
    age_label,
    conflict_label,
    conflict_topic_label,
    status_label,
    status_short_label,
    unit_label,
)
from desktop.views.tickets.style import DIM_TEXT, SEVERITY_COLOUR, SHELVED_TEXT, severity_icon, severity_label
from desktop.workflow.feed import FeedItem
from desktop.workflow.rows import TicketRow, fmt_time

ROW_ROLE: Final = Qt.ItemDataRole.UserRole + 1  # the TicketRow
SORT_ROLE: Final = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex

COL_SEVERITY, COL_CODE, COL_STATUS, COL_ORDER, COL_UNIT, COL_RAISED, COL_COUNT, COL_ASSIGNEE, COL_AGE = range(
    9
)


def _headers() -> list[str]:
    return [
        Q.translate("Tickets", "Severity"),
        Q.translate("Tickets", "Anomaly"),
        Q.translate("Tickets", "Status"),
        Q.translate("Tickets", "Order / subject"),
        Q.translate("Tickets", "Handling unit"),
        Q.translate("Tickets", "Raised"),
        Q.translate("Tickets", "Count"),
        Q.translate("Tickets", "Assignee"),
        Q.translate("Tickets", "Age"),
    ]


class TicketQueueModel(QAbstractTableModel):
    """Rows of :class:`TicketRow`, one per ticket ever seen, in arrival order."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[TicketRow] = []
        self._index: dict[str, int] = {}
        self._headers = _headers()
        self.now = time.time()  # for "shelved" display; refreshed by the panel's timer

    # -- incremental updates ---------------------------------------------------------------

    def apply(self, items: Iterable[FeedItem]) -> list[FeedItem]:
        """Apply drained changes; returns the items that are new tickets."""
        new: list[FeedItem] = []
        last_col = len(self._headers) - 1
        for item in items:
            row = self._index.get(item.row.id)
            if row is None:
                new.append(item)
                continue
            self._rows[row] = item.row
            self.dataChanged.emit(self.index(row, 0), self.index(row, last_col))
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for offset, item in enumerate(new):
                self._rows.append(item.row)
                self._index[item.row.id] = first + offset
            self.endInsertRows()
        return new

    def row_of(self, ticket_id: str) -> int | None:
        return self._index.get(ticket_id)

    def ticket(self, row: int) -> TicketRow:
        return self._rows[row]

    def find(self, ticket_id: str) -> TicketRow | None:
        row = self._index.get(ticket_id)
        return None if row is None else self._rows[row]

    def rows(self) -> list[TicketRow]:
        return list(self._rows)

    def set_now(self, now: float) -> None:
        """The clock moved on: the ages (and the shelved look) are shown again."""
        self.now = now
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._rows) - 1, len(self._headers) - 1),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, SORT_ROLE],
            )

    def retranslate(self) -> None:
        """The UI language changed: new header texts and cell labels (statuses, units, names)."""
        self._headers = _headers()
        last_col = len(self._headers) - 1
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, last_col)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._rows) - 1, last_col),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE],
            )

    # -- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (COL_AGE, COL_COUNT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col, self.now)
        if role == ROW_ROLE:
            return r
        if role == SORT_ROLE:
            return self._sort_key(r, col, self.now)
        if role == Qt.ItemDataRole.DecorationRole and col == COL_SEVERITY:
            return severity_icon(r.severity)
        if role == Qt.ItemDataRole.FontRole and r.state.needs_ack and r.is_active:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.is_shelved(self.now) or not r.is_active:
                return QBrush(SHELVED_TEXT)
            if col == COL_SEVERITY:
                return QBrush(SEVERITY_COLOUR[r.severity])
            if col in (COL_RAISED, COL_COUNT, COL_AGE):
                return QBrush(DIM_TEXT)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_AGE, COL_COUNT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r)
        return None

    def _tooltip(self, r: TicketRow) -> str:
        """Everything a narrow queue may have elided or hidden, one fact a line."""
        first, second = anomaly_name(r.name_zh, r.name_en)
        lines = [
            f"{severity_label(Severity(r.severity))} · {status_label(str(r.status))}",
            self.conflict_line(r),
            f"{r.code} {first} / {second}",
            f"{self._display(r, COL_ORDER, self.now)} · {self._display(r, COL_UNIT, self.now)}",
            f"{fmt_time(r.raised_at)} ({self._display(r, COL_AGE, self.now)})",
        ]
        if r.assignee:
            lines.append(f"{Q.translate('Tickets', 'Assignee')}: {r.assignee}")
        lines += [r.detail, r.id]
        return "\n".join(line for line in lines if line)

    @staticmethod
    def conflict_line(r: TicketRow) -> str:
        """``⚠ 衝突：處理情形`` for a ticket with an open CONFLICT, else empty."""
        if not r.in_conflict:
            return ""
        topics = ", ".join(conflict_topic_label(t) for t in r.conflict)
        return Q.translate("Tickets", "{conflict}: {topics}").format(conflict=conflict_label(), topics=topics)

    @staticmethod
    def age_of(r: TicketRow, now: float) -> float:
        """Seconds from raising to now (to closing, once closed)."""
        end = r.closed_at if r.closed_at is not None else now
        return max(0.0, end - r.raised_at)

    @staticmethod
    def _display(r: TicketRow, col: int, now: float) -> str:
        if col == COL_SEVERITY:
            return severity_label(Severity(r.severity))
        if col == COL_CODE:
            return f"{r.code} {anomaly_name(r.name_zh, r.name_en)[0]}"
        if col == COL_STATUS:
            return conflict_label() if r.in_conflict else status_short_label(str(r.status))
        if col == COL_ORDER:
            return r.order_no or r.subject
        if col == COL_UNIT:
            site = f" {r.handling_site}" if r.handling_site else ""
            return unit_label(r.handling_kind) + site
        if col == COL_RAISED:
            return fmt_time(r.raised_at)[5:]
        if col == COL_COUNT:
            return str(r.occurrences)
        if col == COL_ASSIGNEE:
            return r.assignee or ""
        if col == COL_AGE:
            return age_label(TicketQueueModel.age_of(r, now))
        return ""

    @staticmethod
    def _sort_key(r: TicketRow, col: int, now: float) -> Any:
        if col == COL_SEVERITY:  # a CONFLICT above the other tickets of its severity
            return (-r.severity_rank, not r.in_conflict, r.raised_at, r.id)
        if col == COL_RAISED:
            return (r.raised_at, r.id)
        if col == COL_COUNT:
            return (r.occurrences, r.id)
        if col == COL_AGE:
            return (TicketQueueModel.age_of(r, now), r.id)
        return (TicketQueueModel._display(r, col, now), r.id)


STATUS_ACTIVE, STATUS_SHELVED, STATUS_CLOSED, STATUS_ALL = "active", "shelved", "closed", "all"
STATUS_CONFLICT = "conflict"  # tickets with an open CONFLICT


class TicketFilterProxy(QSortFilterProxyModel):
    """Filters and default order (severity, then oldest first) of the queue."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.region = ""
        self.code = ""
        self.status = STATUS_ACTIVE  # active, conflict, shelved, closed, all, or a TicketStatus value
        self.unit = ""
        self.site = ""
        self.mine: str | None = None  # username for "assigned to me"
        self.text = ""
        self.now = time.time()
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_filters(self, **values: Any) -> None:
        """Change any of region, code, status, unit, site, mine, text."""
        self.beginFilterChange()
        for key, value in values.items():
            if not hasattr(self, key) or key.startswith("_"):
                self.endFilterChange()
                raise AttributeError(key)
            setattr(self, key, value)
        self.endFilterChange()

    def row_accepted(self, r: TicketRow) -> bool:
        if r.withdrawn:
            return self.status == STATUS_ALL
        status = self.status
        if status == STATUS_ACTIVE:
            if not r.in_conflict and (not r.is_active or r.is_shelved(self.now)):
                return False
        elif status == STATUS_CONFLICT:
            if not r.in_conflict:
                return False
        elif status == STATUS_SHELVED:
            if not r.is_active or not r.is_shelved(self.now):
                return False
        elif status == STATUS_CLOSED:
            if not r.is_closed:
                return False
        elif status != STATUS_ALL and str(r.status) != status:
            return False
        if self.region and r.region != self.region:
            return False
        if self.code and r.code != self.code:
            return False
        if self.unit and r.handling_kind != self.unit:
            return False
        if self.site and r.handling_site != self.site:
            return False
        if self.mine is not None and r.assignee != self.mine:
            return False
        return not self.text or self.text.casefold() in r.search_text()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, TicketQueueModel)
        return self.row_accepted(model.ticket(source_row))

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        return bool(a < b)

    def counts(self) -> Counter[str]:
        """Accepted rows per severity (for the header badges)."""
        model = self.sourceModel()
        assert isinstance(model, TicketQueueModel)
        return Counter(str(r.severity) for r in model.rows() if self.row_accepted(r))

    def conflicts(self) -> int:
        """Tickets with an open CONFLICT (whatever the filters), for the filter's label."""
        model = self.sourceModel()
        assert isinstance(model, TicketQueueModel)
        return sum(1 for r in model.rows() if r.in_conflict and not r.withdrawn)

    def ticket_at(self, row: int) -> TicketRow:
        return self.index(row, 0).data(ROW_ROLE)  # type: ignore[no-any-return]
