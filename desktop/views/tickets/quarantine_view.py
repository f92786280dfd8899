"""Quarantine browser: rejected messages with time, topic, device and reason; filter, counts, CSV."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.views.tickets.style import DARK_STYLESHEET
from desktop.workflow.quarantine import QuarantineRow, counts_by_reason, write_csv
from desktop.workflow.rows import fmt_time

Index = QModelIndex | QPersistentModelIndex


def _headers() -> list[str]:
    return [
        Q.translate("Tickets", "Received"),
        Q.translate("Tickets", "Topic"),
        Q.translate("Tickets", "Device"),
        Q.translate("Tickets", "Reason"),
    ]


class QuarantineModel(QAbstractTableModel):
    """The rejected messages, in the order read."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[QuarantineRow] = []
        self.headers = _headers()

    def retranslate(self) -> None:
        """The UI language changed: new header texts."""
        self.headers = _headers()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.headers) - 1)

    def extend(self, rows: Sequence[QuarantineRow]) -> None:
        if rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 4

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (fmt_time(r.received_at), r.topic, r.device, r.reason)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.payload[:2000]
        return None


class _TextFilter(QSortFilterProxyModel):
    text = ""

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, QuarantineModel)
        return model.rows[source_row].matches(self.text)


class QuarantineBrowser(QWidget):
    """Browse rejected messages.

    Args:
        source: returns the records not yet shown (e.g. a reader of ``pipeline.quarantine`` under
            the ingest lock, later the store's quarantine table); called by :meth:`reload`.
    """

    def __init__(self, source: Callable[[], Sequence[QuarantineRow]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(DARK_STYLESHEET)
        self._source = source
        self._status: Callable[[], str] = self._counts_text  # renders the line under the table
        self.model = QuarantineModel(self)
        self.proxy = _TextFilter(self)
        self.proxy.setSourceModel(self.model)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.textChanged.connect(self._filter)
        self.export = QPushButton()
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.export)
        layout.addLayout(bar)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        layout.addWidget(self.counts)
        self.export.clicked.connect(self._export_dialog)
        self.retranslate()
        self.reload()

    def retranslate(self) -> None:
        """Set every text in the current UI language (the window title too: a top-level window
        gets the LanguageChange event like any widget)."""
        self.setWindowTitle(Q.translate("Tickets", "Quarantined messages — JMC Console"))
        self.model.retranslate()
        self.filter.setPlaceholderText(Q.translate("Tickets", "Filter by topic, device, reason or payload"))
        self.export.setText(Q.translate("Tickets", "Export CSV…"))
        self.counts.setText(self._status())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_status(self, render: Callable[[], str]) -> None:
        self._status = render
        self.counts.setText(render())

    def reload(self) -> None:
        self.model.extend(self._source())
        self._show_counts()

    def _filter(self, text: str) -> None:
        self.proxy.beginFilterChange()
        self.proxy.text = text.strip()
        self.proxy.endFilterChange()
        self._show_counts()

    def visible_rows(self) -> list[QuarantineRow]:
        return [
            self.model.rows[self.proxy.mapToSource(self.proxy.index(r, 0)).row()]
            for r in range(self.proxy.rowCount())
        ]

    def _show_counts(self) -> None:
        self._show_status(self._counts_text)

    def _counts_text(self) -> str:
        rows = self.visible_rows()
        parts = [f"{n} × {key}" for key, n in counts_by_reason(rows)[:8]]
        title = Q.translate("Tickets", "{n} rejected; by reason:").format(n=len(rows))
        return title + "  " + " · ".join(parts)

    def export_csv(self, path: Path) -> int:
        """Write the rows shown (filter applied) to ``path``; returns how many."""
        with path.open("w", encoding="utf-8", newline="") as out:
            return write_csv(self.visible_rows(), out)

    def _export_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getSaveFileName(
            self, Q.translate("Tickets", "Export CSV…"), "quarantine.csv", "CSV (*.csv)"
        )
        if name:
            try:
                n = self.export_csv(Path(name))
            except OSError as exc:
                error = str(exc)
                self._show_status(
                    lambda: Q.translate("Tickets", "Export failed: {error}").format(error=error)
                )
                return
            self._show_status(
                lambda: Q.translate("Tickets", "{n} rows written to {path}").format(n=n, path=name)
            )
