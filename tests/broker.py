"""Real Mosquitto brokers for integration tests, no mocks.

* :func:`start_mosquitto` / :func:`stop_mosquitto` for any configuration (the dev broker and
  ``free_port`` are ``desktop.ingest.localbroker``'s, which the demo uses too);
* :func:`make_pki` runs ``broker_config/make_pki.sh``; :func:`production_broker` runs the
  production ``broker_config/mosquitto.conf`` against that PKI, on free loopback ports;
* :class:`Probe`: a small paho-mqtt 2 client (MQTT 5, QoS 1) that records what it receives.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from desktop.ingest.localbroker import BrokerStartError, free_port, mosquitto_exe

ROOT = Path(__file__).resolve().parent.parent
BROKER_CONFIG = ROOT / "broker_config"
MAKE_PKI = BROKER_CONFIG / "make_pki.sh"
HOST = "127.0.0.1"
#: The production listeners: field devices, phone apps, operators (consoles, kiosks, interchange).
DEVICES, APPS, OPERATORS = 8883, 8884, 8885
#: Where the production configuration expects its files (rewritten for a test run).
DEPLOY_DIRS = ("/etc/jmc/broker/", "/var/lib/jmc-broker/", "/var/log/jmc-broker/")


def listener_ports(conf_text: str) -> list[int]:
    """The ports of a configuration's ``listener`` lines."""
    return [int(m.group(1)) for m in re.finditer(r"^listener\s+(\d+)", conf_text, re.MULTILINE)]


def _log_tail(conf_path: Path, conf_text: str) -> str:
    parts = [conf_path.with_suffix(".stderr")]
    parts += [Path(m.group(1)) for m in re.finditer(r"^log_dest file (\S+)", conf_text, re.MULTILINE)]
    return "\n".join(p.read_text(errors="replace")[-3000:] for p in parts if p.exists())


def start_mosquitto(conf_path: Path, timeout: float = 10.0) -> subprocess.Popen[bytes]:
    """Start ``mosquitto -c conf_path``; return once every listener accepts connections.

    Its stderr goes to ``conf_path`` with suffix ``.stderr``. Raises :class:`BrokerStartError`
    (with the log) if it exits or does not listen in time.
    """
    exe = mosquitto_exe()
    if exe is None:
        raise BrokerStartError("mosquitto is not installed (apt-get install mosquitto)")
    text = conf_path.read_text(encoding="utf-8")
    ports = listener_ports(text)
    with conf_path.with_suffix(".stderr").open("wb") as stderr:
        process = subprocess.Popen([exe, "-c", str(conf_path)], stdout=subprocess.DEVNULL, stderr=stderr)
    deadline = time.monotonic() + timeout
    waiting = list(ports)
    while waiting and process.poll() is None and time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, waiting[0]), timeout=0.2):
                waiting.pop(0)
        except OSError:
            time.sleep(0.02)
    if waiting or process.poll() is not None:
        exited = process.poll() is not None
        stop_mosquitto(process)
        why = f"exited with status {process.returncode}" if exited else f"not listening on {waiting}"
        raise BrokerStartError(f"mosquitto -c {conf_path}: {why}\n{_log_tail(conf_path, text)}")
    return process


