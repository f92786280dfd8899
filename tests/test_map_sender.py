"""The map's batch thread: ordering of batches and commands, readiness, the 250 ms rhythm."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.live.views import FeedDelta
from desktop.map.batch import BatchBuilder
from desktop.map.sender import BATCH, COMMAND, BatchSender
from tests.map_gui import trip

pytestmark = pytest.mark.timeout(60)


class Collector:
    def __init__(self) -> None:
        self.items: list[tuple[str, Any]] = []
        self.threads: set[int] = set()

    def __call__(self, kind: str, text: str) -> None:
        self.items.append((kind, json.loads(text)))
        self.threads.add(threading.get_ident())


@pytest.fixture
def sender(qapp: Any) -> Iterator[tuple[BatchSender, Collector]]:
    s = BatchSender(BatchBuilder(), interval_s=0.25)
    got = Collector()
    s.outgoing.connect(got, Qt.ConnectionType.QueuedConnection)
    yield s, got
    s.stop()


def test_nothing_leaves_before_the_page_is_ready_then_everything_does(sender: Any, qtbot: Any) -> None:
    s, got = sender
    s.put_delta(FeedDelta(changed=[trip("A", 22.5, 120.3)]))
    s.put_delta(FeedDelta(changed=[trip("B", 22.6, 120.3)]))
    qtbot.wait(400)
    assert got.items == []
    s.set_ready(True)
    qtbot.waitUntil(lambda: len(got.items) == 1, timeout=3000)
    kind, batch = got.items[0]
    assert kind == BATCH and sorted(row[1] for row in batch["m"]) == ["A", "B"]
    assert got.threads == {threading.get_ident()}  # delivered on the GUI thread


def test_a_command_follows_the_changes_handed_over_before_it(sender: Any, qtbot: Any) -> None:
    s, got = sender
    s.set_ready(True)
    s.put_delta(FeedDelta(changed=[trip("C", 22.5, 120.3)]))
    s.put_command(json.dumps({"op": "focus", "id": "C"}))
    qtbot.waitUntil(lambda: len(got.items) == 2, timeout=3000)
    assert [kind for kind, _ in got.items] == [BATCH, COMMAND]
    assert got.items[0][1]["m"][0][1] == "C" and got.items[1][1]["id"] == "C"


def test_deltas_are_coalesced_into_at_most_five_batches_a_second(sender: Any, qtbot: Any) -> None:
    s, got = sender
    s.set_ready(True)
    started = time.monotonic()
    for k in range(40):  # 40 deltas over about a second
        s.put_delta(FeedDelta(changed=[trip("D", 22.5 + k / 1000, 120.3)]))
        qtbot.wait(25)
    qtbot.wait(400)
    elapsed = time.monotonic() - started
    batches = [b for kind, b in got.items if kind == BATCH]
    assert 2 <= len(batches) <= elapsed / 0.2 + 1  # a slow machine only makes fewer
    assert batches[-1]["m"] == [] and len(batches) < 40  # coalesced, not one per delta


def test_a_failing_delta_is_logged_and_the_thread_goes_on(
    sender: Any, qtbot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    s, got = sender
    s.set_ready(True)
    s.put_delta("not a delta")  # type: ignore[arg-type]
    s.flush_soon()
    qtbot.waitUntil(lambda: "building a batch failed" in caplog.text, timeout=3000)
    s.put_delta(FeedDelta(changed=[trip("E", 22.5, 120.3)]))
    s.flush_soon()
    qtbot.waitUntil(lambda: any(kind == BATCH for kind, _ in got.items), timeout=3000)
