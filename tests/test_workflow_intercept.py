"""Notifying the gate reaches the kiosks' intercept list through a real Mosquitto.

The console may write only ``jmc/v1/{region}/ticket/+`` (broker_config ACL; the kiosks' own
``.../kiosk/{id}/intercept`` topics are theirs to write), and kiosks read their region's ticket
topics: the intercept request rides on the retained ticket state (docs/workflow.md).
"""

from __future__ import annotations

import json

import pytest

from desktop.ingest.broker import BrokerAddress
from desktop.ingest.link import ConsoleLink
from desktop.ingest.localbroker import LocalMosquitto, mosquitto_available
from desktop.workflow.actions import Party
from tests.broker import Probe
from tests.test_ingest_mqtt import wait_until
from tests.workflow_support import Desk, a06, seal_broken

pytestmark = pytest.mark.skipif(not mosquitto_available(), reason="mosquitto is not installed")


def ticket_states(probe: Probe, ticket_id: str) -> list[dict[str, object]]:
    return [json.loads(p) for t, p in probe.messages if t.endswith(f"/ticket/{ticket_id}") and p]


def test_notify_gate_reaches_a_kiosk_live_and_one_that_connects_later(broker: LocalMosquitto) -> None:
    link = ConsoleLink(BrokerAddress.parse(broker.url), "console-1", topics=())
    link.start()
    kiosk = Probe(broker.port, client_id="kiosk-keelung-1")
    try:
        wait_until(lambda: link.connected, 10, "console connected")
        assert kiosk.connect()
        kiosk.subscribe("jmc/v1/keelung/ticket/+")
        d = Desk()
        d.actions._publish = link.publish
        seal_broken(d.harness)
        t = a06(d.harness)
        d.actions.acknowledge(t.id)
        d.actions.notify(t.id, Party.GATE, "hold CSQU3054383 at the gate")
        topic = f"jmc/v1/keelung/ticket/{t.id}"
        assert kiosk.wait(lambda: any("intercept" in s for s in ticket_states(kiosk, t.id)), 10)
        state = ticket_states(kiosk, t.id)[-1]
        intercept = state["intercept"]
        assert isinstance(intercept, dict)
        assert intercept["containers"] == ["CSQU3054383"] and intercept["requested_by"] == "lin.officer"
        assert intercept["note"] == "hold CSQU3054383 at the gate" and state["status"] == "acknowledged"

        late = Probe(broker.port, client_id="kiosk-keelung-2")  # the retained state: the list at once
        try:
            assert late.connect()
            late.subscribe("jmc/v1/keelung/ticket/+")
            assert late.wait(lambda: bool(ticket_states(late, t.id)), 10)
            assert "intercept" in ticket_states(late, t.id)[-1]
        finally:
            late.client.disconnect()

        d.actions.cancel_intercept(t.id, "vehicle located")
        assert kiosk.wait(lambda: "intercept" not in ticket_states(kiosk, t.id)[-1], 10)
        assert any(tp == topic for tp, _ in kiosk.messages)
    finally:
        kiosk.client.disconnect()
        link.stop()
