"""The map page: generated once by folium, then made fully offline (every URL is ``app://``).

folium builds the Leaflet map and the site geofences and gates as GeoJson layers; its default
CDN scripts and styles (Leaflet, jQuery, Bootstrap, Font Awesome...) are replaced by the vendored
Leaflet alone, and :class:`JmcScripts` adds the console's own scripts (QWebChannel, the basemap,
the live vehicle layer, replay) and starts them. :func:`make_offline` is the last safety net:
it rewrites any CDN reference folium still emits to the vendored copy and refuses a page that
would reach any other ``http(s)://`` address.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Final

import folium
from folium.elements import JSCSSMixin
from jinja2 import Template

from desktop.map.mbtiles import TileSourceInfo
from desktop.map.symbols import PHASE_LABELS, REGION_LABELS, conflict_json, styles_json
from desktop.models.sites import SiteIndex

STATIC_URL: Final = "app://static/"
LEAFLET_JS: Final = STATIC_URL + "leaflet/leaflet.js"
LEAFLET_CSS: Final = STATIC_URL + "leaflet/leaflet.css"
TILE_URL: Final = "app://tiles/{z}/{x}/{y}.png"

# CDN addresses folium (any 0.x) may emit, and their vendored copies
_CDN_LEAFLET: Final = re.compile(r"https?://[^\"'\s]*/leaflet(?:@[\d.]+|/[\d.]+)?/dist/leaflet\.(js|css)")
_ANY_WEB_URL: Final = re.compile(r"https?://[^\"'\s<>)]*", re.IGNORECASE)

# our scripts, in load order (after Leaflet)
JMC_SCRIPTS: Final = (
    "app://qt/qwebchannel.js",
    STATIC_URL + "basemap/taiwan-land.js",
    STATIC_URL + "jmc/symbols.js",
    STATIC_URL + "jmc/lang.js",
    STATIC_URL + "jmc/vehicles.js",
    STATIC_URL + "jmc/blit.js",
    STATIC_URL + "jmc/draw.js",
    STATIC_URL + "jmc/cluster.js",
    STATIC_URL + "jmc/labels.js",
    STATIC_URL + "jmc/replay.js",
    STATIC_URL + "jmc/legend.js",
    STATIC_URL + "jmc/core.js",
)
JMC_CSS: Final = STATIC_URL + "jmc/map.css"


class OfflinePageError(RuntimeError):
    """The generated page would load something from outside the console."""


@dataclass(frozen=True)
class PageOptions:
    """What the page is told at start; everything else arrives through the channel."""

    trail_minutes: float = 5.0
    cluster_below_zoom: int = 12
    language: str = "zh_TW"  # "zh_TW" | "en": which language comes first (MapView.set_language)
    tiles: TileSourceInfo | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class JmcScripts(JSCSSMixin, folium.MacroElement):
    """Loads the console's scripts after Leaflet and starts them on the folium map."""

    _template = Template(
        """{% macro script(this, kwargs) %}
    JMC.start({{ this._parent.get_name() }}, {{ this.geofences }}, {{ this.gates }}, {{ this.config }});
{% endmacro %}"""
    )

    def __init__(self, geofences: folium.GeoJson, gates: folium.GeoJson, config: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "JmcScripts"
        self.default_js = [(f"jmc_{i}", url) for i, url in enumerate(JMC_SCRIPTS)]
        self.default_css = [("jmc_css", JMC_CSS)]
        self.geofences = geofences.get_name()
        self.gates = gates.get_name()
        # JSON inside <script>: "</" must not close the element
        self.config = json.dumps(config, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")


def _gate_label(site_name: str, gate_name: str) -> str:
    """「一號管制站」 from 「基隆港西岸貨櫃碼頭一號管制站」: the site's own label already names it."""
    short = gate_name.removeprefix(site_name)
    return short or gate_name


def _site_features(sites: SiteIndex) -> dict[str, Any]:
    features = []
    for site in sites.sites.values():
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[list(p) for p in site.polygon.exterior.coords]],
                },
                "properties": {
                    "site_code": site.code,
                    "name_zh": site.name_zh,
                    "name_en": site.name_en,
                    "region": site.region,
                    "kind": site.kind,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _gate_features(sites: SiteIndex) -> dict[str, Any]:
    features = []
    for gate in sites.gates.values():
        site = sites.sites[gate.site_code]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [gate.lon, gate.lat]},
                "properties": {
                    "gate_id": gate.gate_id,
                    "site_code": gate.site_code,
                    "name_zh": gate.name_zh,
                    "name_en": gate.name_en,
                    "label": _gate_label(site.name_zh, gate.name_zh),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def region_bounds(sites: SiteIndex, region: str | None) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) around a region's sites (all sites when None); None if unknown."""
    boxes = [s.bbox for s in sites.sites.values() if region is None or s.region == region]
    if not boxes:
        return None
    return (
        min(b[1] for b in boxes),
        min(b[0] for b in boxes),
        max(b[3] for b in boxes),
        max(b[2] for b in boxes),
    )


