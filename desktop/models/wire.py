"""Wire payloads of protocol §3 as strict msgspec structs.

Typing is strict: a JSON string is never a number, ``true`` is never an int, ``null`` is
never a value of a typed optional field (an absent field is ``UNSET``). Unknown extra fields
are ignored for forward compatibility. Semantic checks that a schema cannot express (ISO
6346 check digits, topic/payload id match, clock skew) live in :mod:`desktop.models.validation`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

DeviceId = Annotated[str, Meta(min_length=1, max_length=32, pattern=r"^[A-Z0-9-]+$")]
OrderNo = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[A-Z0-9-]+$")]
ContainerNo = Annotated[str, Meta(min_length=11, max_length=11)]
Text = Annotated[str, Meta(min_length=1, max_length=64)]
Seq = Annotated[int, Meta(ge=0, le=2**63 - 1)]
Time = Annotated[datetime, Meta(tz=True)]
Lat = Annotated[float, Meta(ge=-90.0, le=90.0)]
Lon = Annotated[float, Meta(ge=-180.0, le=180.0)]
Speed = Annotated[float, Meta(ge=0.0, le=250.0)]
Heading = Annotated[float, Meta(ge=0.0, le=360.0)]
Percent = Annotated[float, Meta(ge=0.0, le=100.0)]
TransitMinutes = Annotated[int, Meta(ge=5, le=2880)]


class ObuTelemetry(Struct, kw_only=True, frozen=True, gc=False):
    """§3.1 OBU telemetry."""

    v: Literal[1]
    obu_id: DeviceId
    seq: Seq
    ts: Time
    lat: Lat
    lon: Lon
    ext_power: bool
    speed_kmh: Speed | UnsetType = UNSET
    heading: Heading | UnsetType = UNSET
    fix: Literal["none", "2d", "3d"] | UnsetType = UNSET
    plate: Text | UnsetType = UNSET


class SealStatus(Struct, kw_only=True, frozen=True, gc=False):
    """§3.2 active seal status."""

    v: Literal[1]
    seal_id: DeviceId
    seq: Seq
    ts: Time
    obu_id: DeviceId
    state: Literal["sealed", "unsealed", "open"]
    pin: Literal["ok", "abnormal", "cut"]
    battery_pct: Percent
    lat: Lat | UnsetType = UNSET
    lon: Lon | UnsetType = UNSET


class SealEvent(Struct, kw_only=True, frozen=True, gc=False):
    """§3.3 active seal event."""

    v: Literal[1]
    seal_id: DeviceId
    seq: Seq
    ts: Time
    event: Literal["sealed", "unsealed", "tamper"]
    method: Literal["auto_geofence", "manual_app", "cut_authorised"] | UnsetType = UNSET
    order_no: OrderNo | UnsetType = UNSET
    container_no: ContainerNo | UnsetType = UNSET
    officer_id: Text | UnsetType = UNSET
    photo_id: Text | UnsetType = UNSET
    lat: Lat | UnsetType = UNSET
    lon: Lon | UnsetType = UNSET


class NfcRead(Struct, kw_only=True, frozen=True, gc=False):
    """§3.4 NFC read of a passive or e-paper seal by an officer's phone."""

    v: Literal[1]
    seal_id: DeviceId
    seq: Seq
    ts: Time
    device_id: Text
    kind: Literal["departure", "arrival", "read_only"]
    seal_type: Literal["passive", "epaper"]
    order_no: OrderNo
    container_no: ContainerNo
    site_code: Text
    officer_id: Text
    photo_id: Text | UnsetType = UNSET
    lat: Lat | UnsetType = UNSET
    lon: Lon | UnsetType = UNSET
    location_tag: Text | UnsetType = UNSET


class OrderContainer(Struct, kw_only=True, frozen=True, gc=False):
    """One container of a transport order."""

    container_no: ContainerNo
    seal_id: DeviceId
    seal_type: Literal["active", "passive", "epaper"]


class TransportOrder(Struct, kw_only=True, frozen=True, gc=False):
    """§3.5 transport order (運送單)."""

    v: Literal[1]
    order_no: OrderNo
    ts: Time
    status: Literal["open", "cancelled"]
    origin_site: Text
    dest_site: Text
    containers: Annotated[list[OrderContainer], Meta(min_length=1, max_length=4)]
    max_transit_min: TransitMinutes
    plate: Text | UnsetType = UNSET
    obu_id: DeviceId | UnsetType = UNSET
    driver_id: Text | UnsetType = UNSET
    planned_departure: Time | UnsetType = UNSET
    cargo: Literal["import", "export", "transhipment", "transit", "other"] | UnsetType = UNSET
    risk: Literal["low", "medium", "high"] | UnsetType = UNSET


class GatePass(Struct, kw_only=True, frozen=True, gc=False):
    """§3.6 gate pass."""

    v: Literal[1]
    gate_id: DeviceId
    seq: Seq
    ts: Time
    site_code: Text
    direction: Literal["in", "out"]
    container_nos: Annotated[list[ContainerNo], Meta(max_length=4)]
    scan_required: bool
    scanned: bool
    plate: Text | UnsetType = UNSET


WirePayload = ObuTelemetry | SealStatus | SealEvent | NfcRead | TransportOrder | GatePass
