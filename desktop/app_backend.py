"""What runs behind the main window (Qt-free): the pipeline, the ingest service and, for
``jmc-console gui --demo``, a private broker with the traffic simulator (the pieces of
``jmc-console demo``)."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from desktop import demo as demo_cli
from desktop.ingest.broker import BrokerAddress
from desktop.ingest.link import ConsoleLink
from desktop.ingest.localbroker import LocalAmqtt, LocalMosquitto
from desktop.ingest.service import IngestService, IngestStatus
from desktop.models.clock import SystemClock
from desktop.models.config import DEFAULT_RULES_FILE, RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.models.sites import Roster, SiteIndex, load_roster, load_sites
from desktop.sim.anomalies import AnomalyRates
from desktop.sim.engine import Simulator
from desktop.sim.publish import MqttPublisher, run_paced

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class DemoOptions:
    vehicles: int = 300
    seed: int = 1
    interval_s: float = 30.0
    anomaly_rate: float = 0.05
    speed: float = 10.0
    use_amqtt: bool = False


class Backend:
    """The pipeline and, once started, the ingest service (and the demo's broker and simulator).

    Args:
        sites: sites and gates.
        roster: officers per site.
        config: rule thresholds.
        broker_url: connect to this broker (``mqtt[s]://...``); ``None`` with ``demo`` unset: offline.
        demo: start a private broker and the simulator instead.
    """

    def __init__(
        self,
        sites: SiteIndex,
        roster: Roster | None = None,
        config: RuleConfig | None = None,
        *,
        broker_url: str | None = None,
        demo: DemoOptions | None = None,
        console_id: str | None = None,
        err: TextIO = sys.stderr,
    ) -> None:
        self.sites = sites
        self._roster = roster
        self.pipeline = Pipeline(
            sites, roster, config or RuleConfig.load(), SystemClock(), quarantine_limit=100_000
        )
        self._broker_url = broker_url
        self._demo = demo
        self._console_id = console_id or f"console-{socket.gethostname()}"
        self._err = err
        self._stop = threading.Event()
        self.broker: LocalMosquitto | LocalAmqtt | None = None
        self.service: IngestService | None = None
        self._publisher: MqttPublisher | None = None
        self._feeder: threading.Thread | None = None
        self._offline_lock = threading.Lock()

    @property
    def lock(self) -> Any:
        """The lock that guards the pipeline (the ingest service's, when there is one)."""
        # IngestService keeps its pipeline lock private; the feed and the track source need it
        return self.service._lock if self.service is not None else self._offline_lock

    def prepare(self) -> None:
        """Create the ingest service (not yet connected), starting the demo broker if asked.

        Raises:
            BrokerUrlError: a malformed ``broker_url``.
        """
        url = self._broker_url
        mqtt5 = True
        if self._demo is not None:
            self.broker = demo_cli.start_broker(self._err, not self._demo.use_amqtt)
            url = self.broker.url
            mqtt5 = isinstance(self.broker, LocalMosquitto)
        if url is None:
            return
        address = BrokerAddress.parse(url)
        self.service = IngestService(self.pipeline, ConsoleLink(address, self._console_id, mqtt5=mqtt5))

    def start(self) -> None:
        """Connect (and start the demo traffic)."""
        if self.service is None:
            return
        self.service.start()
        if self._demo is None or self.broker is None:
            return
        options = self._demo
        address = BrokerAddress.parse(self.broker.url)
        sim = Simulator(
            self.sites, self._roster, vehicles=options.vehicles, seed=options.seed,
            interval_s=options.interval_s, rates=AnomalyRates.uniform(options.anomaly_rate),
            start=time.time() - 2 * 3600.0,
            seq_base=int(time.time()) * 10,
        )  # fmt: skip
        self._publisher = MqttPublisher(address, client_id="gui-demo-simulator", stop=self._stop)
        self._publisher.connect()
        self._feeder = threading.Thread(
            target=run_paced, args=(sim, self._publisher),
            kwargs={"speed": options.speed, "stop": self._stop, "report_every_s": 3600.0},
            name="demo-simulator", daemon=True,
        )  # fmt: skip
        self._feeder.start()

    def status(self) -> IngestStatus | None:
        return self.service.status if self.service is not None else None

    def stop(self) -> None:
        """Stop everything this backend started."""
        self._stop.set()
        if self._publisher is not None:
            with contextlib.suppress(Exception):
                self._publisher.close(flush_s=1.0)
        if self._feeder is not None:
            self._feeder.join(5.0)
        if self.service is not None:
            self.service.stop()
        if self.broker is not None:
            self.broker.close()


def load_site_data(
    sites_path: Path | None, roster_path: Path | None, rules: Path | None
) -> tuple[SiteIndex, Roster, RuleConfig]:
    """Sites, roster and rules (the bundled demo files by default)."""
    sites = load_sites(sites_path or DATA / "demo_sites.geojson")
    roster = load_roster(roster_path or DATA / "demo_roster.json", sites)
    return sites, roster, RuleConfig.load(rules or DEFAULT_RULES_FILE)
