"""The production broker configuration (broker_config/) against a real Mosquitto: who may
connect on which listener, and what each kind of client may publish and read. No mocks.

Denied publishes are acknowledged by Mosquitto like allowed ones, so every check is made on a
subscriber: a sequence of publishes ends with an allowed one, and once the subscriber has that
one, everything published before it that was going to be delivered has been (one broker
thread, publishes in PUBACK order).
"""

from __future__ import annotations

import json
import re
import signal
import stat
import subprocess
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from paho.mqtt.enums import MQTTProtocolVersion

from desktop.ingest.localbroker import LocalMosquitto
from tests.broker import (
    APPS,
    BROKER_CONFIG,
    DEVICES,
    OPERATORS,
    Pki,
    Probe,
    ProductionBroker,
    connects,
    make_pki,
    mosquitto_exe,
    online,
    production_broker,
    tls_context,
)

pytestmark = pytest.mark.skipif(
    mosquitto_exe() is None, reason="the mosquitto binary is not installed (apt-get install mosquitto)"
)

DEVICE_IDS = ("OBU-KL-77", "OBU-KL-78", "VS-KL-77", "GATE-KL-1", "OBU-KL-98", "OBU-KL-99")
REVOKED = "OBU-KL-99"  # before the broker starts; OBU-KL-98 while it runs


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    root = tmp_path_factory.mktemp("pki")
    make_pki(
        root,
        *("--devices", ",".join(DEVICE_IDS), "--apps", "APP-7"),
        *("--consoles", "console-1,console-2,console-q", "--kiosks", "kiosk-keelung-1"),
        *("--interchange", "interchange", "--days", "2"),
    )
    return make_pki(root, "--revoke", REVOKED)


@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """Another deployment's PKI: same ids, different CAs."""
    return make_pki(tmp_path_factory.mktemp("other-pki"), "--devices", "OBU-KL-77", "--consoles", "console-1")


@pytest.fixture(scope="module")
def broker(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProductionBroker]:
    with production_broker(pki, tmp_path_factory.mktemp("broker")) as running:
        yield running


@dataclass(frozen=True)
class Case:
    """``by`` publishes ``payload`` (default: unique) on ``topic``; ``allowed``: must arrive."""

    by: Probe
    topic: str
    allowed: bool
    payload: bytes = b""


def check_publications(watcher: Probe, cases: Sequence[Case]) -> None:
    """Publish the cases in order; the watcher must get exactly the allowed ones."""
    assert cases[-1].allowed, "the last case must be allowed: it tells when the others had their chance"
    nonce = uuid.uuid4().hex
    sent = [
        (case, case.payload or json.dumps({"test": nonce, "case": i}).encode())
        for i, case in enumerate(cases)
    ]
    for case, payload in sent:
        case.by.publish(case.topic, payload)
    last = sent[-1]
    assert watcher.wait_for(last[0].topic, last[1]), f"the allowed {last[0].topic} never arrived"
    delivered = [
        (i, case.topic) for i, (case, payload) in enumerate(sent) if watcher.received(case.topic, payload)
    ]
    assert delivered == [(i, case.topic) for i, case in enumerate(cases) if case.allowed]


# ------------------------------------------------------------------------ who connects --


def legitimate_probe(broker: ProductionBroker, listener: int) -> Probe:
    """The listener's rightful client: the control of each refusal test."""
    if listener == OPERATORS:
        return broker.operator("console-1")
    return broker.device("OBU-KL-77") if listener == DEVICES else broker.app("APP-7")


@pytest.mark.parametrize("listener", [DEVICES, APPS, OPERATORS])
def test_anonymous_clients_are_refused_on_every_listener(
    broker: ProductionBroker, pki: Pki, listener: int
) -> None:
    port = broker.port[listener]
    accepted, why = connects(port, tls=tls_context(pki.server_ca))  # TLS, no certificate, no user
    assert not accepted, "anonymous TLS client accepted"
    assert not connects(port)[0], "plain MQTT (no TLS) accepted"
    with legitimate_probe(broker, listener) as control:  # the same client setup, with credentials
        assert control.connect(), f"legitimate client refused: {control.refusal} (anonymous: {why})"


