"""Where the upstream URL and its password come from; clear errors for a wrong URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from desktop.auth.secrets import UPSTREAM_DB_PASSWORD, set_secret
from desktop.store.mirror import MirrorWorker
from desktop.store.upstream import ENV_PASSWORD, ENV_URL, UpstreamError, describe, resolve_upstream_url


@pytest.fixture(autouse=True)
def private_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config directory of our own and the file secret store (no keyring, nothing shared)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("JMC_SECRETS_BACKEND", "file")
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.delenv(ENV_PASSWORD, raising=False)
    return tmp_path / "config" / "jmc-console"


def test_nothing_configured_means_local_only() -> None:
    assert resolve_upstream_url() is None


def test_explicit_then_environment_then_config_file(
    private_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_config.mkdir(parents=True)
    (private_config / "console.toml").write_text('[upstream]\nurl = "postgresql+psycopg://jmc@hq-db/jmc"\n')
    assert make_url(resolve_upstream_url() or "").host == "hq-db"
    monkeypatch.setenv(ENV_URL, "postgresql+psycopg://jmc@env-db/jmc")
    assert make_url(resolve_upstream_url() or "").host == "env-db"
    assert (
        make_url(resolve_upstream_url("postgresql://jmc@given/jmc") or "").drivername == "postgresql+psycopg"
    )


def test_password_from_the_console_secrets_else_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_PASSWORD, "from-env")
    assert make_url(resolve_upstream_url("postgresql+psycopg://jmc@db/jmc") or "").password == "from-env"
    set_secret(UPSTREAM_DB_PASSWORD, "from-keyring")
    url = resolve_upstream_url("postgresql+psycopg://jmc@db/jmc") or ""
    assert make_url(url).password == "from-keyring"
    assert "from-keyring" not in describe(url)
    assert make_url(resolve_upstream_url("postgresql+psycopg://jmc:inline@db/jmc") or "").password == "inline"


def test_wrong_urls_and_config_are_refused_clearly(private_config: Path) -> None:
    with pytest.raises(UpstreamError, match="must be PostgreSQL"):
        resolve_upstream_url("sqlite:///x.db")
    with pytest.raises(UpstreamError, match="not a database URL"):
        resolve_upstream_url("not a url at all")
    private_config.mkdir(parents=True)
    (private_config / "console.toml").write_text("[upstream\nurl=")
    with pytest.raises(UpstreamError, match="cannot read"):
        resolve_upstream_url()


def test_worker_refuses_another_consoles_id(tmp_path: Path) -> None:
    from desktop.store.api import Store

    store = Store.open(str(tmp_path / "c.sqlite3"), console_id="kh-01")
    with pytest.raises(ValueError, match="not the store's"):
        MirrorWorker(store, None, "tp-02")
    store.close()
