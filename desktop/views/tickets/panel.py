"""TicketPanel: the watch officer's queue, filters and ticket detail, to be docked by the main window.

It drains the :class:`TicketFeed` every ``drain_ms`` on the GUI thread and applies the changes
to the queue model incrementally; a new critical alarm sounds until acknowledged and raises a
desktop notice. Signal ``jumpToTrip(str)`` carries the order number (the map's trip id).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelection, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import QSplitter, QSystemTrayIcon, QVBoxLayout, QWidget

from desktop.models.catalogue import Severity
from desktop.views.tickets.alarm import AlarmAnnunciator
from desktop.views.tickets.detail import TicketDetail
from desktop.views.tickets.filter_bar import FilterBar
from desktop.views.tickets.queue_header import QueueHeader
from desktop.views.tickets.queue_model import COL_SEVERITY, TicketFilterProxy, TicketQueueModel
from desktop.views.tickets.queue_view import TicketQueueView
from desktop.views.tickets.style import DARK_STYLESHEET
from desktop.workflow.access import User
from desktop.workflow.actions import TicketActions
from desktop.workflow.alarm_rate import AlarmRateMeter
from desktop.workflow.errors import PersistError, WorkflowError
from desktop.workflow.feed import FeedItem, TicketFeed
from desktop.workflow.procedures import Procedure, load_procedures
from desktop.workflow.rows import TicketRow


class TicketPanel(QWidget):
    """Queue + filters + detail of the tickets.

    Args:
        actions: the ticket actions (its ``user`` is set to ``user``); kept as ``ticket_actions``.
        feed: where ticket changes arrive from the ingest side.
        user: the signed-in user (``desktop.auth.accounts.AuthenticatedUser``).
        procedures: per-code guidance (default: desktop/data/procedures.toml).
        tray: a system tray icon for desktop notices, if the main window has one.
        drain_ms: how often the feed is drained.
        operators: officers sharing the queue (for the alarm rate per operator).
        orientation: the queue beside the detail (``Horizontal``, for a wide window) or above it
            (``Vertical``, for a side dock ~360 px wide); :meth:`set_orientation` changes it.
        settings: where the queue's columns and the filter section's state are kept
            (``None``: defaults each time).

    The panel needs no more than ~340 px of width: the header's badges wrap to two rows, the
    less used filters fold away, long texts are elided (whole in their tooltips).
    """

    jumpToTrip = Signal(str)  # noqa: N815 - Qt signal naming
    alarmSounding = Signal(bool)  # noqa: N815

    def __init__(
        self,
        actions: TicketActions,
        feed: TicketFeed,
        user: User,
        parent: QWidget | None = None,
        *,
        procedures: dict[str, Procedure] | None = None,
        tray: QSystemTrayIcon | None = None,
        drain_ms: int = 100,
        operators: int = 1,
        clock: Callable[[], float] = time.time,
        orientation: Qt.Orientation = Qt.Orientation.Horizontal,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.ticket_actions = actions
        self.feed = feed
        self.user = user
        actions.user = user
        self._clock = clock
        self.setStyleSheet(DARK_STYLESHEET)
        self.model = TicketQueueModel(self)
        self.proxy = TicketFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.meter = AlarmRateMeter(operators=operators)
        self.annunciator = AlarmAnnunciator(self, tray=tray)
        self.annunciator.soundingChanged.connect(self.alarmSounding)

        self.header = QueueHeader()
        self.filters = FilterBar(self.proxy, user.username, settings=settings)
        self.view = TicketQueueView()
        self.view.setModel(self.proxy)
        if not self.view.setup_columns(settings):
            self.view.sortByColumn(COL_SEVERITY, Qt.SortOrder.AscendingOrder)
        self.detail = TicketDetail(actions, procedures if procedures is not None else load_procedures())
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.detail)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.set_orientation(orientation)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.filters)
        layout.addWidget(self.splitter, 1)

        self.view.acknowledgeRequested.connect(self.acknowledge)
        self.view.openRequested.connect(self.open_detail)
        self.view.mapRequested.connect(self._map)
        self.view.shelveRequested.connect(self._shelve)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.detail.jumpToTrip.connect(self.jumpToTrip)
        self.detail.acted.connect(lambda _id: self.refresh())
        self.proxy.layoutChanged.connect(self._update_counts)
        self.proxy.rowsInserted.connect(self._update_counts)
        self.proxy.rowsRemoved.connect(self._update_counts)

        self._drain = QTimer(self)
        self._drain.setInterval(drain_ms)
        self._drain.timeout.connect(self.refresh)
        self._drain.start()
        self._tick = QTimer(self)  # shelving expiry, alarm-rate window
        self._tick.setInterval(15_000)
        self._tick.timeout.connect(self._clock_tick)
        self._tick.start()
        self.refresh()
        self._clock_tick()

    # -- layout ----------------------------------------------------------------------------

    @property
    def orientation(self) -> Qt.Orientation:
        return self.splitter.orientation()

    def set_orientation(self, orientation: Qt.Orientation) -> None:
        """Queue beside the detail (``Horizontal``) or above it (``Vertical``, for a side dock)."""
        self.splitter.setOrientation(orientation)
        if orientation == Qt.Orientation.Vertical:
            self.splitter.setSizes([550, 450])  # proportions: the queue first, a little over half
        else:
            self.splitter.setSizes([600, 400])

    def set_stacked(self, stacked: bool) -> None:
        """``set_orientation(Vertical)`` when ``stacked``, else ``Horizontal``."""
        self.set_orientation(Qt.Orientation.Vertical if stacked else Qt.Orientation.Horizontal)

    # -- language --------------------------------------------------------------------------

    def retranslate(self) -> None:
        """The queue model's headers and labels; the child widgets retranslate themselves."""
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- feed → model ----------------------------------------------------------------------

    def refresh(self) -> int:
        """Drain the feed into the model now; returns how many changes were applied."""
        items = self.feed.drain()
        if not items:
            return 0
        new = {i.row.id for i in self.model.apply(items)}
        now = self._clock()
        for item in items:
            self._annunciate(item, item.row.id in new, now)
        current = self.view.current_ticket()
        if current is not None:
            fresh = self.model.find(current.id)
            if fresh is not None and fresh is not self.detail.row:
                self.detail.show_row(fresh)
        self._update_counts()
        return len(items)

    def _annunciate(self, item: FeedItem, is_new: bool, now: float) -> None:
        row = item.row
        fresh_alarm = (is_new and item.change == "raised") or item.escalated_now
        if fresh_alarm:
            self.meter.record(now)
        quiet = not row.state.needs_ack or not row.is_active or row.is_shelved(now)
        if quiet:
            self.annunciator.silence(row.id)
        elif fresh_alarm and row.severity == Severity.CRITICAL:
            self.annunciator.announce(row)

    def _update_counts(self, *_: object) -> None:
        self.header.set_counts(self.proxy.counts())
        self.filters.set_conflicts(self.proxy.conflicts())
        now = self._clock()
        self.header.set_rate(self.meter.rate(now), self.meter.limit)

    def _clock_tick(self) -> None:
        now = self._clock()
        self.model.set_now(now)  # ages
        self.proxy.set_filters(now=now)  # shelving expires
        self._update_counts()

    # -- selection and keys ----------------------------------------------------------------

    def _selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        self.detail.show_row(self.view.current_ticket())

    def select(self, ticket_id: str) -> bool:
        return self.view.select_ticket(ticket_id)

    def acknowledge(self, ticket_id: str) -> None:
        try:
            self.ticket_actions.acknowledge(ticket_id)
        except PersistError as exc:
            self.detail.show_message(str(exc))
        except WorkflowError as exc:
            self.detail.show_message(str(exc))
            return
        self.annunciator.silence(ticket_id)
        self.refresh()

    def open_detail(self, ticket_id: str) -> None:
        row = self.model.find(ticket_id)
        self.detail.show_row(row)
        self.detail.disposition.setFocus()
        self.detail.disposition.focusNextChild()

    def _map(self, ticket_id: str) -> None:
        row: TicketRow | None = self.model.find(ticket_id)
        if row is not None and row.order_no:
            self.jumpToTrip.emit(row.order_no)

    def _shelve(self, ticket_id: str) -> None:
        self.open_detail(ticket_id)
        self.detail.disposition.shelve_reason.setFocus()
