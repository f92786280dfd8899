"""``jmc-console user ...`` and ``jmc-console secret ...``: accounts and secrets from the shell.

    jmc-console user add chen.wl --role section_chief --name 陳文龍      # asks the password twice
    printf '%s\\n' "$PW" | jmc-console user passwd chen.wl --password-stdin
    jmc-console user disable chen.wl | enable | unlock
    jmc-console user list
    jmc-console secret set broker-password          # asks the value twice
    jmc-console secret status

Passwords and secret values are read with :func:`getpass.getpass` (no echo) or, with
``--password-stdin`` / ``--value-stdin``, as the first line of standard input; never from the
command line, where ``ps`` and the shell history would keep them. These commands act directly on
the database, like ``createuser`` does: whoever can write the store can run them.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from desktop.auth.accounts import UserInfo

# SQLAlchemy, Alembic, argon2 and keyring are imported when a command runs, not when
# `jmc-console` builds its parser (they would slow every other sub-command down by ~1 s)
ROLES = "watch_officer, section_chief, division_chief, head_of_unit, gate_officer, admin"
KNOWN_SECRETS = "upstream-db-password, broker-password"

USAGE_ERROR = 2
REFUSED = 1


class InputError(ValueError):
    """A password or value could not be read."""


def add_parser(subparsers: Any) -> None:
    """Add the ``user`` and ``secret`` sub-commands to an ``argparse`` sub-parsers object."""
    _add_user_parser(subparsers)
    _add_secret_parser(subparsers)


def _add_user_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("user", help="local accounts: add, passwd, disable, enable, unlock, list")
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument(
        "--db",
        metavar="URL",
        help="store database URL or SQLite path (default: $JMC_DB_URL, else the per-user SQLite file)",
    )
    sub = p.add_subparsers(dest="user_command", required=True)
    add = sub.add_parser(
        "add", parents=[db], help="create an account (the password is asked, never an argument)"
    )
    add.add_argument("username")
    add.add_argument("--role", required=True, help=f"one of {ROLES}")
    add.add_argument("--name", default="", help="display name, e.g. 陳文龍")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    pw = sub.add_parser("passwd", parents=[db], help="set a new password (admin reset; also clears a lock)")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    for name, text in (
        ("disable", "disable an account"),
        ("enable", "enable a disabled account"),
        ("unlock", "clear failed logins and a lock"),
    ):
        sub.add_parser(name, parents=[db], help=text).add_argument("username")
    ls = sub.add_parser("list", parents=[db], help="list accounts (never passwords or hashes)")
    ls.add_argument("--json", action="store_true", help="JSON lines instead of a table")


def _add_secret_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "secret", help="console secrets (upstream DB and broker passwords): keyring, else a 0600 file"
    )
    sub = p.add_subparsers(dest="secret_command", required=True)
    known = f"e.g. {KNOWN_SECRETS}"
    st = sub.add_parser("set", help="store a secret (the value is asked, never an argument)")
    st.add_argument("name", help=known)
    st.add_argument("--value-stdin", action="store_true", help="read the value from stdin")
    sub.add_parser("delete", help="forget a secret").add_argument("name", help=known)
    status = sub.add_parser("status", help="where secrets are kept and which are set (never the values)")
    status.add_argument("names", nargs="*", help=f"default: {KNOWN_SECRETS}")


def read_secret_line(stdin: TextIO) -> str:
    """The first line of ``stdin`` without its line ending."""
    line = stdin.readline()
    value = line.removesuffix("\n").removesuffix("\r")
    if not value:
        raise InputError("nothing read from standard input")
    return value


def ask_twice(prompt: str, stdin: TextIO) -> str:
    """Ask for a value twice without echo; the two must match."""
    if not stdin.isatty():
        raise InputError("standard input is not a terminal: pipe the value in with --password-stdin")
    first = getpass.getpass(prompt)
    if getpass.getpass("再輸入一次 Again: ") != first:
        raise InputError("the two entries differ (兩次輸入不一致)")
    if not first:
        raise InputError("empty value")
    return first


def _password(args: argparse.Namespace, stdin: TextIO) -> str:
    if args.password_stdin:
        return read_secret_line(stdin)
    return ask_twice(f"{args.username} 的新密碼 New password: ", stdin)


def _state(info: UserInfo, now: float) -> str:
    if info.disabled:
        return "停用 disabled"
    if info.locked_at(now):
        assert info.locked_until is not None
        return "鎖定至 locked until " + time.strftime("%H:%M:%S", time.localtime(info.locked_until))
    return "啟用 active"


def _run_user(args: argparse.Namespace, stdin: TextIO) -> int:
    from desktop.auth.accounts import AccountError, AccountService
    from desktop.auth.db import open_engine
    from desktop.auth.roles import role_label

    with open_engine(args.db) as engine:
        accounts = AccountService(engine)
        cmd = args.user_command
        if cmd in ("add", "passwd"):  # refuse before asking for a password
            exists = accounts.get(args.username) is not None
            if cmd == "add" and exists:
                raise AccountError(
                    f"帳號 {args.username!r} 已存在。Account {args.username!r} already exists."
                )
            if cmd == "passwd" and not exists:
                raise AccountError(f"帳號 {args.username!r} 不存在。No account named {args.username!r}.")
        if cmd == "add":
            info = accounts.create(args.username, args.name, args.role, _password(args, stdin))
            print(f"created {info.username} ({role_label(info.role)} {role_label(info.role, 'en')})")
        elif cmd == "passwd":
            accounts.set_password(args.username, _password(args, stdin))
            print(f"password of {args.username} changed")
        elif cmd == "disable":
            accounts.disable(args.username)
            print(f"{args.username}: disabled")
        elif cmd == "enable":
            accounts.enable(args.username)
            print(f"{args.username}: enabled")
        elif cmd == "unlock":
            accounts.unlock(args.username)
            print(f"{args.username}: unlocked")
        else:
            _list(accounts.list_users(), as_json=args.json)
        return 0


def _list(users: list[UserInfo], *, as_json: bool) -> None:
    from desktop.auth.roles import role_label

    now = time.time()
    for u in users:
        if as_json:
            row = {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role,
                "disabled": u.disabled,
                "locked": u.locked_at(now),
                "failed_attempts": u.failed_attempts,
            }
            print(json.dumps(row, ensure_ascii=False))
        else:
            label = f"{role_label(u.role)}/{role_label(u.role, 'en')}"
            print(f"{u.username:20} {label:34} {_state(u, now):28} {u.display_name}")
    if not users and not as_json:
        print("no accounts (尚無帳號): create one with `jmc-console user add NAME --role admin`")


def _run_secret(args: argparse.Namespace, stdin: TextIO) -> int:
    from desktop.auth.secrets import BROKER_PASSWORD, UPSTREAM_DB_PASSWORD, default_backend

    backend = default_backend()
    cmd = args.secret_command
    if cmd == "set":
        value = read_secret_line(stdin) if args.value_stdin else ask_twice(f"{args.name}: ", stdin)
        backend.set(args.name, value)
        print(f"{args.name} stored in {backend.describe()}")
    elif cmd == "delete":
        backend.delete(args.name)
        print(f"{args.name} deleted from {backend.describe()}")
    else:
        print(f"secrets are kept in {backend.describe()}")
        for name in args.names or [UPSTREAM_DB_PASSWORD, BROKER_PASSWORD]:
            print(f"  {name}: {'set' if backend.get(name) is not None else 'not set'}")
    return 0


def run(args: argparse.Namespace, stdin: TextIO | None = None) -> int:
    """Run ``user`` or ``secret``: 0 done, 1 refused (policy, unknown account...), 2 bad input
    or an unusable database or secret store."""
    from sqlalchemy.exc import SQLAlchemyError

    from desktop.auth.accounts import AccountError
    from desktop.auth.passwords import PasswordPolicyError
    from desktop.auth.secrets import SecretStoreError
    from desktop.store.api import StoreError

    stdin = stdin or sys.stdin
    prog = f"jmc-console {args.command}"
    try:
        if args.command == "user":
            return _run_user(args, stdin)
        return _run_secret(args, stdin)
    except (AccountError, PasswordPolicyError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return REFUSED
    except (InputError, SecretStoreError, StoreError, ValueError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except SQLAlchemyError as exc:
        print(
            f"{prog}: database error: {type(exc).__name__}: {exc.args[0] if exc.args else ''}",
            file=sys.stderr,
        )
        return USAGE_ERROR
    except (KeyboardInterrupt, EOFError):
        print(f"\n{prog}: cancelled", file=sys.stderr)
        return USAGE_ERROR
