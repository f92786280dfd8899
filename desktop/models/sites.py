"""Sites (卸存地), gates (門哨) and rosters (protocol §4), with fast point-in-site lookups."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely import STRtree
from shapely.affinity import scale, translate
from shapely.geometry import Polygon, shape
from shapely.validation import explain_validity

from desktop.models.geo import local_projector
from desktop.models.pip import Ring, covers
from desktop.models.validation import REGIONS


class SitesFileError(ValueError):
    """A sites or roster file that cannot be used; the message says where and what."""


@dataclass(frozen=True, slots=True)
class Site:
    """A site with its geofence (電子圍籬)."""

    code: str
    name_zh: str
    name_en: str
    region: str
    kind: str
    polygon: Polygon = field(repr=False, compare=False)
    bbox: tuple[float, float, float, float] = field(repr=False, compare=False)
    shell: Ring = field(default=(), repr=False, compare=False)
    holes: tuple[Ring, ...] = field(default=(), repr=False, compare=False)

    def contains(self, lon: float, lat: float) -> bool:
        """Whether the point is inside the geofence, boundary included."""
        x0, y0, x1, y1 = self.bbox
        if lon < x0 or lon > x1 or lat < y0 or lat > y1:
            return False
        return covers(lon, lat, self.shell, self.holes)


@dataclass(frozen=True, slots=True)
class Gate:
    """A port gate, belonging to a site."""

    gate_id: str
    site_code: str
    name_zh: str
    name_en: str
    lon: float
    lat: float


class SiteIndex:
    """All sites and gates, with an STRtree for "which site is this point in"."""

    def __init__(self, sites: Iterable[Site], gates: Iterable[Gate] = ()) -> None:
        self.sites: dict[str, Site] = {s.code: s for s in sites}
        self.gates: dict[str, Gate] = {g.gate_id: g for g in gates}
        self._ordered = list(self.sites.values())
        self._tree = STRtree([s.polygon for s in self._ordered])
        self._distance_cache: dict[tuple[str, str], float] = {}

    def get(self, code: str) -> Site | None:
        """The site with this code, if known."""
        return self.sites.get(code)

    def sites_at(self, lon: float, lat: float) -> list[Site]:
        """Every site whose geofence contains the point (boundary included)."""
        hits = self._tree.query(shapely.points(lon, lat), predicate="intersects")
        return [self._ordered[i] for i in sorted(hits)]

    def in_any_site(self, lon: float, lat: float) -> bool:
        """Whether the point lies in some site."""
        return len(self._tree.query(shapely.points(lon, lat), predicate="intersects")) > 0

    def distance_m(self, a: str, b: str) -> float:
        """Shortest straight-line distance in metres between two sites' geofences."""
        key = (a, b) if a <= b else (b, a)
        cached = self._distance_cache.get(key)
        if cached is None:
            pa, pb = self.sites[a].polygon, self.sites[b].polygon
            c = shapely.union(pa, pb).centroid
            sx, sy = local_projector(c.y, c.x)
            qa = scale(translate(pa, -c.x, -c.y), sx, sy, origin=(0, 0))
            qb = scale(translate(pb, -c.x, -c.y), sx, sy, origin=(0, 0))
            cached = self._distance_cache[key] = float(qa.distance(qb))
        return cached


def _ring(coords: Iterable[Any]) -> Ring:
    """A ring's vertices without the closing repeat."""
    points = tuple((float(c[0]), float(c[1])) for c in coords)
    return points[:-1] if len(points) > 1 and points[0] == points[-1] else points


def _feature_label(i: int, props: Mapping[str, Any]) -> str:
    name = props.get("site_code") if props.get("kind") != "gate" else props.get("gate_id")
    return f"feature {i}" + (f" ({name})" if isinstance(name, str) else "")


def _text(props: Mapping[str, Any], key: str, where: str) -> str:
    value = props.get(key)
    if not isinstance(value, str) or not value:
        raise SitesFileError(f"{where}: property {key!r} must be a non-empty string")
    return value


