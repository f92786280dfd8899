"""The console's production broker address: TLS with the deployment's CA, the account's password
from the secret store; tried against Mosquitto running broker_config/mosquitto.conf."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.app_backend import Backend
from desktop.app_broker import CA_ENV, PASSWORD_ENV, console_broker_address
from desktop.auth.secrets import BACKEND_ENV, BROKER_PASSWORD, set_secret
from desktop.ingest.broker import BrokerUrlError
from tests.broker import OPERATORS, Pki, ProductionBroker, make_pki, mosquitto_exe, production_broker
from tests.helpers import SITES


@pytest.fixture
def secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BACKEND_ENV, "file")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    monkeypatch.delenv(CA_ENV, raising=False)


def test_the_password_comes_from_the_secret_store(secrets_file: None, tmp_path: Path) -> None:
    ca = tmp_path / "ca.crt"
    ca.write_text("not read here", encoding="utf-8")
    assert console_broker_address("mqtts://console-1@broker:8885", str(ca)).password is None
    set_secret(BROKER_PASSWORD, "s3cret-from-the-store")
    address = console_broker_address("mqtts://console-1@broker:8885", str(ca))
    assert (address.username, address.password, address.cafile, address.tls) == (
        "console-1",
        "s3cret-from-the-store",
        str(ca),
        True,
    )


def test_the_environment_overrides_for_services(
    secrets_file: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_secret(BROKER_PASSWORD, "from-the-store")
    monkeypatch.setenv(PASSWORD_ENV, "from-the-environment")
    ca = tmp_path / "ca.crt"
    ca.write_text("x", encoding="utf-8")
    monkeypatch.setenv(CA_ENV, str(ca))
    address = console_broker_address("mqtts://console-1@broker")
    assert (address.password, address.cafile, address.port) == ("from-the-environment", str(ca), 8883)


def test_a_password_in_the_url_or_a_missing_ca_file_is_refused(secrets_file: None, tmp_path: Path) -> None:
    with pytest.raises(BrokerUrlError, match="secret store"):
        console_broker_address("mqtts://console-1:plain@broker:8885")
    with pytest.raises(BrokerUrlError, match="does not exist"):
        console_broker_address("mqtts://console-1@broker:8885", str(tmp_path / "missing.crt"))


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Pki, ProductionBroker]]:
    if mosquitto_exe() is None:
        pytest.skip("the mosquitto binary is not installed")
    pki = make_pki(tmp_path_factory.mktemp("pki"), "--consoles", "console-1", "--days", "2")
    with production_broker(pki, tmp_path_factory.mktemp("broker")) as broker:
        yield pki, broker


def connects(backend: Backend, timeout: float = 10.0) -> bool:
    backend.start()
    try:
        deadline = time.monotonic() + timeout
        assert backend.service is not None
        while time.monotonic() < deadline:
            if backend.service.link.connected:
                return True
            time.sleep(0.05)
        return False
    finally:
        backend.stop()


def test_the_console_signs_in_to_the_production_broker_with_its_stored_password(
    secrets_file: None, deployment: tuple[Pki, ProductionBroker]
) -> None:
    pki, broker = deployment
    url = f"mqtts://console-1@localhost:{broker.port[OPERATORS]}"
    ca = str(pki.server_ca)
    set_secret(BROKER_PASSWORD, "wrong-password-for-console-1")
    refused = Backend(SITES, broker_url=url, broker_ca=ca, console_id="console-1")
    refused.prepare()
    assert not connects(refused, timeout=3.0)  # the broker checks the password file
    set_secret(BROKER_PASSWORD, pki.password("console-1"))
    backend = Backend(SITES, broker_url=url, broker_ca=ca, console_id="console-1")
    backend.prepare()
    assert connects(backend)
