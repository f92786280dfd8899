"""``jmc-console gui``: the command line of the console's window (Qt is imported only when it
runs), and ``jmc-console demo``'s switch between the window and the text summary."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> None:
    gui = subparsers.add_parser(
        "gui", help="the console's main window (--demo: with a private broker and simulated traffic)"
    )
    gui.add_argument(
        "--broker",
        metavar="URL",
        default=os.environ.get("JMC_BROKER"),
        help=(
            "mqtt[s]://[console-id@]host[:port] (default: $JMC_BROKER; none: offline); the password "
            "comes from the secret store (jmc-console secret set broker-password)"
        ),
    )
    gui.add_argument(
        "--broker-ca",
        metavar="FILE",
        help="the deployment's CA certificate for mqtts (default: $JMC_BROKER_CA)",
    )
    gui.add_argument(
        "--db",
        metavar="URL",
        help="the local store: SQLAlchemy URL or SQLite path (default: $JMC_DB_URL, else the per-user file)",
    )
    gui.add_argument(
        "--upstream",
        metavar="URL",
        help="the mirror's upstream PostgreSQL (default: $JMC_UPSTREAM_URL, else console.toml; none: local)",
    )
    gui.add_argument(
        "--console-id",
        default=os.environ.get("JMC_CONSOLE_ID"),
        help="this console's id in the audit chain (default: $JMC_CONSOLE_ID, else console-<host name>)",
    )
    gui.add_argument(
        "--demo",
        action="store_true",
        help="a private broker, the traffic simulator, a throw-away store and demo accounts",
    )
    gui.add_argument(
        "--vehicles", type=int, default=300, help="with --demo: simulated vehicles (default 300)"
    )
    gui.add_argument("--seed", type=int, default=1, help="with --demo: simulator seed")
    gui.add_argument("--speed", type=float, default=10.0, help="with --demo: simulated seconds per second")
    gui.add_argument("--anomaly-rate", type=float, default=0.05, help="with --demo: per trip and code")
    gui.add_argument("--amqtt", action="store_true", help="with --demo: the pure-Python broker")
    gui.add_argument("--sites", type=Path, help="sites GeoJSON (default: the bundled demo sites)")
    gui.add_argument("--roster", type=Path, help="roster JSON (default: the bundled demo roster)")
    gui.add_argument("--rules", type=Path, help="rule thresholds TOML")
    gui.add_argument("--language", choices=("zh_TW", "en"), help="UI language (default: the last one used)")
    gui.add_argument("--quit-after", type=float, metavar="SECONDS", help=argparse.SUPPRESS)  # smoke tests
    gui.add_argument("--screenshot", type=Path, metavar="PNG", help=argparse.SUPPRESS)  # with --quit-after


def run(args: argparse.Namespace) -> int:
    from desktop.app import run_gui

    return run_gui(args)


def display_available(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> bool:
    """Whether a window can be shown: Windows and macOS always; elsewhere an X or Wayland display,
    or an explicitly chosen Qt platform (``QT_QPA_PLATFORM``, e.g. ``offscreen``)."""
    if platform.startswith(("win", "darwin")):
        return True
    return any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def wants_window(args: argparse.Namespace, environ: Mapping[str, str] = os.environ) -> bool:
    """``jmc-console demo`` opens the console's window unless told ``--text`` (or ``--samples``)
    or no display is available; then it prints the text summary."""
    return not args.text and not args.samples and display_available(environ)


def gui_args_of_demo(args: argparse.Namespace) -> argparse.Namespace:
    """The ``gui --demo`` arguments equivalent to a ``demo`` command line."""
    return argparse.Namespace(
        command="gui", broker=None, db=None, upstream=None, console_id=os.environ.get("JMC_CONSOLE_ID"),
        demo=True, vehicles=args.vehicles, seed=args.seed, speed=args.speed,
        anomaly_rate=args.anomaly_rate, amqtt=args.amqtt, sites=None, roster=None, rules=None,
        language=getattr(args, "language", None), quit_after=args.duration, screenshot=None,
    )  # fmt: skip


def run_demo_window(args: argparse.Namespace) -> int:
    """``jmc-console demo`` on a display: the whole console on simulated traffic."""
    return run(gui_args_of_demo(args))
