"""`jmc-console demo`: broker + simulator + console with a live summary, then a clean stop."""

from __future__ import annotations

import argparse
import io
import threading

import pytest

from desktop.cli import _parser
from desktop.demo import run_demo
from desktop.ingest.localbroker import mosquitto_available


def demo_args(*extra: str) -> argparse.Namespace:
    return _parser().parse_args(["demo", "--vehicles", "60", "--speed", "30", "--duration", "6", *extra])


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param((), marks=pytest.mark.skipif(not mosquitto_available(), reason="no mosquitto")),
        ("--amqtt",),
    ],
    ids=["mosquitto", "amqtt"],
)
def test_demo_runs_shows_a_live_summary_and_stops_everything(extra: tuple[str, ...]) -> None:
    before = {t.name for t in threading.enumerate()}
    out, err = io.StringIO(), io.StringIO()
    assert run_demo(demo_args(*extra), out, err) == 0
    lines = [line for line in out.getvalue().splitlines() if "msgs/s" in line]
    assert len(lines) >= 4
    assert "已連線 connected" in lines[-1] and "運送中 trips    60" in lines[-1]
    rates = [float(line.split("|")[1].split()[0]) for line in lines]
    assert max(rates) > 0  # traffic flowed from the simulator through the broker to the console
    if extra:
        assert "FOR DEMONSTRATION ONLY" in err.getvalue()
    leftover = {t.name for t in threading.enumerate() if t.is_alive()} - before
    assert not {name for name in leftover if name.startswith(("jmc-", "paho", "demo-", "amqtt"))}
