"""A console process for the kill tests: ``python -m tests.store_console DB BROKER_URL ID``.

Ingest with a store (commit-before-ack), small batches and a small *Receive Maximum* so a
kill lands between receiving, committing and acknowledging. Prints ``ready`` once connected,
then runs until it is killed (or its stdin closes).
"""

from __future__ import annotations

import sys
import time

from desktop.ingest.broker import BrokerAddress
from desktop.ingest.link import ConsoleLink
from desktop.ingest.service import IngestService
from desktop.models.clock import SystemClock
from desktop.models.config import RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.store.api import Store
from tests.helpers import ROSTER, SITES


def main(db: str, url: str, console_id: str) -> None:
    store = Store.open(db, console_id=console_id)
    pipeline = Pipeline(SITES, ROSTER, RuleConfig.load(), SystemClock())
    link = ConsoleLink(BrokerAddress.parse(url), console_id, receive_maximum=100)
    service = IngestService(pipeline, link, store=store, flush_s=0.01, flush_msgs=40)
    service.start()
    deadline = time.monotonic() + 20
    while not link.connected and time.monotonic() < deadline:
        time.sleep(0.01)
    print("ready" if link.connected else "not connected", flush=True)
    sys.stdin.read()  # until the test closes our stdin (or kills us)
    service.stop()
    store.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