@pytest.mark.parametrize(
    ("listener", "issuer", "identity"),
    [(DEVICES, "stranger", "OBU-KL-77"), (DEVICES, "pki", "APP-7"), (APPS, "pki", "OBU-KL-77")],
    ids=["device-cert-from-another-ca", "app-cert-on-device-listener", "device-cert-on-app-listener"],
)
def test_a_certificate_from_another_ca_is_refused(
    broker: ProductionBroker, pki: Pki, stranger: Pki, listener: int, issuer: str, identity: str
) -> None:
    cert, key = (stranger if issuer == "stranger" else pki).client(identity)
    accepted, _ = connects(broker.port[listener], tls=tls_context(pki.server_ca, cert, key))
    assert not accepted, f"{identity}'s certificate from the {issuer} CA accepted"
    with legitimate_probe(broker, listener) as control:
        assert control.connect(), control.refusal


def test_a_revoked_device_certificate_is_refused(broker: ProductionBroker, pki: Pki) -> None:
    [cert] = (pki.root / "clients" / "revoked").glob(f"{REVOKED}.*.crt")
    chain_ok = subprocess.run(
        ["openssl", "verify", "-CAfile", str(pki.broker_dir / "device-ca.crt"), str(cert)],
        capture_output=True,
    )
    assert chain_ok.returncode == 0, "the revoked certificate should otherwise be valid"
    accepted, _ = connects(
        broker.port[DEVICES], tls=tls_context(pki.server_ca, cert, cert.with_suffix(".key"))
    )
    assert not accepted, "a revoked certificate was accepted (crlfile not effective)"


def test_a_revocation_takes_effect_on_sighup(broker: ProductionBroker, pki: Pki) -> None:
    port, tls = broker.port[DEVICES], tls_context(pki.server_ca, *pki.client("OBU-KL-98"))
    assert connects(port, tls=tls)[0]
    make_pki(pki.root, "--revoke", "OBU-KL-98")  # writes a new broker/device-ca.crl
    broker.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 5
    while connects(port, tls=tls)[0]:
        assert time.monotonic() < deadline, "still accepted 5 s after SIGHUP"
        time.sleep(0.05)


def test_operators_need_their_own_password(broker: ProductionBroker, pki: Pki) -> None:
    port, tls = broker.port[OPERATORS], tls_context(pki.server_ca)
    assert not connects(port, tls=tls, username="console-1", password="wrong-password")[0]
    assert not connects(port, tls=tls, username="console-1", password=pki.password("console-2"))[0]
    assert not connects(port, tls=tls, username="console-9", password=pki.password("console-1"))[0]
    assert connects(port, tls=tls, username="console-1", password=pki.password("console-1"))[0]


# ------------------------------------------------------------------ who publishes what --


def test_a_device_publishes_only_on_its_own_topics(broker: ProductionBroker) -> None:
    obu, seal, gate = (broker.device(i) for i in ("OBU-KL-77", "VS-KL-77", "GATE-KL-1"))
    watcher = broker.operator("console-2")
    with online(obu, seal, gate, watcher):
        watcher.subscribe("jmc/v1/#")
        check_publications(
            watcher,
            [
                Case(obu, "jmc/v1/keelung/obu/OBU-KL-78/telemetry", False),  # another OBU
                Case(obu, "jmc/v1/keelung/seal/VS-KL-77/status", False),
                Case(obu, "jmc/v1/keelung/nfc/VS-KL-77/read", False),
                Case(obu, "jmc/v1/keelung/order/ORD-1", False),
                Case(obu, "jmc/v1/keelung/ticket/T-1", False),
                Case(obu, "jmc/v1/console/console-1/status", False),
                Case(seal, "jmc/v1/keelung/seal/VS-KL-77/status", True),
                Case(seal, "jmc/v1/keelung/seal/VS-KL-77/event", True),
                Case(seal, "jmc/v1/keelung/obu/OBU-KL-77/telemetry", False),
                Case(gate, "jmc/v1/keelung/gate/GATE-KL-2/pass", False),
                Case(gate, "jmc/v1/keelung/gate/GATE-KL-1/pass", True),
                Case(obu, "jmc/v1/keelung/obu/OBU-KL-77/telemetry", True),  # its own
            ],
        )


