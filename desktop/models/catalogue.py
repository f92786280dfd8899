"""The anomaly catalogue of protocol §6.1: codes, names, severities and who handles them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


SEVERITY_RANK: Final = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


class Phase(StrEnum):
    """Where in a trip an anomaly belongs; decides the handling unit (§6.4 分工)."""

    DEPARTURE = "departure"
    ARRIVAL = "arrival"
    TRANSIT = "transit"
    GATE = "gate"  # A11: departure or arrival depending on the pass direction


@dataclass(frozen=True, slots=True)
class AnomalyType:
    """One row of the catalogue."""

    code: str
    name: str
    name_zh: str
    severity: Severity
    phase: Phase


def _t(code: str, name: str, zh: str, sev: Severity, phase: Phase) -> AnomalyType:
    return AnomalyType(code, name, zh, sev, phase)


_S = Severity
_P = Phase
CATALOGUE: Final[dict[str, AnomalyType]] = {
    t.code: t
    for t in (
        _t("A01", "SEAL_PIN_ABNORMAL", "封條異常(插銷異常)", _S.HIGH, _P.TRANSIT),
        _t("A02", "SEAL_LOST", "封條失聯", _S.HIGH, _P.TRANSIT),
        _t("A03", "SEAL_SEPARATED", "封條連續脫離", _S.HIGH, _P.TRANSIT),
        _t("A04", "OBU_POWER_REMOVED", "車機拔除電源", _S.HIGH, _P.TRANSIT),
        _t("A05", "VEHICLE_LOST", "車輛失聯", _S.HIGH, _P.TRANSIT),
        _t("A06", "SEAL_BROKEN", "封條破壞", _S.CRITICAL, _P.TRANSIT),
        _t("A07", "DEPARTED_UNSEALED", "出站未加封", _S.CRITICAL, _P.DEPARTURE),
        _t("A08", "LATE_ARRIVAL", "到站逾時", _S.MEDIUM, _P.ARRIVAL),
        _t("A09", "OVERDUE", "逾時未到站", _S.MEDIUM, _P.TRANSIT),
        _t("A10", "SEAL_LOW_BATTERY", "封條低電量", _S.LOW, _P.TRANSIT),
        _t("A11", "GATE_NO_SCAN", "出哨未儀檢", _S.HIGH, _P.GATE),
        _t("A12", "UNSCHEDULED_STOP", "異常停留", _S.MEDIUM, _P.TRANSIT),
        _t("A13", "GNSS_JUMP", "定位跳躍", _S.HIGH, _P.TRANSIT),
        _t("T1", "IMPLAUSIBLE_TRANSIT", "運送時間不合理", _S.CRITICAL, _P.TRANSIT),
        _t("S2", "DEPARTURE_NOT_READ", "出站未讀取", _S.MEDIUM, _P.DEPARTURE),
        _t("S3", "LATE_ARRIVAL", "逾時進站", _S.MEDIUM, _P.ARRIVAL),
        _t("S4", "READER_NOT_AUTHORISED", "進站讀取人員不符", _S.HIGH, _P.ARRIVAL),
        _t("S7", "OVERDUE", "逾時未進站", _S.MEDIUM, _P.TRANSIT),
        _t("S8", "ARRIVAL_NOT_READ", "未到站讀取", _S.MEDIUM, _P.ARRIVAL),
    )
}

#: Codes derived by folding a trip's messages in device-time order (rebuilt on late input).
FOLD_CODES: Final = frozenset(
    {"A01", "A03", "A04", "A06", "A07", "A08", "A10", "A12", "A13", "T1", "S2", "S3", "S4"}
)
#: Codes raised by timers on the console clock (never withdrawn by later input).
TIMER_CODES: Final = frozenset({"A02", "A05", "A09", "S7", "S8"})
#: §6.3: closed automatically when the trip completes normally ...
AUTO_CLOSABLE: Final = frozenset({"A01", "A02", "A03", "A04", "A05", "A08", "A09", "A10"})
#: ... unless the trip has any of these.
AUTO_CLOSE_BLOCKERS: Final = frozenset({"A06", "A07", "A12", "A13", "T1"})
#: Tickets identified by their gate pass alone: the order holding the container is an
#: attribute that may be learnt (or corrected) later, so it is not part of the identity.
KEYED_BY_SUBJECT: Final = frozenset({"A11"})
#: A09/S7: escalate to critical after the configured hours; closing needs "police notified".
ESCALATING: Final = frozenset({"A09", "S7"})


class UnitKind(StrEnum):
    ORIGIN_OFFICE = "origin_office"
    DESTINATION_OFFICE = "destination_office"
    MONITORING_CENTRE = "monitoring_centre"


@dataclass(frozen=True, slots=True)
class HandlingUnit:
    """Who works a ticket (§6.4). The monitoring centre dispatches to ``site_code``'s office."""

    kind: UnitKind
    site_code: str | None

    def label_zh(self) -> str:
        """Traditional Chinese label for screens."""
        names = {
            UnitKind.ORIGIN_OFFICE: "起運地關區",
            UnitKind.DESTINATION_OFFICE: "目的地關區",
            UnitKind.MONITORING_CENTRE: "聯合管理中心",
        }
        return names[self.kind] + (f" ({self.site_code})" if self.site_code else "")


def handling_unit(
    code: str, origin: str | None, destination: str | None, gate_direction: str | None = None
) -> HandlingUnit:
    """The handling unit of a ticket of ``code`` on a trip from ``origin`` to ``destination``.

    For A11 the gate's own site stands in when the pass belongs to no order.
    """
    phase = CATALOGUE[code].phase
    if phase is Phase.GATE:
        phase = Phase.DEPARTURE if gate_direction == "out" else Phase.ARRIVAL
    if phase is Phase.DEPARTURE:
        return HandlingUnit(UnitKind.ORIGIN_OFFICE, origin)
    if phase is Phase.ARRIVAL:
        return HandlingUnit(UnitKind.DESTINATION_OFFICE, destination)
    return HandlingUnit(UnitKind.MONITORING_CENTRE, destination)
