"""Deterministic field-traffic simulator for JMC Console (no Qt, no broker needed).

    sim = Simulator(load_sites(...), load_roster(...), vehicles=100, seed=1)
    for t_send, topic, payload in sim.messages_until(sim.now + 600): ...

:mod:`desktop.sim.publish` sends the traffic to an MQTT broker in real time;
:mod:`desktop.sim.cli` is the ``jmc-console simulate`` command.
"""

from desktop.sim.anomalies import INJECTABLE, RAISES, AnomalyRates
from desktop.sim.engine import DEFAULT_START, Message, Simulator
from desktop.sim.records import SimStats, TripRecord
from desktop.sim.roads import RoadNetwork

__all__ = [
    "DEFAULT_START",
    "INJECTABLE",
    "RAISES",
    "AnomalyRates",
    "Message",
    "RoadNetwork",
    "SimStats",
    "Simulator",
    "TripRecord",
]
