"""The search box: order no. (運送單號碼), plate (車牌) or container no. (貨櫃號碼) → a trip."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from desktop.live.views import TripView

Finder = Callable[[str], list[TripView]]
TRIP_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class SearchBox(QLineEdit):
    """Suggests matching trips while typing; Enter picks the first.

    Signals:
        tripChosen(str): a trip id was picked.
        notFound(str): Enter on a query nothing matches.
    """

    tripChosen = Signal(str)  # noqa: N815 - Qt signal naming
    notFound = Signal(str)  # noqa: N815 - Qt signal naming

    def __init__(self, find: Finder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBox")
        self.setClearButtonEnabled(True)
        self._find = find
        self.model = QStandardItemModel(self)
        self._completer = QCompleter(self.model, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.activated[QModelIndex].connect(self._picked)  # type: ignore[index]
        self.setCompleter(self._completer)
        self.textEdited.connect(self._suggest)
        self.returnPressed.connect(self.submit)
        self.retranslate()

    def suggestions(self, text: str) -> list[TripView]:
        return self._find(text) if text.strip() else []

    def _suggest(self, text: str) -> None:
        self.model.clear()
        for view in self.suggestions(text)[:20]:
            parts = [view.trip_id, view.plate or "", " ".join(view.containers)]
            item = QStandardItem("  ·  ".join(p for p in parts if p))
            item.setData(view.trip_id, TRIP_ID_ROLE)
            self.model.appendRow(item)

    def _picked(self, index: QModelIndex) -> None:
        trip_id = index.data(TRIP_ID_ROLE)
        if isinstance(trip_id, str):
            self.setText(trip_id)
            self.tripChosen.emit(trip_id)

    def submit(self) -> None:
        """Pick the best match of the current text (Enter)."""
        text = self.text()
        found = self.suggestions(text)
        if found:
            popup = self._completer.popup()
            if popup is not None:
                popup.hide()
            self.tripChosen.emit(found[0].trip_id)
        elif text.strip():
            self.notFound.emit(text.strip())

    def retranslate(self) -> None:
        self.setPlaceholderText(self.tr("Order no., plate or container no. (Ctrl+F)"))
        self.setToolTip(self.tr("Search by transport order no., vehicle plate or container no."))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