def page_config(sites: SiteIndex, options: PageOptions) -> dict[str, Any]:
    regions = []
    for key in sorted({s.region for s in sites.sites.values()}):
        south, west, north, east = region_bounds(sites, key) or (0.0, 0.0, 0.0, 0.0)
        label = REGION_LABELS.get(key, (key, ""))
        side = "right" if (west + east) / 2 > 121.5 else "left"  # away from its neighbour port / into the sea
        regions.append({"key": key, "label": label, "side": side, "bounds": [[south, west], [north, east]]})
    tiles = options.tiles
    return {
        "styles": styles_json(),
        "conflict": conflict_json(),
        "language": options.language,
        "timeZone": "Asia/Taipei",  # what the rest of the console shows (desktop.models.timeutil.TAIPEI)
        "trailSeconds": options.trail_minutes * 60.0,
        "clusterBelowZoom": options.cluster_below_zoom,
        "sites": {s.code: s.name_zh for s in sites.sites.values()},
        "phases": PHASE_LABELS,
        "regions": regions,
        "home": [list(b) for b in _pairs(region_bounds(sites, None))],
        "tiles": None
        if tiles is None
        else {
            "url": TILE_URL,
            "minZoom": tiles.min_zoom,
            "maxZoom": tiles.max_zoom,
            "bounds": None if tiles.bounds is None else _tile_bounds(tiles.bounds),
            "attribution": tiles.attribution,
        },
        **options.extra,
    }


def _pairs(bounds: tuple[float, float, float, float] | None) -> list[tuple[float, float]]:
    if bounds is None:
        return [(21.8, 119.3), (25.4, 122.1)]
    south, west, north, east = bounds
    return [(south, west), (north, east)]


def _tile_bounds(bounds: tuple[float, float, float, float]) -> list[list[float]]:
    west, south, east, north = bounds
    return [[south, west], [north, east]]


def build_page(sites: SiteIndex, options: PageOptions | None = None) -> str:
    """The complete, offline map page for these sites."""
    options = options or PageOptions()
    (south, west), (north, east) = _pairs(region_bounds(sites, None))
    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=8,
        tiles=None,
        prefer_canvas=True,
        min_zoom=6,
        max_zoom=19,
        zoom_control=True,
        attributionControl=True,
    )
    fmap.default_js = [("leaflet", LEAFLET_JS)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS)]
    geofences = folium.GeoJson(
        _site_features(sites),
        name="geofences",
        style_function=lambda _feature: {
            "color": "#8fa3b5",
            "weight": 1.5,
            "opacity": 0.9,
            "fillColor": "#8fa3b5",
            "fillOpacity": 0.07,
        },
        interactive=False,
        control=False,
    )
    gates = folium.GeoJson(
        _gate_features(sites),
        name="gates",
        # a small boom-barrier bar: no vehicle symbol looks like it
        marker=folium.Marker(
            icon=folium.DivIcon(
                html='<div class="jmc-gate"></div>',
                icon_size=(12, 12),
                icon_anchor=(6, 6),
                class_name="jmc-gate-icon",
            ),
            interactive=False,
            keyboard=False,
        ),
        interactive=False,
        control=False,
    )
    geofences.add_to(fmap)
    gates.add_to(fmap)
    JmcScripts(geofences, gates, page_config(sites, options)).add_to(fmap)
    return make_offline(fmap.get_root().render())


def make_offline(html: str) -> str:
    """Rewrite CDN Leaflet links to the vendored copies; refuse any other web address."""
    html = _CDN_LEAFLET.sub(lambda m: LEAFLET_JS if m.group(1) == "js" else LEAFLET_CSS, html)
    left = sorted(set(_ANY_WEB_URL.findall(html)))
    if left:
        raise OfflinePageError("the map page would load from the network: " + ", ".join(left[:5]))
    return html
