"""The queue's filters: text and status always in view; region, code, handling unit, site and
"assigned to me" in a collapsible 篩選 / Filters section (a compact grid that fits a narrow dock).

While the section is folded away, its button says how many of its filters are on, so a filter
that hides tickets never goes unnoticed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication as Q
from PySide6.QtCore import QEvent, QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.models.catalogue import CATALOGUE
from desktop.views.tickets.i18n import anomaly_name
from desktop.views.tickets.labels import status_label, unit_label
from desktop.views.tickets.queue_model import (
    STATUS_ACTIVE,
    STATUS_ALL,
    STATUS_CLOSED,
    STATUS_CONFLICT,
    STATUS_SHELVED,
    TicketFilterProxy,
)

REGIONS = ("keelung", "taipei", "taichung", "kaohsiung")
EXPANDED_KEY = "tickets/filtersExpanded"


def region_label(region: str) -> str:
    labels = {
        "keelung": Q.translate("Tickets", "Keelung"),
        "taipei": Q.translate("Tickets", "Taipei"),
        "taichung": Q.translate("Tickets", "Taichung"),
        "kaohsiung": Q.translate("Tickets", "Kaohsiung"),
    }
    return labels.get(region, region)


def _compact(combo: QComboBox, chars: int) -> QComboBox:
    """A combo box that may shrink to ``chars`` characters (its list still shows whole texts)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return combo


