"""Tables of the places and movements: sites, gates, orders, trips and their replay tracks."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.base import Base


class SiteRow(Base):
    """A site (場站) and its geofence (GeoJSON geometry text)."""

    __tablename__ = "sites"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    region: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    geofence_geojson: Mapped[str] = mapped_column(Text)


class GateRow(Base):
    """A gate (門哨) of a site."""

    __tablename__ = "gates"

    gate_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    site_code: Mapped[str] = mapped_column(ForeignKey("sites.code"), index=True)
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)


class OrderRow(Base):
    """The latest version of a transport order (運送單) the console accepted."""

    __tablename__ = "orders"

    order_no: Mapped[str] = mapped_column(String(40), primary_key=True)
    region: Mapped[str] = mapped_column(String(32), index=True)
    ts: Mapped[float] = mapped_column(Float)  # device time of this version, epoch seconds
    status: Mapped[str] = mapped_column(String(16))  # open | cancelled
    origin_site: Mapped[str] = mapped_column(String(32))
    dest_site: Mapped[str] = mapped_column(String(32))
    max_transit_min: Mapped[int] = mapped_column(Integer)
    plate: Mapped[str | None] = mapped_column(String(64), nullable=True)
    obu_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    payload_json: Mapped[str] = mapped_column(Text)  # the order as received (canonical JSON)


class TripRow(Base):
    """A trip's milestones as the pipeline last derived them (one trip per order)."""

    __tablename__ = "trips"

    order_no: Mapped[str] = mapped_column(ForeignKey("orders.order_no"), primary_key=True)
    region: Mapped[str] = mapped_column(String(32), index=True)
    phase: Mapped[str] = mapped_column(String(16))
    opened_ts: Mapped[float] = mapped_column(Float)
    t_dep: Mapped[float | None] = mapped_column(Float, nullable=True)
    t_arr: Mapped[float | None] = mapped_column(Float, nullable=True)
    t_complete: Mapped[float | None] = mapped_column(Float, nullable=True)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    track_points: Mapped[int] = mapped_column(Integer, default=0)  # rows in track_points
    updated_at: Mapped[float] = mapped_column(Float)  # console time, epoch seconds


class TrackPoint(Base):
    """One point of a trip's downsampled position track (for replay on the map)."""

    __tablename__ = "track_points"
    __table_args__ = (UniqueConstraint("trip_id", "ts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trip_id: Mapped[str] = mapped_column(ForeignKey("trips.order_no", ondelete="CASCADE"))
    ts: Mapped[float] = mapped_column(Float)  # device time, epoch seconds
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    speed_kmh: Mapped[float | None] = mapped_column(Float, nullable=True)
