"""The map page is offline by construction; vendored files match their list; MBTiles reading."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from desktop.map import vendor
from desktop.map.mbtiles import MBTilesError, MBTilesSource
from desktop.map.page import (
    JMC_CSS,
    JMC_SCRIPTS,
    LEAFLET_CSS,
    LEAFLET_JS,
    OfflinePageError,
    PageOptions,
    build_page,
    make_offline,
    region_bounds,
)
from desktop.models.sites import load_sites

DATA = Path(__file__).resolve().parent.parent / "desktop" / "data"
STATIC = Path(__file__).resolve().parent.parent / "desktop" / "map" / "static"


@pytest.fixture(scope="module")
def sites():  # type: ignore[no-untyped-def]
    return load_sites(DATA / "demo_sites.geojson")


def test_generated_page_names_no_web_address_and_only_app_resources(sites) -> None:  # type: ignore[no-untyped-def]
    html = build_page(sites, PageOptions(trail_minutes=7))
    assert not re.search(r"https?://", html, re.IGNORECASE)
    sources = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert sources[0] == LEAFLET_JS
    assert set(sources) == {LEAFLET_JS, LEAFLET_CSS, JMC_CSS, *JMC_SCRIPTS}
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()
    # every static resource the page names exists in the package
    for url in sources:
        if url.startswith("app://static/"):
            assert (STATIC / url.removeprefix("app://static/")).is_file(), url
    assert "基隆港西岸貨櫃碼頭" in html  # zh-TW site names (page config)
    assert json.dumps("一號管制站") in html  # gate labels, in folium's escaped GeoJSON
    assert '"trailSeconds": 420.0' in html


def test_make_offline_rewrites_cdn_leaflet_and_refuses_anything_else() -> None:
    html = (
        '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>'
        '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"/>'
    )
    assert make_offline(html) == (
        f'<script src="{LEAFLET_JS}"></script><link rel="stylesheet" href="{LEAFLET_CSS}"/>'
    )
    with pytest.raises(OfflinePageError, match=r"code\.jquery\.com"):
        make_offline('<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>')


def test_region_bounds(sites) -> None:  # type: ignore[no-untyped-def]
    south, west, north, east = region_bounds(sites, "kaohsiung")  # type: ignore[misc]
    assert 22.5 < south < north < 22.7 and 120.2 < west < east < 120.4
    assert region_bounds(sites, "atlantis") is None
    everything = region_bounds(sites, None)
    assert everything is not None and everything[0] <= south and everything[2] > 25.1


def test_vendored_files_match_their_sha256_list() -> None:
    assert vendor.verify_static() == []
    listed = vendor.read_sums(STATIC / "SHA256SUMS")
    assert {"leaflet/leaflet.js", "leaflet/LICENSE", vendor.LAND_FILE} <= set(listed)
    assert (STATIC / "basemap" / "NOTICE").is_file()


def test_verify_reports_a_tampered_file(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.js").write_text("one")
    (tmp_path / "SHA256SUMS").write_text(f"{vendor.sha256(b'two')}  a/x.js\n{'0' * 64}  a/gone.js\n")
    assert vendor.verify_static(tmp_path) == [
        "a/x.js: sha256 differs from SHA256SUMS",
        "a/gone.js: missing",
    ]


def test_land_clip_keeps_the_part_inside_the_box() -> None:
    square = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)]
    clipped = vendor.clip_ring(square, (1.0, -1.0, 3.0, 5.0))
    assert sorted(clipped) == [(1.0, 0.0), (1.0, 4.0), (3.0, 0.0), (3.0, 4.0)]
    assert vendor.clip_ring(square, (10.0, 10.0, 11.0, 11.0)) == []
    land = vendor.derive_land(
        {
            "features": [
                {"properties": {"A3": "TWN"}, "geometry": {"type": "Polygon", "coordinates": [square]}},
                {
                    "properties": {"A3": "FAR"},
                    "geometry": {"type": "Polygon", "coordinates": [[(50, 50)] * 4]},
                },
            ]
        },
        (1.0, -1.0, 3.0, 5.0),
    ).decode()
    assert land.startswith("/* Land: (c) OpenStreetMap") and '"a3":"TWN"' in land and "FAR" not in land


def make_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes], fmt: str = "png") -> Path:
    """A minimal MBTiles file; keys are XYZ addresses, stored TMS-flipped as the spec says."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)"
    )
    meta = {"name": "test", "format": fmt, "minzoom": "1", "maxzoom": "2", "bounds": "119,21,123,26"}
    db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    for (z, x, y), data in tiles.items():
        db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, data))
    db.commit()
    db.close()
    return path


def test_mbtiles_serves_xyz_addresses_from_tms_rows(tmp_path: Path) -> None:
    path = make_mbtiles(tmp_path / "t.mbtiles", {(2, 3, 1): b"tile-3-1", (2, 3, 2): b"tile-3-2"})
    source = MBTilesSource(path)
    assert source.tile(2, 3, 1) == b"tile-3-1"
    assert source.tile(2, 3, 2) == b"tile-3-2"
    assert source.tile(2, 0, 0) is None
    assert source.tile(2, 4, 0) is None and source.tile(-1, 0, 0) is None  # outside the grid
    assert source.info.mime == "image/png" and source.info.bounds == (119.0, 21.0, 123.0, 26.0)
    assert (source.info.min_zoom, source.info.max_zoom) == (1, 2)
    source.close()


def test_mbtiles_refuses_files_it_cannot_use(tmp_path: Path) -> None:
    with pytest.raises(MBTilesError, match="no such tile file"):
        MBTilesSource(tmp_path / "missing.mbtiles")
    junk = tmp_path / "junk.mbtiles"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(MBTilesError, match="not an MBTiles file"):
        MBTilesSource(junk)
    vector = make_mbtiles(tmp_path / "v.mbtiles", {}, fmt="pbf")
    with pytest.raises(MBTilesError, match="not a raster format"):
        MBTilesSource(vector)
