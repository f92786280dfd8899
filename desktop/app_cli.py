"""``jmc-console gui``: the command line of the main window (Qt is imported only when it runs)."""

from __future__ import annotations

import argparse
import os
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
        help="mqtt[s]://host[:port] (default: $JMC_BROKER; none: offline)",
    )
    gui.add_argument("--demo", action="store_true", help="start a private broker and the traffic simulator")
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