def test_devices_and_apps_read_nothing(broker: ProductionBroker) -> None:
    obu, other = broker.device("OBU-KL-77"), broker.device("OBU-KL-78")
    phone, watcher = broker.app("APP-7"), broker.operator("console-2")
    with online(obu, other, phone, watcher):
        for probe in (other, phone, watcher):
            probe.subscribe("jmc/v1/#")
        payload = uuid.uuid4().bytes
        obu.publish("jmc/v1/keelung/obu/OBU-KL-77/telemetry", payload)
        assert watcher.wait_for("jmc/v1/keelung/obu/OBU-KL-77/telemetry", payload)
        # no sentinel can reach a client that may read nothing: give them a grace period
        assert not other.wait(lambda: bool(other.messages), 0.3), other.messages
        assert not phone.messages


def test_a_phone_app_publishes_nfc_reads_only(broker: ProductionBroker) -> None:
    phone, watcher = broker.app("APP-7"), broker.operator("console-2")
    with online(phone, watcher):
        watcher.subscribe("jmc/v1/#")
        check_publications(
            watcher,
            [
                Case(phone, "jmc/v1/keelung/obu/APP-7/telemetry", False),  # its own id, wrong kind
                Case(phone, "jmc/v1/keelung/seal/APP-7/status", False),
                Case(phone, "jmc/v1/keelung/gate/APP-7/pass", False),
                Case(phone, "jmc/v1/keelung/order/ORD-2", False),
                Case(phone, "jmc/v1/keelung/nfc/PS-KL-1/read", True),
                Case(phone, "jmc/v1/kaohsiung/nfc/PS-KH-9/read", True),
            ],
        )


def test_only_the_interchange_account_publishes_orders(broker: ProductionBroker) -> None:
    obu, phone = broker.device("OBU-KL-77"), broker.app("APP-7")
    console, kiosk = broker.operator("console-1"), broker.operator("kiosk-keelung-1")
    interchange, watcher = broker.operator("interchange"), broker.operator("console-2")
    with online(obu, phone, console, kiosk, interchange, watcher):
        watcher.subscribe("jmc/v1/#")
        check_publications(
            watcher,
            [
                Case(obu, "jmc/v1/keelung/order/ORD-3", False),
                Case(phone, "jmc/v1/keelung/order/ORD-3", False),
                Case(console, "jmc/v1/keelung/order/ORD-3", False),
                Case(kiosk, "jmc/v1/keelung/order/ORD-3", False),
                Case(interchange, "jmc/v1/keelung/order/ORD-3", True),
                Case(interchange, "jmc/v1/keelung/ticket/T-3", False),
                Case(interchange, "jmc/v1/keelung/obu/interchange/telemetry", False),
                Case(interchange, "jmc/v1/taichung/order/ORD-4", True),
            ],
        )


def test_a_console_publishes_tickets_and_its_own_status_only(broker: ProductionBroker) -> None:
    console, watcher = broker.operator("console-1"), broker.operator("console-2")
    with online(console, watcher):
        watcher.subscribe("jmc/v1/#")
        check_publications(
            watcher,
            [
                Case(console, "jmc/v1/keelung/seal/VS-KL-77/status", False),
                Case(console, "jmc/v1/keelung/seal/VS-KL-77/event", False),
                Case(console, "jmc/v1/keelung/obu/OBU-KL-77/telemetry", False),
                Case(console, "jmc/v1/keelung/nfc/VS-KL-77/read", False),
                Case(console, "jmc/v1/keelung/kiosk/kiosk-keelung-1/intercept", False),
                Case(console, "jmc/v1/console/console-2/status", False),  # another console's
                Case(console, "jmc/v1/keelung/ticket/JMC-KL-1", True),
                Case(console, "jmc/v1/taipei/ticket/JMC-TP-1", True),
                Case(console, "jmc/v1/console/console-1/status", True),
            ],
        )


