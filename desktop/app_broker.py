"""The console's broker address in production: TLS with the deployment's CA, and the console
account's password from the secret store, never from the command line or a file under the
install directory.

``mqtts://console-1@broker.customs.local:8885`` (see broker_config/README.md) plus
``--broker-ca FILE`` (or ``$JMC_BROKER_CA``); the password of the URL's user comes from
``$JMC_MQTT_PASSWORD`` when set (for services), else the secret ``broker-password``
(``jmc-console secret set broker-password``), else the broker refuses us and says so.
"""

from __future__ import annotations

import dataclasses
import os

from desktop.ingest import PASSWORD_ENV
from desktop.ingest.broker import BrokerAddress, BrokerUrlError

CA_ENV = "JMC_BROKER_CA"


def console_broker_address(url: str, cafile: str | None = None) -> BrokerAddress:
    """Parse ``url`` and complete it with the CA file and the account's password.

    Raises:
        BrokerUrlError: a bad URL, a CA file that is not there, or a password in the URL.
    """
    cafile = cafile or os.environ.get(CA_ENV) or None
    if cafile is not None and not os.path.isfile(cafile):
        raise BrokerUrlError(f"broker CA file {cafile!r} does not exist")
    address = BrokerAddress.parse(url, cafile=cafile)
    if address.password is not None:
        raise BrokerUrlError(
            "broker URL carries a password: keep it in the secret store instead "
            "(jmc-console secret set broker-password) / 密碼請存入密鑰庫，勿寫在網址"
        )
    if address.username is None:
        return address
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        from desktop.auth.secrets import BROKER_PASSWORD, get_secret

        password = get_secret(BROKER_PASSWORD)
    return dataclasses.replace(address, password=password or None)