def parse_sites(data: Any, source: str = "sites") -> SiteIndex:
    """Build a :class:`SiteIndex` from a parsed GeoJSON FeatureCollection.

    Raises:
        SitesFileError: naming the feature and what is wrong with it.
    """
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise SitesFileError(f"{source}: not a GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list):
        raise SitesFileError(f"{source}: 'features' must be a list")
    sites: dict[str, Site] = {}
    gates: dict[str, Gate] = {}
    for i, feature in enumerate(features):
        if not isinstance(feature, dict):
            raise SitesFileError(f"{source}: feature {i} is not an object")
        props = feature.get("properties")
        if not isinstance(props, dict):
            raise SitesFileError(f"{source}: feature {i} has no properties object")
        where = f"{source}: {_feature_label(i, props)}"
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict):
            raise SitesFileError(f"{where}: has no geometry")
        try:
            geom = shape(geometry)
        except Exception as exc:
            raise SitesFileError(f"{where}: unreadable geometry ({exc})") from exc
        if props.get("kind") == "gate":
            gate_id = _text(props, "gate_id", where)
            if geom.geom_type != "Point":
                raise SitesFileError(f"{where}: a gate must be a Point, not {geom.geom_type}")
            if gate_id in gates:
                raise SitesFileError(f"{where}: gate_id {gate_id} appears twice")
            gates[gate_id] = Gate(
                gate_id,
                _text(props, "site_code", where),
                _text(props, "name_zh", where),
                _text(props, "name_en", where),
                float(geom.x),
                float(geom.y),
            )
            continue
        code = _text(props, "site_code", where)
        if geom.geom_type != "Polygon":
            raise SitesFileError(f"{where}: a site must be a Polygon, not {geom.geom_type}")
        if not geom.is_empty and not geom.is_valid:
            raise SitesFileError(f"{where}: invalid polygon ({explain_validity(geom)})")
        if geom.is_empty or geom.area <= 0:
            raise SitesFileError(f"{where}: the polygon is empty (a geofence needs an area)")
        region = _text(props, "region", where)
        if region not in REGIONS:
            raise SitesFileError(f"{where}: region {region!r} is not one of {sorted(REGIONS)}")
        if code in sites:
            raise SitesFileError(f"{where}: site_code {code} appears twice")
        shapely.prepare(geom)
        sites[code] = Site(
            code,
            _text(props, "name_zh", where),
            _text(props, "name_en", where),
            region,
            _text(props, "kind", where),
            geom,
            tuple(float(v) for v in geom.bounds),  # type: ignore[arg-type]
            _ring(geom.exterior.coords),
            tuple(_ring(hole.coords) for hole in geom.interiors),
        )
    for gate in gates.values():
        if gate.site_code not in sites:
            raise SitesFileError(f"{source}: gate {gate.gate_id} names unknown site {gate.site_code}")
    if not sites:
        raise SitesFileError(f"{source}: no sites (Polygon features) in the file")
    return SiteIndex(sites.values(), gates.values())


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SitesFileError(f"{path}: cannot read ({exc.strerror})") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SitesFileError(f"{path}: not valid JSON ({exc})") from exc


def load_sites(path: str | Path) -> SiteIndex:
    """Load a sites GeoJSON file. Raises :class:`SitesFileError` on any problem."""
    return parse_sites(_read_json(Path(path)), str(path))


Roster = Mapping[str, frozenset[str]]


def parse_roster(data: Any, source: str = "roster", sites: SiteIndex | None = None) -> Roster:
    """Build a roster ``site_code -> officer ids`` from parsed JSON.

    Raises:
        SitesFileError: naming the entry and what is wrong with it.
    """
    if not isinstance(data, dict):
        raise SitesFileError(f"{source}: a roster must be an object of site_code -> [officer_id]")
    roster: dict[str, frozenset[str]] = {}
    for code, officers in data.items():
        if sites is not None and sites.get(code) is None:
            raise SitesFileError(f"{source}: site {code!r} is not in the sites file")
        if not isinstance(officers, list) or not all(isinstance(o, str) and o for o in officers):
            raise SitesFileError(f"{source}: site {code!r} must list officer ids as strings")
        roster[code] = frozenset(officers)
    return roster


def load_roster(path: str | Path, sites: SiteIndex | None = None) -> Roster:
    """Load a roster JSON file. Raises :class:`SitesFileError` on any problem."""
    return parse_roster(_read_json(Path(path)), str(path), sites)
