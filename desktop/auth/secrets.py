"""Secrets of the console (upstream database password, broker password): keyring, else a 0600 file.

    set_secret(BROKER_PASSWORD, value)
    password = get_secret(BROKER_PASSWORD)      # None when never set

Where they live:

* the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service/KWallet) under
  the service name ``jmc-console``, whenever :mod:`keyring` finds a recommended backend;
* otherwise (keyring's ``fail`` backend, the ``null`` backend, or only non-recommended ones,
  which is the case on a server without a desktop session) a JSON file
  ``<user_config_dir>/secrets.json`` (``~/.config/jmc-console/secrets.json`` on Linux), created
  with ``os.open(..., 0o600)`` in a directory of mode 0700 and replaced atomically. A file
  readable by others, or owned by someone else, is refused rather than used.

``JMC_SECRETS_BACKEND=keyring|file`` forces one of the two. Nothing is ever written under the
install directory: a fallback file that would land there is refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets as _random
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import keyring
import keyring.core
import keyring.errors
import platformdirs
from keyring.backends import fail, null

import desktop

SERVICE = "jmc-console"
APP_DIR_NAME = "jmc-console"
FILE_NAME = "secrets.json"
BACKEND_ENV = "JMC_SECRETS_BACKEND"

#: password of the console's account on the upstream PostgreSQL
UPSTREAM_DB_PASSWORD = "upstream-db-password"
#: password of the console's MQTT account on the broker
BROKER_PASSWORD = "broker-password"

NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def _install_dirs() -> tuple[Path, ...]:
    """Where the code is installed: the folder holding the ``desktop`` package (repository root or
    site-packages) and, when that is inside it, the Python environment (``sys.prefix``)."""
    code = Path(desktop.__file__).resolve().parent.parent
    prefix = Path(sys.prefix).resolve()
    return (code, prefix) if code.is_relative_to(prefix) else (code,)


#: no secret may be written below these
INSTALL_DIRS = _install_dirs()


class SecretStoreError(RuntimeError):
    """A secret cannot be read or written; the message says why and what to do."""


class SecretBackend(Protocol):
    """Where secrets are kept."""

    def get(self, name: str) -> str | None: ...
    def set(self, name: str, value: str) -> None: ...
    def delete(self, name: str) -> None: ...
    def describe(self) -> str: ...


def _check_name(name: str) -> str:
    if not NAME_RE.fullmatch(name):
        raise ValueError(f"secret name {name!r}: 1-64 of a-z 0-9 . _ - starting with a letter or digit")
    return name


class KeyringSecrets:
    """Secrets in the OS keyring (service ``jmc-console``, the secret's name as user name)."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        return self._backend or keyring.get_keyring()

    def get(self, name: str) -> str | None:
        try:
            return self.backend.get_password(SERVICE, _check_name(name))
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"keyring {self.backend.name}: cannot read {name!r} ({exc})") from exc

    def set(self, name: str, value: str) -> None:
        try:
            self.backend.set_password(SERVICE, _check_name(name), value)
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"keyring {self.backend.name}: cannot store {name!r} ({exc})") from exc

    def delete(self, name: str) -> None:
        try:
            self.backend.delete_password(SERVICE, _check_name(name))
        except keyring.errors.PasswordDeleteError:
            pass  # not there: nothing to delete
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"keyring {self.backend.name}: cannot delete {name!r} ({exc})") from exc

    def describe(self) -> str:
        return f"keyring {self.backend.name}"


def fallback_path() -> Path:
    """``secrets.json`` in the per-user configuration directory (platformdirs)."""
    return Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False)) / FILE_NAME


class FileSecrets:
    """Secrets in a JSON object ``{name: value}`` in a file only its owner can read (0600)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = (path or fallback_path()).absolute()
        for install in INSTALL_DIRS:
            if self.path.resolve().is_relative_to(install):
                raise SecretStoreError(
                    f"refusing to keep secrets at {self.path}: it is under the install directory {install}"
                )

    def describe(self) -> str:
        return f"file {self.path} (mode 0600)"

    def get(self, name: str) -> str | None:
        _check_name(name)
        return self._read().get(name)

    def set(self, name: str, value: str) -> None:
        _check_name(name)
        if not isinstance(value, str):
            raise TypeError("a secret is a str")
        with self._locked():
            data = self._read()
            data[name] = value
            self._write(data)

    def delete(self, name: str) -> None:
        _check_name(name)
        with self._locked():
            data = self._read()
            if data.pop(name, None) is not None:
                self._write(data)

    # -- file handling ------------------------------------------------------------------------

    def _ensure_dir(self) -> None:
        folder = self.path.parent
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.name == "posix":
            st = folder.stat()
            if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) != 0o700:
                os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask; ours is exact

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise read-modify-write between processes (POSIX advisory lock)."""
        self._ensure_dir()
        if os.name != "posix":
            yield
            return
        import fcntl

        fd = os.open(self.path.with_name(FILE_NAME + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _read(self) -> dict[str, str]:
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise SecretStoreError(f"cannot open the secrets file {self.path} ({exc.strerror})") from exc
        with os.fdopen(fd, "rb") as fh:
            if os.name == "posix":
                st = os.fstat(fh.fileno())
                mode = stat.S_IMODE(st.st_mode)
                if st.st_uid != os.getuid():
                    raise SecretStoreError(f"the secrets file {self.path} belongs to another user; not used")
                if mode & 0o077:
                    raise SecretStoreError(
                        f"the secrets file {self.path} has mode {mode:04o}, readable by others; "
                        f"not used. Run `chmod 600 {self.path}` if its content can still be trusted, "
                        "else delete it and set the secrets again."
                    )
            raw = fh.read()
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SecretStoreError(
                f"the secrets file {self.path} is not valid JSON ({exc}); fix or delete it, then set "
                "the secrets again"
            ) from None
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            raise SecretStoreError(f"the secrets file {self.path} is not a JSON object of strings")
        return data

    def _write(self, data: dict[str, str]) -> None:
        """Write a new file (0600 from its creation) beside the old one and rename it over."""
        tmp = self.path.with_name(f".{FILE_NAME}.{os.getpid()}.{_random.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                if os.name == "posix":
                    os.fchmod(fh.fileno(), 0o600)  # exact, whatever the umask
                fh.write(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        if os.name == "posix":
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


def keyring_available() -> bool:
    """Whether keyring found a recommended backend (not ``fail``, not ``null``, priority >= 1)."""
    kr = keyring.get_keyring()
    return not isinstance(kr, fail.Keyring | null.Keyring) and keyring.core.recommended(kr)


def default_backend() -> SecretBackend:
    """The keyring when one is usable, else the fallback file; ``JMC_SECRETS_BACKEND`` overrides."""
    forced = os.environ.get(BACKEND_ENV, "").strip().lower()
    if forced == "file":
        return FileSecrets()
    if forced == "keyring":
        return KeyringSecrets()
    if forced:
        raise SecretStoreError(f"{BACKEND_ENV}={forced!r}: use 'keyring' or 'file'")
    return KeyringSecrets() if keyring_available() else FileSecrets()


def get_secret(name: str) -> str | None:
    """The secret called ``name``, or ``None`` when it was never set."""
    return default_backend().get(name)


def set_secret(name: str, value: str) -> None:
    """Store (or replace) the secret called ``name``."""
    default_backend().set(name, value)


def delete_secret(name: str) -> None:
    """Forget the secret called ``name`` (no error when it is not there)."""
    default_backend().delete(name)