def stop_mosquitto(process: subprocess.Popen[bytes], timeout: float = 5.0) -> None:
    """SIGTERM (Mosquitto saves its persistence file), then SIGKILL if it does not exit."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _current_user() -> str:
    return pwd.getpwuid(os.getuid()).pw_name


def _start_with_free_ports(write_conf: Callable[[], Path], attempts: int = 3) -> subprocess.Popen[bytes]:
    """``write_conf()`` picks free ports and returns the conf path; retry if a port got taken."""
    for attempt in range(attempts):
        conf_path = write_conf()
        try:
            return start_mosquitto(conf_path)
        except BrokerStartError as exc:
            if "Address already in use" not in str(exc) or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


# ------------------------------------------------------------------------- production --


@dataclass(frozen=True)
class Pki:
    """What ``make_pki.sh OUTDIR`` produced."""

    root: Path

    @property
    def broker_dir(self) -> Path:
        return self.root / "broker"

    @property
    def server_ca(self) -> Path:
        return self.root / "clients" / "server-ca.crt"

    def client(self, identity: str) -> tuple[Path, Path]:
        """(certificate, key) of a device or phone app."""
        return self.root / "clients" / f"{identity}.crt", self.root / "clients" / f"{identity}.key"

    def password(self, account: str) -> str:
        lines = (self.root / "passwords.txt").read_text(encoding="utf-8").splitlines()
        return dict(line.split(" ", 1) for line in lines)[account]


def make_pki(outdir: Path, *args: str) -> Pki:
    """Run ``broker_config/make_pki.sh outdir args...`` (raises with its output if it fails)."""
    done = subprocess.run(["bash", str(MAKE_PKI), str(outdir), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"make_pki.sh failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return Pki(outdir)


def production_conf_text(pki: Pki, data_dir: Path, ports: Mapping[int, int]) -> str:
    """The production configuration with the test's paths, loopback-only listeners on ``ports``
    (production port -> test port) and the current user (no privilege drop)."""
    text = (BROKER_CONFIG / "mosquitto.conf").read_text(encoding="utf-8")
    for prefix, replacement in zip(DEPLOY_DIRS, (pki.broker_dir, data_dir, data_dir), strict=True):
        text = text.replace(prefix, f"{replacement}/")

    def listener(match: re.Match[str]) -> str:
        return f"listener {ports[int(match.group(1))]} {HOST}"

    text = re.sub(r"^listener (\d+)$", listener, text, flags=re.MULTILINE)
    text, n = re.subn(r"^user \S+$", f"user {_current_user()}", text, flags=re.MULTILINE)
    assert n == 1 and "/etc/jmc" not in text and sorted(listener_ports(text)) == sorted(ports.values())
    return text


@dataclass
class ProductionBroker:
    """A running production configuration: ``port[8883]`` is the test port of listener 8883.
    Its methods make (unconnected) clients with the credentials of ``pki``."""

    port: dict[int, int]
    process: subprocess.Popen[bytes]
    conf: Path
    pki: Pki

    def device(self, identity: str, **options: Any) -> Probe:
        """A field device with its certificate, on the devices' listener."""
        return Probe(
            self.port[DEVICES], tls=tls_context(self.pki.server_ca, *self.pki.client(identity)), **options
        )

    def app(self, identity: str) -> Probe:
        """A phone-app install with its certificate, on the apps' listener."""
        return Probe(self.port[APPS], tls=tls_context(self.pki.server_ca, *self.pki.client(identity)))

    def operator(self, account: str, **options: Any) -> Probe:
        """A console, kiosk or the interchange with its password, on the operators' listener."""
        tls, password = tls_context(self.pki.server_ca), self.pki.password(account)
        return Probe(self.port[OPERATORS], tls=tls, username=account, password=password, **options)


@contextlib.contextmanager
def production_broker(pki: Pki, workdir: Path) -> Iterator[ProductionBroker]:
    """Mosquitto with ``broker_config/mosquitto.conf`` rewritten for ``pki``, on free ports."""
    data_dir = workdir / "broker-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    conf = workdir / "mosquitto.conf"
    ports: dict[int, int] = {}

    def write() -> Path:
        ports.clear()
        ports.update({p: free_port() for p in (DEVICES, APPS, OPERATORS)})
        conf.write_text(production_conf_text(pki, data_dir, ports), encoding="utf-8")
        return conf

    process = _start_with_free_ports(write)
    try:
        yield ProductionBroker(dict(ports), process, conf, pki)
    finally:
        stop_mosquitto(process)


# ----------------------------------------------------------------------------- clients --


def tls_context(ca: Path, cert: Path | None = None, key: Path | None = None) -> ssl.SSLContext:
    """Client TLS: verify the broker against ``ca`` (and its name), optionally present a cert."""
    context = ssl.create_default_context(cafile=str(ca))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if cert is not None:
        context.load_cert_chain(str(cert), str(key) if key else None)
    return context


