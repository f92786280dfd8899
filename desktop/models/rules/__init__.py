"""The anomaly rules, in the order the runner applies them."""

from desktop.models.rules.base import FoldRule, HeardLog, RuleContext, TimerRule
from desktop.models.rules.gate_rules import GateNoScanRule
from desktop.models.rules.seal_rules import SEAL_RULES
from desktop.models.rules.timer_rules import TIMER_RULES as _TIMER_RULES
from desktop.models.rules.trip_rules import TRIP_RULES
from desktop.models.rules.vehicle_rules import VEHICLE_RULES

FOLD_RULES: tuple[FoldRule, ...] = (*TRIP_RULES, *SEAL_RULES, *VEHICLE_RULES)
TIMER_RULES: tuple[TimerRule, ...] = _TIMER_RULES

__all__ = [
    "FOLD_RULES",
    "TIMER_RULES",
    "FoldRule",
    "GateNoScanRule",
    "HeardLog",
    "RuleContext",
    "TimerRule",
]
