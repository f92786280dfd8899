"""Secrets: keyring when there is one, else a 0600 file under the user config dir."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring.backends import fail, null

from desktop.auth import secrets
from desktop.auth.secrets import (
    BROKER_PASSWORD,
    UPSTREAM_DB_PASSWORD,
    FileSecrets,
    SecretStoreError,
    delete_secret,
    get_secret,
    set_secret,
)

REPO = Path(__file__).resolve().parent.parent


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend (keyring's plug-in API) that keeps passwords in a dict."""

    priority = 5

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


class BrokenKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("the collection is locked")


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh XDG config home and keyring's ``fail`` backend (no keyring), restored after."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv(secrets.BACKEND_ENV, raising=False)
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield tmp_path / "config"
    finally:
        keyring.set_keyring(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_without_a_keyring_secrets_round_trip_through_a_0600_file(config_home: Path, umask: int) -> None:
    assert not secrets.keyring_available()
    old = os.umask(umask)
    try:
        set_secret(BROKER_PASSWORD, "mqtt pass 密碼 ✓")
        set_secret(UPSTREAM_DB_PASSWORD, "pg-pass")
    finally:
        os.umask(old)
    path = config_home / "jmc-console" / "secrets.json"
    assert secrets.fallback_path() == path
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert get_secret(BROKER_PASSWORD) == "mqtt pass 密碼 ✓"
    set_secret(BROKER_PASSWORD, "rotated")
    assert get_secret(BROKER_PASSWORD) == "rotated" and get_secret(UPSTREAM_DB_PASSWORD) == "pg-pass"
    delete_secret(BROKER_PASSWORD)
    delete_secret(BROKER_PASSWORD)  # already gone: fine
    assert get_secret(BROKER_PASSWORD) is None and get_secret(UPSTREAM_DB_PASSWORD) == "pg-pass"
    assert mode(path) == 0o600
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_never_set_secret_is_none_and_creates_nothing(config_home: Path) -> None:
    assert get_secret(BROKER_PASSWORD) is None
    assert not config_home.exists()


def test_the_null_backend_also_means_no_keyring(config_home: Path) -> None:
    keyring.set_keyring(null.Keyring())
    set_secret(BROKER_PASSWORD, "x")
    assert (config_home / "jmc-console" / "secrets.json").exists()


def test_a_loose_directory_is_tightened_to_0700(config_home: Path) -> None:
    folder = config_home / "jmc-console"
    folder.mkdir(parents=True, mode=0o755)
    os.chmod(folder, 0o755)
    set_secret(BROKER_PASSWORD, "x")
    assert mode(folder) == 0o700


def test_a_file_readable_by_others_is_refused(config_home: Path) -> None:
    set_secret(BROKER_PASSWORD, "x")
    path = secrets.fallback_path()
    os.chmod(path, 0o644)
    with pytest.raises(SecretStoreError, match=r"mode 0644.*chmod 600"):
        get_secret(BROKER_PASSWORD)
    with pytest.raises(SecretStoreError):
        set_secret(BROKER_PASSWORD, "y")  # nothing written over a file that may have leaked
    os.chmod(path, 0o600)
    assert get_secret(BROKER_PASSWORD) == "x"


@pytest.mark.parametrize(("content", "why"), [(b"{broken", "not valid JSON"), (b'{"a": 1}', "of strings")])
def test_a_damaged_file_is_refused_with_what_to_do(config_home: Path, content: bytes, why: str) -> None:
    set_secret(BROKER_PASSWORD, "x")
    secrets.fallback_path().write_bytes(content)
    with pytest.raises(SecretStoreError, match=why):
        get_secret(BROKER_PASSWORD)


def test_a_symlinked_file_is_not_followed(config_home: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.json"
    target.write_text("{}")
    folder = config_home / "jmc-console"
    folder.mkdir(parents=True)
    (folder / "secrets.json").symlink_to(target)
    with pytest.raises(SecretStoreError, match="cannot open"):
        get_secret(BROKER_PASSWORD)


def test_concurrent_writers_lose_no_secret(config_home: Path) -> None:
    def write(prefix: str) -> None:
        store = FileSecrets()
        for i in range(15):
            store.set(f"{prefix}-{i}", f"value {prefix} {i}")

    threads = [threading.Thread(target=write, args=(p,)) for p in ("a", "b", "c")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store = FileSecrets()
    assert all(store.get(f"{p}-{i}") == f"value {p} {i}" for p in "abc" for i in range(15))


def test_a_recommended_keyring_is_used_and_no_file_written(config_home: Path) -> None:
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    assert secrets.keyring_available()
    set_secret(UPSTREAM_DB_PASSWORD, "pg-pass")
    assert memory.store == {("jmc-console", "upstream-db-password"): "pg-pass"}
    assert get_secret(UPSTREAM_DB_PASSWORD) == "pg-pass"
    delete_secret(UPSTREAM_DB_PASSWORD)
    delete_secret(UPSTREAM_DB_PASSWORD)
    assert memory.store == {} and not config_home.exists()


def test_keyring_errors_become_clear_errors(config_home: Path) -> None:
    keyring.set_keyring(BrokenKeyring())
    with pytest.raises(SecretStoreError, match=r"cannot read 'broker-password'.*locked"):
        get_secret(BROKER_PASSWORD)


def test_the_backend_can_be_forced(config_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    monkeypatch.setenv(secrets.BACKEND_ENV, "file")
    set_secret(BROKER_PASSWORD, "x")
    assert memory.store == {} and get_secret(BROKER_PASSWORD) == "x"
    monkeypatch.setenv(secrets.BACKEND_ENV, "keyring")
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(SecretStoreError, match="keyring"):
        get_secret(BROKER_PASSWORD)
    monkeypatch.setenv(secrets.BACKEND_ENV, "vault")
    with pytest.raises(SecretStoreError, match="'keyring' or 'file'"):
        get_secret(BROKER_PASSWORD)


def test_no_fallback_file_under_the_install_directory(
    config_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside = REPO / "tmp-config-should-never-exist"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(inside))
    with pytest.raises(SecretStoreError, match="under the install directory"):
        set_secret(BROKER_PASSWORD, "x")
    assert not inside.exists()


@pytest.mark.parametrize("name", ["", "../etc/passwd", "Broker", "a b", "x" * 65])
def test_bad_names_are_refused(config_home: Path, name: str) -> None:
    with pytest.raises(ValueError, match="secret name"):
        set_secret(name, "x")
    assert not config_home.exists()
