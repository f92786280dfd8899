"""``jmc-console user`` and ``secret``: in process, and in a temporary install searched for leaks."""

from __future__ import annotations

import io
import json
import os
import secrets as random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from desktop import cli
from desktop.auth.accounts import AccountService
from desktop.auth.db import open_engine
from desktop.auth.lockout import LoginError

REPO = Path(__file__).resolve().parent.parent


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("JMC_SECRETS_BACKEND", raising=False)
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield str(tmp_path / "console.sqlite3")
    finally:
        keyring.set_keyring(before)


def jmc(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "", tty: bool = False) -> int:
    monkeypatch.setattr(sys, "stdin", Terminal(stdin) if tty else io.StringIO(stdin))
    return cli.main(argv)


def test_add_list_disable_enable_passwd(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pw = "first password 2026"
    add = ["user", "add", "Chen.WL", "--role", "section_chief", "--name", "陳文龍", "--password-stdin"]
    assert jmc(monkeypatch, [*add, "--db", db], pw + "\n") == 0
    assert "created chen.wl (股長 Section chief)" in capsys.readouterr().out
    assert jmc(monkeypatch, [*add, "--db", db], pw + "\n") == 1
    assert "already exists" in capsys.readouterr().err
    assert jmc(monkeypatch, ["user", "list", "--json", "--db", db]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows == [
        {
            "username": "chen.wl",
            "display_name": "陳文龍",
            "role": "section_chief",
            "disabled": False,
            "locked": False,
            "failed_attempts": 0,
        }
    ]
    assert jmc(monkeypatch, ["user", "disable", "chen.wl", "--db", db]) == 0
    assert jmc(monkeypatch, ["user", "list", "--db", db]) == 0
    assert "停用 disabled" in capsys.readouterr().out
    assert jmc(monkeypatch, ["user", "enable", "chen.wl", "--db", db]) == 0
    new = "second password 2026"
    assert jmc(monkeypatch, ["user", "passwd", "chen.wl", "--password-stdin", "--db", db], new + "\r\n") == 0
    with open_engine(db) as engine:
        accounts = AccountService(engine)
        assert accounts.authenticate("chen.wl", new).display_name == "陳文龍"
        with pytest.raises(LoginError):
            accounts.authenticate("chen.wl", pw)


def test_unlock_clears_a_lock(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_engine(db) as engine:
        t = [1_790_000_000.0]
        accounts = AccountService(engine, now=lambda: t[0])
        accounts.create("lin", "", "watch_officer", "the right password")
        for _ in range(5):
            t[0] += 60
            with pytest.raises(LoginError):
                accounts.authenticate("lin", "a wrong password")
        assert accounts.list_users()[0].locked_until is not None
        assert jmc(monkeypatch, ["user", "unlock", "lin", "--db", db]) == 0
        info = accounts.list_users()[0]
        assert (info.locked_until, info.failed_attempts) == (None, 0)


def test_passwords_are_asked_twice_on_a_terminal(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["typed at the prompt", "typed at the prompt", "one password here", "another one here"])
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    assert jmc(monkeypatch, ["user", "add", "lin", "--role", "admin", "--db", db], tty=True) == 0
    assert jmc(monkeypatch, ["user", "passwd", "lin", "--db", db], tty=True) == 2
    assert "differ" in capsys.readouterr().err
    assert len(prompts) == 4 and "New password" in prompts[0]


def test_no_terminal_and_no_flag_refuses_instead_of_hanging(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert jmc(monkeypatch, ["user", "add", "lin", "--role", "admin", "--db", db]) == 2
    assert "--password-stdin" in capsys.readouterr().err


@pytest.mark.parametrize("flag", ["--password", "--password=abcdefghijkl", "-p"])
def test_a_password_on_the_command_line_is_not_accepted(db: str, flag: str) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["user", "add", "lin", "--role", "admin", flag, "abcdefghijkl", "--db", db])
    assert info.value.code == 2


def test_refusals_exit_1_with_the_reason(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        jmc(monkeypatch, ["user", "add", "lin", "--role", "boss", "--password-stdin", "--db", db], "x" * 20)
        == 1
    )
    assert "unknown role" in capsys.readouterr().err
    assert (
        jmc(monkeypatch, ["user", "add", "lin", "--role", "admin", "--password-stdin", "--db", db], "short")
        == 1
    )
    assert "at least 12" in capsys.readouterr().err
    assert jmc(monkeypatch, ["user", "passwd", "nobody", "--password-stdin", "--db", db], "x" * 20) == 1
    assert (
        jmc(monkeypatch, ["user", "add", "lin", "--role", "admin", "--password-stdin", "--db", db], "") == 2
    )
    assert "nothing read" in capsys.readouterr().err


def test_secret_set_status_delete(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert jmc(monkeypatch, ["secret", "set", "broker-password", "--value-stdin"], "mqtt-secret\n") == 0
    assert jmc(monkeypatch, ["secret", "status"]) == 0
    out = capsys.readouterr().out
    assert "broker-password: set" in out and "upstream-db-password: not set" in out
    assert "mqtt-secret" not in out and "mode 0600" in out
    assert jmc(monkeypatch, ["secret", "delete", "broker-password"]) == 0
    assert jmc(monkeypatch, ["secret", "status", "broker-password"]) == 0
    assert "broker-password: not set" in capsys.readouterr().out
    assert jmc(monkeypatch, ["secret", "set", "Bad Name", "--value-stdin"], "v\n") == 2


def test_an_unusable_database_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql+psycopg://nobody:hunter2-secret@127.0.0.1:1/none"
    assert jmc(monkeypatch, ["user", "list", "--db", url]) == 2
    err = capsys.readouterr().err
    assert "cannot open the store" in err and "hunter2-secret" not in err


# -- a temporary install searched for the passwords it was given ---------------------------------


def files_containing(root: Path, needles: list[bytes], skip: tuple[str, ...] = ()) -> list[Path]:
    """Every file under ``root`` whose bytes contain one of ``needles``."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skip]
        for name in files:
            path = Path(folder, name)
            try:
                data = path.read_bytes()
            except OSError:  # vanished meanwhile (other work in the repository), a socket...
                continue
            if any(n in data for n in needles):
                found.append(path)
    return found


def test_no_plaintext_password_or_secret_under_the_install_or_the_repository(tmp_path: Path) -> None:
    install, home = tmp_path / "install", tmp_path / "home"
    shutil.copytree(REPO / "desktop", install / "desktop", ignore=shutil.ignore_patterns("__pycache__"))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "PYTHONPATH": str(install),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",  # a machine without a keyring
    }
    db = install / "var" / "console.sqlite3"  # inside the install on purpose: only hashes may land there
    first, second = f"pw-{random.token_urlsafe(18)}", f"pw-{random.token_urlsafe(18)}"
    secret = f"secret-{random.token_urlsafe(18)}"
    needles = [s.encode() for s in (first, second, secret)]

    def run(args: list[str], stdin: str = "") -> str:
        done = subprocess.run(
            [sys.executable, "-m", "desktop", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=install,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        output = done.stdout + done.stderr
        assert not any(n.decode() in output for n in needles)
        return output

    where = subprocess.run(
        [sys.executable, "-c", "import desktop; print(desktop.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    ).stdout
    assert where.strip() == str(install / "desktop" / "__init__.py")
    run(
        ["user", "add", "officer.one", "--role", "watch_officer", "--db", str(db), "--password-stdin"],
        first + "\n",
    )
    run(["user", "passwd", "officer.one", "--db", str(db), "--password-stdin"], second + "\n")
    run(["secret", "set", "broker-password", "--value-stdin"], secret + "\n")
    assert "broker-password: set" in run(["secret", "status"])
    assert "officer.one" in run(["user", "list", "--db", str(db)])

    assert files_containing(install, needles) == []
    assert files_containing(REPO, needles, skip=(".venv",)) == []
    # the search does find what is there: the secret, only in the 0600 fallback file
    secrets_file = home / ".config" / "jmc-console" / "secrets.json"
    assert files_containing(home, needles) == [secrets_file]
    assert oct(secrets_file.stat().st_mode & 0o777) == "0o600"
    with sqlite3.connect(db) as conn:
        (stored,) = conn.execute("SELECT password_hash FROM user_accounts").fetchone()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=1$")


def test_the_help_texts_name_every_role_and_the_known_secrets() -> None:
    from desktop.auth import cli as auth_cli
    from desktop.auth.secrets import BROKER_PASSWORD, UPSTREAM_DB_PASSWORD
    from desktop.store.users_schema import UserRole

    assert ", ".join(r.value for r in UserRole) == auth_cli.ROLES
    assert f"{UPSTREAM_DB_PASSWORD}, {BROKER_PASSWORD}" == auth_cli.KNOWN_SECRETS
