"""``jmc-console audit verify`` and ``jmc-console db upgrade|current``.

    jmc-console audit verify [--db URL] [--origin CONSOLE_ID]
    jmc-console db upgrade [--db URL]
    jmc-console db current [--db URL]

``audit verify`` exits 0 when every chain is intact, 1 naming the first bad row (table, id,
why), 2 when the database cannot be opened.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

# SQLAlchemy and Alembic are imported when a command runs, not when the parser is built.

OK, BROKEN, CANNOT = 0, 1, 2


def add_parser(subparsers: Any) -> None:
    """Add ``audit`` and ``db`` to an ``argparse`` sub-parsers object."""
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument(
        "--db",
        metavar="URL",
        help="store database URL or SQLite path (default: $JMC_DB_URL, else the per-user SQLite file)",
    )
    audit = subparsers.add_parser("audit", help="check the audit chain of tickets, dispositions, sign-offs")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", parents=[db], help="verify every hash and recorded chain head")
    verify.add_argument("--origin", metavar="CONSOLE_ID", help="only this console's chain")
    dbp = subparsers.add_parser("db", help="the store's schema: upgrade to the newest revision, show it")
    db_sub = dbp.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", parents=[db], help="migrate the store to the newest schema")
    db_sub.add_parser("current", parents=[db], help="print the store's schema revision")


def run(args: argparse.Namespace) -> int:
    """Run ``audit ...`` or ``db ...``; return the exit status."""
    from sqlalchemy.exc import SQLAlchemyError

    from desktop.store import migrate
    from desktop.store.engine import make_engine, resolve_url

    prog = f"jmc-console {args.command}"
    try:
        engine = make_engine(resolve_url(args.db))
        try:
            if args.command == "db":
                if args.db_command == "upgrade":
                    migrate.upgrade(engine)
                print(f"schema revision {migrate.current(engine) or '(none)'} (newest {migrate.head()})")
                return OK
            if migrate.current(engine) is None:
                print(f"{prog}: {engine.url!r} is not a JMC Console store", file=sys.stderr)
                return CANNOT
            return _verify(engine, args.origin)
        finally:
            engine.dispose()
    except (SQLAlchemyError, OSError) as exc:
        print(f"{prog}: cannot use the store: {exc}", file=sys.stderr)
        return CANNOT


def _verify(engine: Any, origin: str | None) -> int:
    from desktop.store.audit import verify

    started = time.perf_counter()
    result = verify(engine, origin)
    seconds = time.perf_counter() - started
    chains = ", ".join(f"{name}: {rows}" for name, rows in result.origins.items()) or "no chain"
    if result.problem is not None:
        print(f"audit chain BROKEN — {result.problem}", file=sys.stderr)
        print(f"rows verified before it: {chains}", file=sys.stderr)
        return BROKEN
    print(f"audit chain OK: {result.rows} rows ({chains}) in {seconds:.1f} s")
    return OK
