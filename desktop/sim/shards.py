"""Publishing from several processes, for more messages per second than one paho client does.

Each worker process owns one :class:`~desktop.sim.publish.MqttPublisher` (its own MQTT
connection, client id ``<id>-<n>``). All messages of one device (the id in the topic) go
through the same worker, so every device's messages still reach the broker in order. Batches
travel over pipes, whose buffers give back-pressure. Workers ignore Ctrl-C: the parent stops
them (flushing what they hold) when it is stopped.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import threading
import time
import zlib
from multiprocessing.connection import Connection
from typing import Any

from desktop.ingest.broker import BrokerAddress
from desktop.sim.publish import MqttPublisher, PublishError

log = logging.getLogger(__name__)

BATCH = 256  # messages per pipe transfer
_Counters = Any  # multiprocessing.Array of int64: published, acked per worker


def _worker(
    broker: BrokerAddress,
    index: int,
    client_id: str,
    max_inflight: int,
    conn: Connection,
    counters: _Counters,
    flush_s: float,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    fmt = f"%(asctime)s %(levelname)s [publisher {index}] %(message)s"
    logging.basicConfig(level=logging.INFO, format=fmt)
    publisher = MqttPublisher(broker, client_id=f"{client_id}-{index}", max_inflight=max_inflight)
    try:
        publisher.connect()
    except PublishError as exc:
        conn.send(("error", str(exc)))
        return
    conn.send(("ok", ""))
    try:
        while True:
            if not conn.poll(0.05):
                publisher.service()
            else:
                batch = conn.recv()
                if batch is None:
                    break
                for topic, payload in batch:
                    publisher.send(topic, payload)
            counters[2 * index] = publisher.published
            counters[2 * index + 1] = publisher.acked
    except (EOFError, OSError):  # the parent went away
        pass
    finally:
        publisher.close(flush_s)
        counters[2 * index] = publisher.published
        counters[2 * index + 1] = publisher.acked


class ShardedPublisher:
    """A :class:`~desktop.sim.publish.Sink` publishing through ``workers`` processes."""

    def __init__(
        self,
        broker: BrokerAddress,
        workers: int,
        *,
        client_id: str | None = None,
        max_inflight: int = 10_000,
        stop: threading.Event | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.broker = broker
        self.count = workers
        self.client_id = client_id or f"jmc-sim-{os.getpid()}"
        self.max_inflight = max_inflight
        self.stop = stop or threading.Event()
        self._ctx = mp.get_context("spawn")  # also what Windows does
        self._counters = self._ctx.Array("q", 2 * workers, lock=False)
        self._pipes: list[Connection] = []
        self._procs: list[Any] = []
        self._buffers: list[list[tuple[str, bytes]]] = [[] for _ in range(workers)]

    @property
    def published(self) -> int:
        return int(sum(self._counters[0::2])) + sum(len(b) for b in self._buffers)

    @property
    def acked(self) -> int:
        return int(sum(self._counters[1::2]))

    @property
    def pending(self) -> int:
        return self.published - self.acked

    def connect(self, timeout: float = 15.0) -> None:
        """Start the workers and wait until each is connected.

        Raises:
            PublishError: when a worker cannot connect (all are stopped then).
        """
        for index in range(self.count):
            parent, child = self._ctx.Pipe()
            args = (self.broker, index, self.client_id, self.max_inflight, child, self._counters, 5.0)
            name = f"jmc-sim-publisher-{index}"
            proc = self._ctx.Process(target=_worker, args=args, name=name, daemon=True)
            proc.start()
            child.close()
            self._pipes.append(parent)
            self._procs.append(proc)
        deadline = time.monotonic() + timeout
        for index, pipe in enumerate(self._pipes):
            if not pipe.poll(max(0.0, deadline - time.monotonic())):
                self.close(flush_s=0)
                raise PublishError(f"publisher {index} did not connect to {self.broker} within {timeout:g} s")
            status, detail = pipe.recv()
            if status != "ok":
                self.close(flush_s=0)
                raise PublishError(detail)

    def send(self, topic: str, payload: bytes) -> bool:
        if self.stop.is_set():
            return False
        device = topic.split("/", 5)[4]
        shard = zlib.crc32(device.encode()) % self.count
        buffer = self._buffers[shard]
        buffer.append((topic, payload))
        if len(buffer) >= BATCH:
            self._pipes[shard].send(buffer)
            self._buffers[shard] = []
        return True

    def _drain(self) -> None:
        for shard, buffer in enumerate(self._buffers):
            if buffer:
                self._pipes[shard].send(buffer)
                self._buffers[shard] = []

    def idle(self, seconds: float) -> None:
        self._drain()
        time.sleep(seconds)

    def close(self, flush_s: float = 5.0) -> None:
        """Hand over what is buffered, let each worker flush (at most ``flush_s``), stop them."""
        try:
            if flush_s > 0:
                self._drain()
            for pipe in self._pipes:
                pipe.send(None)
        except (OSError, ValueError):
            pass
        deadline = time.monotonic() + flush_s + 2.0
        for proc in self._procs:
            proc.join(max(0.1, deadline - time.monotonic()))
            if proc.is_alive():
                proc.terminate()
                proc.join(1.0)
        for pipe in self._pipes:
            pipe.close()
        self._pipes, self._procs = [], []
