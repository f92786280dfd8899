"""What runs behind the main window (Qt-free): the pipeline rebuilt from the store (its message
journal replayed, its tickets reconciled with the stored ones), the ingest service writing into
the store, the feeds the GUI polls, the ticket writer, the upstream mirror and, for ``--demo``,
a private broker with the traffic simulator.

    backend = Backend(sites, roster, config, store=store, broker_url=url)
    backend.prepare()        # replay the journal, restore tickets, feeds, ingest service (not connected)
                             # (``prepare(progress)``: told each stage, and the replay's n of N)
    backend.start()          # connect, mirror, samplers (and the demo traffic)
    ...
    backend.stop()           # everything it started, in order; the store stays open
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Final, TextIO

from desktop.app_broker import console_broker_address
from desktop.app_demo import DemoOptions, DemoTraffic
from desktop.app_mirror import ConsoleMirror
from desktop.app_store import StoredQuarantineReader, StoreSampler, TicketWriter
from desktop.ingest.broker import BrokerAddress
from desktop.ingest.link import ConsoleLink
from desktop.ingest.service import IngestService, IngestStatus
from desktop.live.feed import LiveFeed
from desktop.live.stored_track import StoreTrackSource
from desktop.live.track import ChainedTrackSource, PipelineTrackSource, TrackSource
from desktop.models.clock import SystemClock
from desktop.models.config import DEFAULT_RULES_FILE, RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.models.sites import Roster, SiteIndex, load_roster, load_sites
from desktop.models.ticket import Ticket
from desktop.store.api import Store
from desktop.store.journal_replay import RestoreReport, restore_pipeline
from desktop.workflow.feed import TicketFeed
from desktop.workflow.quarantine import QuarantineReader, QuarantineRow

log = logging.getLogger(__name__)
DATA = Path(__file__).resolve().parent / "data"

__all__ = ["Backend", "DemoOptions", "StartupProgress", "default_console_id", "load_site_data"]

#: start-up stages, in order, as ``progress(stage, done, total)`` reports them
STAGE_STORE: Final = "store"  # opening the store (and the accounts)
STAGE_TRIPS: Final = "trips"  # replaying the journal: ``done`` of ``total`` messages
STAGE_BROKER: Final = "broker"  # starting the demo broker, connecting
STAGE_MAP: Final = "map"  # the window and its map
STARTUP_STAGES: Final = (STAGE_STORE, STAGE_TRIPS, STAGE_BROKER, STAGE_MAP)
#: ``progress(stage, done, total)``, called from whatever thread starts the console (``total``
#: 0: nothing to count); for a start-up splash
StartupProgress = Callable[[str, int, int], None]


def default_console_id() -> str:
    """``console-<host name>``: stable across restarts (the store's events are keyed by it)."""
    return f"console-{socket.gethostname()}"


class Backend:
    """The pipeline and everything that feeds, stores and mirrors it.

    Args:
        sites: sites and gates.
        roster: officers per site.
        config: rule thresholds.
        store: the local store (``None``: nothing is stored or restored; tests of the window).
        broker_url: connect to this broker (``mqtt[s]://...``); ``None`` without ``demo``: offline.
        demo: start a private broker and the simulator instead.
        upstream_url: the mirror's upstream (``None``: local only).
        console_id: this console's id (default: the store's, else :func:`default_console_id`).
    """

    def __init__(
        self,
        sites: SiteIndex,
        roster: Roster | None = None,
        config: RuleConfig | None = None,
        *,
        store: Store | None = None,
        broker_url: str | None = None,
        broker_ca: str | None = None,
        demo: DemoOptions | None = None,
        upstream_url: str | None = None,
        console_id: str | None = None,
        err: TextIO = sys.stderr,
    ) -> None:
        self.sites = sites
        self.store = store
        self.pipeline = Pipeline(
            sites, roster, config or RuleConfig.load(), SystemClock(), quarantine_limit=100_000
        )
        self._broker_url = broker_url
        self._broker_ca = broker_ca
        self._upstream_url = upstream_url
        self.console_id = console_id or (store.console_id if store is not None else default_console_id())
        self.demo = DemoTraffic(sites, roster, demo, err) if demo is not None else None
        self.service: IngestService | None = None
        self._offline_lock = threading.Lock()
        #: the open tickets after the restart (replayed from the journal or restored from the store)
        self.restored: list[Ticket] = []
        self.restart: RestoreReport | None = None
        self.live_feed: LiveFeed | None = None
        self.ticket_feed: TicketFeed | None = None
        self.writer: TicketWriter | None = None
        self.sampler: StoreSampler | None = None
        self.mirror = ConsoleMirror(None)
        self._started = False

    @property
    def lock(self) -> Any:
        """The lock that guards the pipeline (the ingest service's, when there is one)."""
        return self.service.lock if self.service is not None else self._offline_lock

    # -- life cycle ----------------------------------------------------------------------------

    def prepare(self, progress: StartupProgress | None = None) -> None:
        """Rebuild the pipeline from the store (trips, timers and tickets as they were: the
        message journal replayed, see desktop/store/journal_replay.py), create the ingest service
        (not connected) and the feeds, then fire the timers that fell due while the console was
        down (everyone who listens to the ticket book is subscribed by then).

        Args:
            progress: told :data:`STAGE_TRIPS` with the replay's messages done of the journal's
                (at most ~10 times a second), then :data:`STAGE_BROKER` when there is a broker.

        Raises:
            BrokerUrlError: a malformed ``broker_url``.
            BrokerStartError: the demo's broker could not start.
            StoreError, SQLAlchemyError: the store could not be read.
        """
        if self.store is not None:
            replayed = None if progress is None else partial(progress, STAGE_TRIPS)
            self.restart = restore_pipeline(self.store, self.pipeline, progress=replayed)
            self.restored = self.restart.open_tickets
            if self.restored or self.restart.replayed:
                log.info(
                    "restart: %d trips and %d open tickets back (%d journaled messages replayed)",
                    len(self.pipeline.trips),
                    len(self.restored),
                    self.restart.replayed,
                )
        url, mqtt5 = self._broker_url, True
        if progress is not None and (url is not None or self.demo is not None):
            progress(STAGE_BROKER, 0, 0)
        if self.demo is not None:
            url = self.demo.start_broker()
            mqtt5 = self.demo.mqtt5
        if url is not None:
            address = (
                BrokerAddress.parse(url)
                if self.demo is not None
                else console_broker_address(url, self._broker_ca)
            )
            link = ConsoleLink(address, self.console_id, mqtt5=mqtt5)
            self.service = IngestService(self.pipeline, link, store=self.store)
            if self.service.recorder is not None:
                self.service.recorder.adopt(self.pipeline.trips.values())
        # the feeds subscribe before ingest starts (nothing is missed) and see the restored tickets
        self.live_feed = LiveFeed(self.pipeline, self.lock)
        self.ticket_feed = TicketFeed.for_pipeline(self.pipeline)
        if self.store is not None:
            self.writer = TicketWriter(self.store.persist_tickets)
            self.sampler = StoreSampler(self.store)
            self.mirror = ConsoleMirror.configure(
                self.store, self.pipeline.book, self.lock, self._upstream_url, persist=self.writer.persist
            )
        if self.restart is not None and self.restart.replayed:
            with self.lock:  # timers due while the console was down, now that everyone listens
                self.pipeline.advance()

    def start(self) -> None:
        """Connect, start the mirror and the samplers (and the demo traffic)."""
        self._started = True
        if self.sampler is not None:
            self.sampler.start()
        self.mirror.start()
        if self.service is not None:
            self.service.start()
        if self.demo is not None:
            self.demo.start_traffic()

    def stop(self) -> None:
        """Stop everything this backend started (the store stays open: the caller closes it)."""
        if self.demo is not None:
            self.demo.stop_traffic()
        if self.service is not None and self._started:
            self.service.stop()
        if self.writer is not None:
            self.writer.close()
        self.mirror.stop()
        if self.sampler is not None:
            self.sampler.stop()
        if self.demo is not None:
            self.demo.stop_broker()

    # -- what the window reads ---------------------------------------------------------------

    def status(self) -> IngestStatus | None:
        return self.service.status if self.service is not None else None

    def quarantined(self) -> int | None:
        """Quarantined messages: stored ones (earlier runs included) with a store, else this run's."""
        if self.sampler is not None and self.sampler.quarantined is not None:
            return self.sampler.quarantined
        status = self.status()
        return None if status is None else status.rejected

    def mirror_backlog(self) -> int | None:
        return self.mirror.backlog()

    def track_source(self) -> TrackSource:
        """The live pipeline first, then the store (trips retired or from before a restart)."""
        live = PipelineTrackSource(self.pipeline, self.lock)
        if self.store is None:
            return live
        return ChainedTrackSource(live, StoreTrackSource(self.store.trip_track))

    def quarantine_source(self) -> Callable[[], list[QuarantineRow]]:
        """The quarantine browser's source: the store's table, else the pipeline's memory."""
        if self.store is not None:
            return StoredQuarantineReader(self.store.quarantine_rows)
        return QuarantineReader(self.pipeline, self.lock)

    def publish(self) -> Any:
        """``ConsoleLink.publish`` (retained ticket state), or ``None`` offline."""
        return self.service.link.publish if self.service is not None else None


def load_site_data(
    sites_path: Path | None, roster_path: Path | None, rules: Path | None
) -> tuple[SiteIndex, Roster, RuleConfig]:
    """Sites, roster and rules (the bundled demo files by default)."""
    sites = load_sites(sites_path or DATA / "demo_sites.geojson")
    roster = load_roster(roster_path or DATA / "demo_roster.json", sites)
    return sites, roster, RuleConfig.load(rules or DEFAULT_RULES_FILE)