class FilterBar(QWidget):
    """Region, code, status, handling unit, site, assigned-to-me and text filters.

    Args:
        proxy: the queue's filter proxy.
        username: whose tickets "assigned to me" shows.
        settings: where the section's folded/unfolded state is kept (``None``: not kept).
    """

    STATUSES = (
        STATUS_ACTIVE,
        STATUS_CONFLICT,
        STATUS_SHELVED,
        "open",
        "acknowledged",
        "dispatched",
        "awaiting_signoff",
        STATUS_CLOSED,
        STATUS_ALL,
    )
    UNITS = ("origin_office", "destination_office", "monitoring_centre")

    expandedChanged = Signal(bool)  # noqa: N815 - Qt signal naming

    def __init__(
        self,
        proxy: TicketFilterProxy,
        username: str,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self._proxy = proxy
        self._username = username
        self._settings = settings
        self._conflicts = 0  # tickets with an open CONFLICT (the filter entry says how many)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 2, 6, 4)
        outer.setSpacing(4)

        top = QHBoxLayout()
        top.setSpacing(6)
        self.text = QLineEdit()
        self.text.setClearButtonEnabled(True)
        self.text.setMinimumWidth(80)
        self.status = _compact(QComboBox(), 5)
        for status in self.STATUSES:
            self.status.addItem("", status)
        self.toggle = QToolButton()
        self.toggle.setObjectName("filterToggle")
        self.toggle.setCheckable(True)
        top.addWidget(self.text, 3)
        top.addWidget(self.status, 2)
        top.addWidget(self.toggle)
        outer.addLayout(top)

        self.section = QWidget()
        self.section.setObjectName("filterSection")
        grid = QGridLayout(self.section)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(4)
        self.region = _compact(QComboBox(), 4)  # item data: the filter value; texts: retranslate()
        for region in ("", *REGIONS):
            self.region.addItem("", region)
        self.unit = _compact(QComboBox(), 4)
        for unit in ("", *self.UNITS):
            self.unit.addItem("", unit)
        self.code = _compact(QComboBox(), 8)
        for code in ("", *CATALOGUE):
            self.code.addItem("", code)
        self.site = QLineEdit()
        self.site.setMinimumWidth(60)
        self.mine = QCheckBox()
        grid.addWidget(self.region, 0, 0)
        grid.addWidget(self.unit, 0, 1)
        grid.addWidget(self.code, 1, 0, 1, 2)
        grid.addWidget(self.site, 2, 0)
        grid.addWidget(self.mine, 2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        outer.addWidget(self.section)

        expanded = settings is not None and settings.value(EXPANDED_KEY, False) in (True, "true", "1", 1)
        self.toggle.setChecked(expanded)
        self.section.setVisible(expanded)
        self.retranslate()
        for combo in (self.region, self.code, self.status, self.unit):
            combo.currentIndexChanged.connect(self._apply)
        self.site.textChanged.connect(self._apply)
        self.text.textChanged.connect(self._apply)
        self.mine.toggled.connect(self._apply)
        self.toggle.toggled.connect(self.set_expanded)

    # -- the section ------------------------------------------------------------------------

    @property
    def expanded(self) -> bool:
        return self.toggle.isChecked()

    def set_expanded(self, on: bool) -> None:
        """Show or fold away the region/code/unit/site/mine filters (they stay in effect)."""
        if self.toggle.isChecked() != on:
            self.toggle.setChecked(on)  # comes back here through toggled
            return
        self.section.setVisible(on)
        if self._settings is not None:
            self._settings.setValue(EXPANDED_KEY, on)
        self._show_toggle()
        self.expandedChanged.emit(on)

    def active_count(self) -> int:
        """How many of the section's filters are on (text and status are always in view)."""
        return sum(
            (
                bool(self.region.currentData()),
                bool(self.code.currentData()),
                bool(self.unit.currentData()),
                bool(self.site.text().strip()),
                self.mine.isChecked(),
            )
        )

    def _show_toggle(self) -> None:
        n = self.active_count()
        arrow = "▾" if self.expanded else "▸"
        label = Q.translate("Tickets", "Filters")
        self.toggle.setText(f"{arrow} {label}" + (f" ({n})" if n else ""))
        self.toggle.setToolTip(
            Q.translate("Tickets", "Region, anomaly code, handling unit, site, assigned to me")
            + ("\n" + Q.translate("Tickets", "{n} of these filters on").format(n=n) if n else "")
        )
        name = "filterToggleActive" if n and not self.expanded else "filterToggle"
        if self.toggle.objectName() != name:
            self.toggle.setObjectName(name)
            self.toggle.style().unpolish(self.toggle)
            self.toggle.style().polish(self.toggle)

    # -- language ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Set every text in the current UI language (the choices and filters stay as they are)."""
        self.region.setItemText(0, Q.translate("Tickets", "All regions"))
        for i, region in enumerate(REGIONS, 1):
            self.region.setItemText(i, region_label(region))
        self.code.setItemText(0, Q.translate("Tickets", "All codes"))
        for i, kind in enumerate(CATALOGUE.values(), 1):
            self.code.setItemText(i, f"{kind.code} {anomaly_name(kind.name_zh, kind.name)[0]}")
        special = {
            STATUS_ACTIVE: Q.translate("Tickets", "Active"),
            STATUS_CONFLICT: self._conflict_entry(),
            STATUS_SHELVED: Q.translate("Tickets", "Shelved"),
            STATUS_CLOSED: Q.translate("Tickets", "Closed"),
            STATUS_ALL: Q.translate("Tickets", "All"),
        }
        for i, status in enumerate(self.STATUSES):
            self.status.setItemText(i, special.get(status) or status_label(status))
        self.unit.setItemText(0, Q.translate("Tickets", "All units"))
        for i, unit in enumerate(self.UNITS, 1):
            self.unit.setItemText(i, unit_label(unit))
        self.status.setToolTip(Q.translate("Tickets", "Status"))
        self.site.setPlaceholderText(Q.translate("Tickets", "Site"))
        self.mine.setText(Q.translate("Tickets", "Assigned to me"))
        self.text.setPlaceholderText(Q.translate("Tickets", "Order, plate or container"))
        self.text.setToolTip(self.text.placeholderText())
        for combo in (self.region, self.code, self.status, self.unit):  # the lists show whole texts
            view = combo.view()
            view.setMinimumWidth(view.sizeHintForColumn(0) + 24)
        self._show_toggle()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _conflict_entry(self) -> str:
        label = Q.translate("Tickets", "⚠ Conflicts", "status filter: tickets with an open CONFLICT")
        return label + (f" ({self._conflicts})" if self._conflicts else "")

    def set_conflicts(self, n: int) -> None:
        """How many tickets have an open CONFLICT: the filter entry shows it, ``⚠ 衝突 (2)``."""
        if n != self._conflicts:
            self._conflicts = n
            self.status.setItemText(self.STATUSES.index(STATUS_CONFLICT), self._conflict_entry())

    def _apply(self, *_: Any) -> None:
        self._proxy.set_filters(
            region=self.region.currentData(),
            code=self.code.currentData(),
            status=self.status.currentData(),
            unit=self.unit.currentData(),
            site=self.site.text().strip().upper(),
            mine=self._username if self.mine.isChecked() else None,
            text=self.text.text().strip(),
        )
        self._show_toggle()
