"""What ``jmc-console gui --demo`` (and ``jmc-console demo`` on a display) adds (Qt-free): a
private broker with the traffic simulator, a throw-away store, and demo accounts.

Demo accounts get random passwords, printed once on the terminal and kept nowhere else (the
store holds only their argon2id hashes, in a temporary folder deleted when the demo ends).
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TextIO

from desktop import demo as demo_cli
from desktop.auth.accounts import AccountService, AuthenticatedUser
from desktop.auth.roles import role_label
from desktop.ingest.broker import BrokerAddress
from desktop.ingest.localbroker import LocalAmqtt, LocalMosquitto
from desktop.models.sites import Roster, SiteIndex
from desktop.sim.anomalies import AnomalyRates
from desktop.sim.engine import Simulator
from desktop.sim.publish import MqttPublisher, run_paced
from desktop.store.users_schema import UserRole


@dataclass(frozen=True, slots=True)
class DemoOptions:
    vehicles: int = 300
    seed: int = 1
    interval_s: float = 30.0
    anomaly_rate: float = 0.05
    speed: float = 10.0
    use_amqtt: bool = False


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    display_name: str
    role: UserRole


#: the officer the demo signs in, then the supervisors a tester can sign in as (Tickets → Sign in as…)
DEMO_OFFICER: Final = DemoAccount("demo.officer", "示範值班關員", UserRole.WATCH_OFFICER)
DEMO_ACCOUNTS: Final = (
    DEMO_OFFICER,
    DemoAccount("demo.section", "示範股長", UserRole.SECTION_CHIEF),
    DemoAccount("demo.division", "示範課長", UserRole.DIVISION_CHIEF),
    DemoAccount("demo.head", "示範一級主管", UserRole.HEAD_OF_UNIT),
)


def demo_password() -> str:
    """A random password that meets the policy (16 URL-safe characters, ~96 bits)."""
    while True:
        password = secrets.token_urlsafe(12)
        if len(set(password)) > 1:
            return password


def create_demo_accounts(accounts: AccountService, out: TextIO = sys.stdout) -> AuthenticatedUser:
    """Create the demo accounts, print their passwords once, and sign the demo officer in."""
    passwords = {a.username: demo_password() for a in DEMO_ACCOUNTS}
    for account in DEMO_ACCOUNTS:
        accounts.create(account.username, account.display_name, account.role, passwords[account.username])
    print(
        "示範帳號（密碼只顯示這一次，不存檔）/ demo accounts (passwords shown only now, saved nowhere):",
        file=out,
    )
    for account in DEMO_ACCOUNTS:
        roles = f"{role_label(account.role, 'zh_TW')} / {role_label(account.role, 'en')}"
        note = "  ← 已登入 signed in" if account is DEMO_OFFICER else ""
        print(
            f"  {account.username:<14} {passwords[account.username]}  {account.display_name} ({roles}){note}",
            file=out,
        )
    print(
        "簽核請由選單「案件 → 以其他身分登入…」切換 / to sign off: Tickets → Sign in as…",
        file=out,
        flush=True,
    )
    return accounts.authenticate(DEMO_OFFICER.username, passwords[DEMO_OFFICER.username])


class DemoFolder:
    """A temporary folder for the demo's store, deleted on :meth:`close`."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="jmc-demo-"))

    @property
    def db_path(self) -> Path:
        return self.path / "console.sqlite3"

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


class DemoTraffic:
    """A private broker (Mosquitto, else amqtt) and the simulator publishing into it."""

    def __init__(self, sites: SiteIndex, roster: Roster | None, options: DemoOptions, err: TextIO) -> None:
        self._sites = sites
        self._roster = roster
        self.options = options
        self._err = err
        self._stop = threading.Event()
        self.broker: LocalMosquitto | LocalAmqtt | None = None
        self._publisher: MqttPublisher | None = None
        self._feeder: threading.Thread | None = None

    def start_broker(self) -> str:
        """Start the broker; return its URL.

        Raises:
            BrokerStartError: neither broker could start.
        """
        self.broker = demo_cli.start_broker(self._err, not self.options.use_amqtt)
        return self.broker.url

    @property
    def mqtt5(self) -> bool:
        return isinstance(self.broker, LocalMosquitto)  # amqtt speaks MQTT 3.1.1 only

    def start_traffic(self) -> None:
        """Start the simulator two hours back, so that trips are under way at once."""
        assert self.broker is not None, "start_broker() first"
        options = self.options
        sim = Simulator(
            self._sites, self._roster, vehicles=options.vehicles, seed=options.seed,
            interval_s=options.interval_s, rates=AnomalyRates.uniform(options.anomaly_rate),
            start=time.time() - 2 * 3600.0, seq_base=int(time.time()) * 10,
        )  # fmt: skip
        address = BrokerAddress.parse(self.broker.url)
        self._publisher = MqttPublisher(address, client_id="gui-demo-simulator", stop=self._stop)
        self._publisher.connect()
        self._feeder = threading.Thread(
            target=run_paced, args=(sim, self._publisher),
            kwargs={"speed": options.speed, "stop": self._stop, "report_every_s": 3600.0},
            name="demo-simulator", daemon=True,
        )  # fmt: skip
        self._feeder.start()

    def stop_traffic(self) -> None:
        self._stop.set()
        if self._publisher is not None:
            with contextlib.suppress(Exception):
                self._publisher.close(flush_s=1.0)
            self._publisher = None
        if self._feeder is not None:
            self._feeder.join(5.0)
            self._feeder = None

    def stop_broker(self) -> None:
        if self.broker is not None:
            self.broker.close()
            self.broker = None
