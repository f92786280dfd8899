"""``jmc-console mirror status|sync|conflicts``: the upstream mirror from a terminal.

    jmc-console mirror status    [--db URL] [--upstream URL]
    jmc-console mirror sync      [--db URL] [--upstream URL] [--console-id ID]
    jmc-console mirror conflicts [--db URL]

``sync`` runs one push + pull cycle and exits 0, or 2 with the reason (upstream unreachable,
nothing configured). The console id defaults to the store's own chain (``chain_state``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

OK, FAILED = 0, 2


def add_parser(subparsers: Any) -> None:
    """Add ``mirror`` to an ``argparse`` sub-parsers object."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", metavar="URL", help="store database URL or SQLite path (default: $JMC_DB_URL)"
    )
    remote = argparse.ArgumentParser(add_help=False)
    remote.add_argument("--upstream", metavar="URL", help="default: $JMC_UPSTREAM_URL, else console.toml")
    remote.add_argument("--console-id", help="this console's id (default: the store's own chain)")
    mirror = subparsers.add_parser("mirror", help="the upstream mirror: backlog, one sync, conflicts")
    sub = mirror.add_subparsers(dest="mirror_command", required=True)
    sub.add_parser("status", parents=[common, remote], help="backlog, pull cursors, conflicts, upstream")
    sub.add_parser("sync", parents=[common, remote], help="push the outbox and pull once, now")
    sub.add_parser("conflicts", parents=[common], help="unresolved ticket conflicts")


def _own_origin(store_url: str) -> str:
    from sqlalchemy import select

    from desktop.store.engine import make_engine
    from desktop.store.schema_tickets import ChainState

    engine = make_engine(store_url)
    try:
        with engine.connect() as conn:
            origins = [str(o) for o in conn.execute(select(ChainState.origin)).scalars()]
    finally:
        engine.dispose()
    if len(origins) != 1:
        raise ValueError("cannot tell this console's id from the store: give --console-id")
    return origins[0]


def run(args: argparse.Namespace) -> int:
    """Run ``mirror ...``; return the exit status."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from desktop.store.api import Store, StoreError
    from desktop.store.engine import resolve_url
    from desktop.store.mirror import MirrorWorker, human_error
    from desktop.store.mirror_resolve import list_conflicts
    from desktop.store.schema_mirror import MirrorCursor
    from desktop.store.upstream import UpstreamError, describe, resolve_upstream_url

    prog = "jmc-console mirror"
    try:
        url = resolve_url(args.db)
        remote = args.mirror_command != "conflicts"
        console_id = (getattr(args, "console_id", None) or _own_origin(url)) if remote else "cli"
        store = Store.open(url, console_id=console_id)
        upstream = resolve_upstream_url(args.upstream) if remote else None
    except (StoreError, UpstreamError, ValueError, SQLAlchemyError, OSError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return FAILED
    try:
        if args.mirror_command == "conflicts":
            for c in list_conflicts(store):
                options = "; ".join(f"{o.event_id} {o.kind} by {o.actor}@{o.origin}" for o in c.options)
                print(f"{c.ticket_id} {c.topic}: {options}")
            return OK
        worker = MirrorWorker(store, upstream)
        if args.mirror_command == "sync":
            if upstream is None:
                print(f"{prog}: no upstream configured (local only)", file=sys.stderr)
                return FAILED
            try:
                pushed, pulled = worker.sync_once()
            except Exception as exc:
                print(f"{prog}: {human_error(exc, describe(upstream))}", file=sys.stderr)
                return FAILED
            finally:
                worker.stop()
            print(f"pushed {pushed} rows, pulled {pulled} rows")
        backlog, conflicts = worker.local_counts()
        print(f"console {console_id}: backlog {backlog} rows, {conflicts} unresolved conflicts")
        print(f"upstream: {describe(upstream) if upstream else '(none: local only)'}")
        with store.read() as conn:
            for origin, seq in conn.execute(select(MirrorCursor.origin, MirrorCursor.last_seq)):
                print(f"pulled from {origin}: up to seq {seq}")
        return OK
    finally:
        store.engine.dispose()