class Probe:
    """An MQTT client (5, or 3.1.1) that publishes and subscribes at QoS 1 and records messages.

    ``connect()`` reports a refusal (bad certificate, bad password, TLS alert) as ``False``
    with the reason in ``refusal`` rather than raising.
    """

    def __init__(
        self,
        port: int,
        *,
        tls: ssl.SSLContext | None = None,
        username: str | None = None,
        password: str | None = None,
        client_id: str = "",
        session_expiry: int = 0,
        protocol: MQTTProtocolVersion = MQTTProtocolVersion.MQTTv5,
    ) -> None:
        self.port = port
        self.session_expiry = session_expiry
        self.protocol = protocol
        self.refusal = ""
        self.messages: list[tuple[str, bytes]] = []
        self._changed = threading.Condition()
        self._connack: ReasonCode | None = None
        self.lost = False  # the broker closed a connection it had accepted, or refused it
        self._subacks: dict[int, list[ReasonCode]] = {}
        v5 = protocol == MQTTProtocolVersion.MQTTv5
        client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=protocol,
            clean_session=None if v5 else session_expiry == 0,  # MQTT 3.1.1: a session if expiry
        )
        client.max_inflight_messages_set(100)
        if tls is not None:
            client.tls_set_context(tls)
        if username is not None:
            client.username_pw_set(username, password)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        self.client = client

    # -- paho callbacks (network thread) --

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, rc: ReasonCode, _: Any) -> None:
        with self._changed:
            self._connack = rc
            self._changed.notify_all()

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, rc: ReasonCode, _: Any) -> None:
        with self._changed:
            self.lost = True
            self._changed.notify_all()

    def _on_subscribe(
        self, client: mqtt.Client, userdata: Any, mid: int, rcs: list[ReasonCode], _: Any
    ) -> None:
        with self._changed:
            self._subacks[mid] = list(rcs)
            self._changed.notify_all()

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        with self._changed:
            self.messages.append((message.topic, bytes(message.payload)))
            self._changed.notify_all()

    # -- API --

    def wait(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``condition()`` holds (True) or ``timeout`` seconds pass (False)."""
        with self._changed:
            return bool(self._changed.wait_for(condition, timeout))

    @property
    def connected(self) -> bool:
        return self._connack is not None and not self._connack.is_failure and not self.lost

    def connect(self, timeout: float = 5.0) -> bool:
        """Connect; True once the broker accepted (CONNACK success), False if it refused."""
        try:
            if self.protocol == MQTTProtocolVersion.MQTTv5:
                props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
                props.SessionExpiryInterval = self.session_expiry
                clean = self.session_expiry == 0
                self.client.connect(HOST, self.port, keepalive=30, clean_start=clean, properties=props)
            else:
                self.client.connect(HOST, self.port, keepalive=30)
        except OSError as exc:  # includes ssl.SSLError: refused during the TLS handshake
            self.refusal = f"{type(exc).__name__}: {exc}"
            return False
        deadline = time.monotonic() + timeout  # drive the network by hand until CONNACK or loss
        while self._connack is None and not self.lost and time.monotonic() < deadline:
            self.client.loop(timeout=0.05)
        if not self.connected:
            self.refusal = f"CONNACK {self._connack}" if self._connack is not None else "connection closed"
            self._drop()
            return False
        self.client.loop_start()
        return True

    def subscribe(self, *filters: str, timeout: float = 5.0) -> list[ReasonCode]:
        """Subscribe at QoS 1; return the SUBACK reason codes."""
        _, mid = self.client.subscribe([(f, 1) for f in filters])
        assert mid is not None, f"not subscribed to {filters} (not connected?)"
        assert self.wait(lambda: mid in self._subacks, timeout), f"no SUBACK for {filters}"
        return self._subacks[mid]

    def publish(self, topic: str, payload: bytes, *, retain: bool = False, timeout: float = 5.0) -> None:
        """Publish at QoS 1 and wait for the PUBACK (which a denied publish gets too)."""
        info = self.client.publish(topic, payload, qos=1, retain=retain)
        info.wait_for_publish(timeout)
        assert info.is_published(), f"no PUBACK for {topic}"

    def received(self, topic: str, payload: bytes | None = None) -> bool:
        with self._changed:
            return any(t == topic and payload in (None, p) for t, p in self.messages)

    def wait_for(self, topic: str, payload: bytes | None = None, timeout: float = 5.0) -> bool:
        return self.wait(lambda: any(t == topic and payload in (None, p) for t, p in self.messages), timeout)

    def _drop(self) -> None:
        """Close a connection that was refused or never completed (no network thread yet)."""
        with contextlib.suppress(Exception):
            self.client.disconnect()
            self.client.loop(timeout=0.01)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.disconnect()
        self.client.loop_stop()

    def __enter__(self) -> Probe:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connects(port: int, **options: Any) -> tuple[bool, str]:
    """Whether a client with these :class:`Probe` options is accepted, and why not."""
    with Probe(port, **options) as probe:
        return probe.connect(), probe.refusal


@contextlib.contextmanager
def online(*probes: Probe) -> Iterator[None]:
    """Connect every probe (failing if one is refused); disconnect them all afterwards."""
    with contextlib.ExitStack() as stack:
        for probe in probes:
            stack.enter_context(probe)
            assert probe.connect(), f"refused: {probe.refusal}"
        yield