def test_a_kiosk_publishes_its_status_and_intercept_outcomes_only(broker: ProductionBroker) -> None:
    kiosk, watcher = broker.operator("kiosk-keelung-1"), broker.operator("console-2")
    outcome = (  # docs/mqtt.md
        b'{"v": 1, "kiosk_id": "kiosk-keelung-1", "ticket_id": "JMC-KL-1", "order_no": "ORD-5",'
        b' "container_no": "CSQU3054383", "outcome": "intercepted", "officer_id": "K1234",'
        b' "ts": "2026-11-21T08:15:02+08:00", "note": "held at gate 3"}'
    )
    with online(kiosk, watcher):
        watcher.subscribe("jmc/v1/#")
        check_publications(
            watcher,
            [
                Case(kiosk, "jmc/v1/keelung/ticket/JMC-KL-1", False),
                Case(kiosk, "jmc/v1/keelung/kiosk/kiosk-keelung-2/intercept", False),  # another kiosk
                Case(kiosk, "jmc/v1/taipei/kiosk/kiosk-keelung-1/intercept", False),  # another region
                Case(kiosk, "jmc/v1/console/kiosk-keelung-1/status", False),
                Case(kiosk, "jmc/v1/keelung/order/ORD-5", False),
                Case(kiosk, "jmc/v1/keelung/kiosk/kiosk-keelung-1/status", True),
                Case(kiosk, "jmc/v1/keelung/kiosk/kiosk-keelung-1/intercept", True, outcome),
            ],
        )


def test_a_kiosk_reads_its_region_only(broker: ProductionBroker) -> None:
    console, kiosk = broker.operator("console-1"), broker.operator("kiosk-keelung-1")
    nonce = uuid.uuid4().hex
    ours, theirs = f"jmc/v1/keelung/ticket/R-{nonce}", f"jmc/v1/taipei/ticket/R-{nonce}"
    with online(console, kiosk):
        console.publish(theirs, b"retained", retain=True)
        console.publish(ours, b"retained", retain=True)
        kiosk.subscribe("jmc/v1/taipei/#", "jmc/v1/keelung/#", "jmc/v1/console/#")
        assert kiosk.wait_for(ours, b"retained"), "its own region's retained ticket did not arrive"
        console.publish(theirs, b"live")
        console.publish("jmc/v1/console/console-1/status", nonce.encode())
        console.publish(ours, b"live")
        assert kiosk.wait_for(ours, b"live")
        assert not [topic for topic, _ in kiosk.messages if not topic.startswith("jmc/v1/keelung/")]


# ------------------------------------------------------------------- limits, sessions --


def test_messages_over_16_kib_are_dropped_without_disconnecting(broker: ProductionBroker) -> None:
    # MQTT 3.1.1: Mosquitto 2.0.11 answers an MQTT 5 client with PUBACK reason 0x95, which
    # paho rejects as malformed (and reconnects, and resends): see broker_config/README.md
    obu = broker.device("OBU-KL-78", protocol=MQTTProtocolVersion.MQTTv311)
    watcher = broker.operator("console-2")
    topic = "jmc/v1/keelung/obu/OBU-KL-78/telemetry"
    with online(obu, watcher):
        watcher.subscribe(topic)
        check_publications(
            watcher,
            [
                Case(obu, topic, True, b"8" * 8192),  # the protocol's maximum
                Case(obu, topic, False, b"x" * 16385),  # over message_size_limit
                Case(obu, topic, True, b"still connected"),
            ],
        )
        assert not obu.lost


def test_a_console_away_keeps_more_than_the_default_1000_queued(broker: ProductionBroker) -> None:
    count, topic, nonce = 3000, "jmc/v1/keelung/obu/OBU-KL-78/telemetry", uuid.uuid4().hex.encode()
    with online(away := broker.operator("console-q", session_expiry=600)):
        away.subscribe(topic)
    with online(obu := broker.device("OBU-KL-78")):
        infos = [obu.client.publish(topic, b"%s:%d" % (nonce, seq), qos=1) for seq in range(count)]
        for info in infos:
            info.wait_for_publish(10)
        assert all(info.is_published() for info in infos)

    def queued() -> list[int]:
        return sorted(int(p.split(b":")[1]) for t, p in back.messages if p.startswith(nonce + b":"))

    with online(back := broker.operator("console-q", session_expiry=600)):
        back.wait(lambda: len(queued()) >= count, 15)
        assert queued() == list(range(count))


