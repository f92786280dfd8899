"""Where the broker is and how to authenticate: ``mqtt://host:port`` or ``mqtts://...``."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt


class BrokerUrlError(ValueError):
    """A broker URL that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    """A broker endpoint with its credentials."""

    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = None
    cafile: str | None = None
    certfile: str | None = None
    keyfile: str | None = None

    @classmethod
    def parse(
        cls,
        url: str,
        *,
        cafile: str | None = None,
        certfile: str | None = None,
        keyfile: str | None = None,
        username: str | None = None,
        password: str | None = None,
    ) -> BrokerAddress:
        """Parse ``mqtt[s]://[user[:password]@]host[:port]``; options override the URL's user."""
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts"):
            raise BrokerUrlError(f"broker URL {url!r}: use mqtt://host:port or mqtts://host:port")
        if not parts.hostname:
            raise BrokerUrlError(f"broker URL {url!r} has no host")
        tls = parts.scheme == "mqtts"
        try:
            port = parts.port or (8883 if tls else 1883)
        except ValueError as exc:
            raise BrokerUrlError(f"broker URL {url!r}: {exc}") from exc
        return cls(
            parts.hostname,
            port,
            tls,
            username or (unquote(parts.username) if parts.username else None),
            password or (unquote(parts.password) if parts.password else None),
            cafile,
            certfile,
            keyfile,
        )

    def apply(self, client: mqtt.Client) -> None:
        """Configure TLS (TLS 1.2 or later) and credentials on a paho client."""
        if self.tls:
            context = ssl.create_default_context(cafile=self.cafile)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            if self.certfile:
                context.load_cert_chain(self.certfile, self.keyfile)
            client.tls_set_context(context)
        if self.username:
            client.username_pw_set(self.username, self.password)

    def __str__(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"
