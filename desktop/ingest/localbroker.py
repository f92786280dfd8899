"""A private loopback broker for the demo and the tests: Mosquitto with
``broker_config/dev.conf`` on a free port, or, when Mosquitto is not installed, the
pure-Python amqtt broker (for demonstration only)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEV_CONF = Path(__file__).resolve().parents[2] / "broker_config" / "dev.conf"


class BrokerStartError(RuntimeError):
    """The broker could not be started; the message says why."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mosquitto_available() -> bool:
    """Whether a Mosquitto binary can be found."""
    return mosquitto_exe() is not None


def mosquitto_exe() -> str | None:
    """The Mosquitto binary (Debian puts it in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin:/usr/local/sbin")


def wait_for_port(port: int, timeout: float = 10.0, host: str = "127.0.0.1") -> None:
    """Wait until something accepts connections on ``host:port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.2):
            return
        time.sleep(0.05)
    raise BrokerStartError(f"nothing is listening on {host}:{port} after {timeout:g} s")


def dev_conf_text(port: int, data_dir: Path) -> str:
    """``broker_config/dev.conf`` with its listener on ``port`` and persistence in ``data_dir``."""
    base = DEV_CONF.read_text(encoding="utf-8") if DEV_CONF.exists() else "allow_anonymous true\n"
    kept = [
        line
        for line in base.splitlines()
        if not line.strip().startswith(("listener", "persistence", "pid_file", "log_dest file", "user "))
    ]
    extra = [
        "",
        "# added by desktop/ingest/localbroker.py",
        f"listener {port} 127.0.0.1",
        "persistence true",
        f"persistence_location {data_dir}/",
    ]
    if os.geteuid() == 0:  # Mosquitto would drop to the `mosquitto` user, who cannot write DIR
        extra.append(f"user {pwd.getpwuid(os.geteuid()).pw_name}")
    if "max_queued_messages" not in base:  # the default (1,000) silently drops a queue
        extra.append("max_queued_messages 4000000")
    return "\n".join([*kept, *extra]) + "\n"


class LocalMosquitto:
    """Mosquitto on 127.0.0.1 with the project's dev configuration (persistent, restartable)."""

    def __init__(self, workdir: Path | None = None, port: int | None = None) -> None:
        exe = shutil.which("mosquitto") or (
            "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
        )
        if exe is None:
            raise BrokerStartError("mosquitto is not installed (apt-get install mosquitto)")
        self.exe = exe
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="jmc-broker-")
        self.workdir = Path(workdir or self._tmp.name)  # type: ignore[union-attr]
        self.port = port or free_port()
        self.conf = self.workdir / "mosquitto.conf"
        self.conf.write_text(dev_conf_text(self.port, self.workdir), encoding="utf-8")
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> LocalMosquitto:
        self._process = subprocess.Popen(
            [self.exe, "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "mosquitto.log").open("ab"),
        )
        try:
            wait_for_port(self.port)
        except BrokerStartError:
            self.stop()
            log_text = (self.workdir / "mosquitto.log").read_text(errors="replace")[-2000:]
            raise BrokerStartError(f"mosquitto did not start on port {self.port}:\n{log_text}") from None
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the broker (SIGTERM lets it save its persistence file)."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> LocalMosquitto:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


class LocalAmqtt:
    """The pure-Python amqtt broker on a thread: for demonstration only, when no Mosquitto."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._broker: Any = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> LocalAmqtt:
        try:
            from amqtt.broker import Broker  # type: ignore[import-untyped]
        except ImportError as exc:
            raise BrokerStartError("neither mosquitto nor amqtt is installed") from exc
        config = {
            "listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{self.port}"}},
            "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
        }
        logging.getLogger("amqtt").setLevel(logging.CRITICAL)  # it logs our port probes as errors
        loop = self._loop = asyncio.new_event_loop()
        self._broker = Broker(config, loop=loop)
        self._thread = threading.Thread(target=loop.run_forever, name="amqtt", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._broker.start(), loop).result(10)
        wait_for_port(self.port)
        return self

    def close(self) -> None:
        if self._loop is None:
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._broker.shutdown(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(5)
        self._loop = None

    def __enter__(self) -> LocalAmqtt:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