def test_a_device_cannot_take_over_another_devices_session(broker: ProductionBroker) -> None:
    seal, watcher = broker.device("VS-KL-77", client_id="VS-KL-77"), broker.operator("console-2")
    impostor = broker.device("OBU-KL-77", client_id="VS-KL-77")
    with online(seal, watcher):
        watcher.subscribe("jmc/v1/keelung/seal/VS-KL-77/status")
        with online(impostor):
            payload = uuid.uuid4().bytes
            seal.publish("jmc/v1/keelung/seal/VS-KL-77/status", payload)
            assert watcher.wait_for("jmc/v1/keelung/seal/VS-KL-77/status", payload)
            assert not seal.lost, "the seal was disconnected by a client using its client id"


# -------------------------------------------------------------- files, dev broker --


def test_make_pki_files(pki: Pki) -> None:
    keys = list(pki.root.rglob("*.key"))  # 3 CAs, the server, devices (some revoked), the app
    assert len(keys) == 3 + 1 + len(DEVICE_IDS) + 1
    for secret in [*keys, pki.root / "passwords.txt", pki.broker_dir / "passwd"]:
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600, secret
    passwd = (pki.broker_dir / "passwd").read_text()
    assert pki.password("console-1") not in passwd and "console-1:$7$" in passwd
    acl = (pki.broker_dir / "acl.operators").read_text()
    assert re.findall(r"^user (\S+)$", acl, re.MULTILINE) == [
        "console-1", "console-2", "console-q", "kiosk-keelung-1", "interchange"
    ]  # fmt: skip
    for static in ("acl", "acl.apps"):  # never an empty ACL
        assert re.search(r"^pattern write jmc/v1/", (BROKER_CONFIG / static).read_text(), re.MULTILINE)


def test_the_production_conf_is_hardened() -> None:
    head, *listeners = re.split(r"^(?=listener )", (BROKER_CONFIG / "mosquitto.conf").read_text(), flags=re.M)
    conf = dict(re.findall(r"^(\w+) (.*)$", head, re.MULTILINE))
    assert conf["per_listener_settings"] == conf["persistence"] == "true"
    assert int(conf["autosave_interval"]) <= 300
    assert int(conf["max_queued_messages"]) >= 2000 * 30 * 60  # 30 minutes away at 2,000 msg/s
    assert int(conf["max_queued_bytes"]) >= 2000 * 30 * 60 * 400  # at ~400 B a message
    assert 8192 < int(conf["message_size_limit"]) < int(conf["max_packet_size"])
    assert [section.split()[1] for section in listeners] == ["8883", "8884", "8885"]
    for section in listeners:
        options = dict(re.findall(r"^(\w+) (.*)$", section, re.MULTILINE))
        assert options["allow_anonymous"] == "false" and options["tls_version"] in ("tlsv1.2", "tlsv1.3")
        assert {"certfile", "keyfile", "acl_file", "use_username_as_clientid"} <= options.keys()
        if options["require_certificate"] == "true":
            assert options["use_identity_as_username"] == "true" and "crlfile" in options
        else:
            assert "password_file" in options


@pytest.mark.parametrize(
    "args", [[], ["OUT", "--devices", "obu-lower"], ["OUT", "--kiosks", "kiosk-mars-1"], ["OUT", "--days"]]
)
def test_make_pki_refuses_bad_arguments(tmp_path: Path, args: list[str]) -> None:
    args = [str(tmp_path / a) if a == "OUT" else a for a in args]
    done = subprocess.run(["bash", str(BROKER_CONFIG / "make_pki.sh"), *args], capture_output=True, text=True)
    assert done.returncode != 0 and done.stderr
    assert not (tmp_path / "OUT" / "ca").exists()


def test_the_dev_broker_accepts_a_plain_local_client(tmp_path: Path) -> None:
    listeners = re.findall(r"^listener .*$", (BROKER_CONFIG / "dev.conf").read_text(), re.MULTILINE)
    assert listeners == ["listener 1883 127.0.0.1"]
    with LocalMosquitto(tmp_path) as broker, online(probe := Probe(broker.port)):
        probe.subscribe("jmc/v1/#")
        probe.publish("jmc/v1/keelung/obu/OBU-KL-77/telemetry", b"{}")
        assert probe.wait_for("jmc/v1/keelung/obu/OBU-KL-77/telemetry", b"{}")
