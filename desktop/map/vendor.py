"""Re-fetch the map's vendored web assets from the npm registry and check them against SHA256SUMS.

The running console never fetches anything: everything the map page loads lives in
``desktop/map/static/`` and is served through ``app://``. This script is how those files got
there, and how anyone can check that they are exactly the published packages::

    python -m desktop.map.vendor --verify   # offline: static/ files against SHA256SUMS
    python -m desktop.map.vendor            # npm pack the pinned packages, compare with static/
    python -m desktop.map.vendor --write    # npm pack, then (re)write static/ and SHA256SUMS

Each tarball's sha512 is checked against the integrity pinned below (the registry's own
``dist.integrity``) before anything is extracted. The Taiwan land basemap is *derived* at vendor
time (clipped, rounded) from the OpenStreetMap land polygons of ``@geo-maps/countries-land-100m``;
the derivation is pure Python (no GEOS) so it is byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parent / "static"
SUMS = STATIC / "SHA256SUMS"

# lon/lat box of the basemap: Taiwan, Penghu, Kinmen, Matsu and the facing Fujian coast
LAND_BOX = (117.5, 21.5, 122.6, 26.6)
LAND_DECIMALS = 4  # ~11 m, well under the 100 m accuracy of the source
LAND_FILE = "basemap/taiwan-land.js"


@dataclass(frozen=True)
class Package:
    spec: str
    integrity: str  # sha512 of the tarball, as the registry publishes it
    files: dict[str, str]  # path inside the tarball -> path under static/


PACKAGES: tuple[Package, ...] = (
    Package(
        "leaflet@1.9.4",
        "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
        {
            "package/dist/leaflet.js": "leaflet/leaflet.js",
            "package/dist/leaflet.css": "leaflet/leaflet.css",
            "package/dist/images/layers.png": "leaflet/images/layers.png",
            "package/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
            "package/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
            "package/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
            "package/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
            "package/LICENSE": "leaflet/LICENSE",
        },
    ),
    Package(
        "@geo-maps/countries-land-100m@0.6.0",
        "sha512-llmCe5hLHaos3IsgcvDViHtb0C8/HVxPBeM0wmM6kU+u8Z3Kwn8wKhfXuNrUHVB54VukB2rJIUEh03E4PWgfGw==",
        {"package/LICENSE": "basemap/LICENSE-geo-maps-code"},
    ),
)
LAND_SOURCE = ("@geo-maps/countries-land-100m@0.6.0", "package/map.geo.json")


class VendorError(RuntimeError):
    """A fetch, integrity or comparison failure; the message says which file and why."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def npm_pack(spec: str, dest: Path) -> Path:
    """``npm pack`` one package into ``dest``; returns the tarball path."""
    try:
        out = subprocess.run(
            ["npm", "pack", spec, "--json", "--pack-destination", str(dest)],
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        ).stdout
    except FileNotFoundError as exc:
        raise VendorError("npm is not installed (needed only to re-fetch the vendored assets)") from exc
    except subprocess.CalledProcessError as exc:
        raise VendorError(f"npm pack {spec} failed: {exc.stderr.strip()[-500:]}") from exc
    return dest / str(json.loads(out)[0]["filename"])


def check_integrity(tarball: Path, integrity: str) -> None:
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != integrity:
        raise VendorError(f"{tarball.name}: sha512 {digest} is not the pinned {integrity}")


def _member(tar: tarfile.TarFile, name: str, source: str) -> bytes:
    try:
        handle = tar.extractfile(name)
    except KeyError as exc:
        raise VendorError(f"{source}: has no {name}") from exc
    if handle is None:
        raise VendorError(f"{source}: {name} is not a regular file")
    return handle.read()


Point = tuple[float, float]


def _clip_edge(points: list[Point], axis: int, limit: float, keep_above: bool) -> list[Point]:
    """One Sutherland-Hodgman pass: keep the side of ``coordinate[axis] = limit`` asked for."""

    def inside(p: Point) -> bool:
        return p[axis] >= limit if keep_above else p[axis] <= limit

    def cut(a: Point, b: Point) -> Point:
        t = (limit - a[axis]) / (b[axis] - a[axis])
        other = 1 - axis
        value = a[other] + t * (b[other] - a[other])
        return (limit, value) if axis == 0 else (value, limit)

    result: list[Point] = []
    prev = points[-1]
    for cur in points:
        if inside(cur):
            if not inside(prev):
                result.append(cut(prev, cur))
            result.append(cur)
        elif inside(prev):
            result.append(cut(prev, cur))
        prev = cur
    return result


def clip_ring(ring: Sequence[Point], box: tuple[float, float, float, float]) -> list[Point]:
    """Sutherland-Hodgman clip of a closed ring against an axis-aligned box (deterministic)."""
    x0, y0, x1, y1 = box
    points = list(ring[:-1]) if len(ring) > 1 and ring[0] == ring[-1] else list(ring)
    for axis, limit, keep_above in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
        if not points:
            break
        points = _clip_edge(points, axis, limit, keep_above)
    return points


def _ring_area(points: Sequence[Sequence[float]]) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(points, [*points[1:], points[0]], strict=True)))


def _outer_rings(geometry: dict[str, Any]) -> Iterable[Sequence[tuple[float, float]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        if polygon:
            yield [(float(x), float(y)) for x, y, *_ in polygon[0]]  # holes (lakes) are dropped


def derive_land(geojson: dict[str, Any], box: tuple[float, float, float, float] = LAND_BOX) -> bytes:
    """The basemap land file: outer rings clipped to ``box``, rounded, as a JS assignment."""
    features = []
    for feature in geojson["features"]:
        polygons = []
        for ring in _outer_rings(feature["geometry"]):
            xs, ys = [p[0] for p in ring], [p[1] for p in ring]
            if max(xs) < box[0] or min(xs) > box[2] or max(ys) < box[1] or min(ys) > box[3]:
                continue
            rounded: list[list[float]] = []
            for x, y in clip_ring(ring, box):
                p = [round(x, LAND_DECIMALS), round(y, LAND_DECIMALS)]
                if not rounded or rounded[-1] != p:
                    rounded.append(p)
            if len(rounded) > 1 and rounded[0] == rounded[-1]:
                rounded.pop()
            if len(rounded) >= 3 and _ring_area(rounded) > 1e-7:
                polygons.append([[*rounded, rounded[0]]])
        if polygons:
            geometry = {"type": "MultiPolygon", "coordinates": polygons}
            features.append(
                {
                    "type": "Feature",
                    "properties": {"a3": feature["properties"].get("A3")},
                    "geometry": geometry,
                }
            )
    collection = {"type": "FeatureCollection", "features": features}
    body = json.dumps(collection, separators=(",", ":"), sort_keys=True)
    header = (
        "/* Land: (c) OpenStreetMap contributors, ODbL 1.0, via @geo-maps/countries-land-100m 0.6.0. */\n"
    )
    return (header + "window.JMC_LAND = " + body + ";\n").encode()


def fetch_all(workdir: Path) -> dict[str, bytes]:
    """Every vendored file (path under static/ -> bytes), fetched and derived afresh."""
    files: dict[str, bytes] = {}
    for package in PACKAGES:
        tarball = npm_pack(package.spec, workdir)
        check_integrity(tarball, package.integrity)
        with tarfile.open(tarball) as tar:
            for inner, target in package.files.items():
                files[target] = _member(tar, inner, tarball.name)
            if package.spec == LAND_SOURCE[0]:
                files[LAND_FILE] = derive_land(json.loads(_member(tar, LAND_SOURCE[1], tarball.name)))
    return files


def read_sums(path: Path = SUMS) -> dict[str, str]:
    sums: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            digest, sep, name = line.partition("  ")
            if not sep or len(digest) != 64:
                raise VendorError(f"{path}:{number}: not '<sha256>  <path>'")
            sums[name] = digest
    return sums


def verify_static(static: Path = STATIC) -> list[str]:
    """Offline check of the files under ``static/`` against SHA256SUMS; returns the problems."""
    problems = []
    for name, digest in read_sums(static / "SHA256SUMS").items():
        path = static / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256(path.read_bytes()) != digest:
            problems.append(f"{name}: sha256 differs from SHA256SUMS")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.map.vendor", description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite static/ and SHA256SUMS from npm")
    mode.add_argument("--verify", action="store_true", help="offline: check static/ against SHA256SUMS")
    args = parser.parse_args(argv)
    try:
        if args.verify:
            problems = verify_static()
        else:
            with tempfile.TemporaryDirectory(prefix="jmc-vendor-") as tmp:
                files = fetch_all(Path(tmp))
            if args.write:
                for name, data in files.items():
                    (STATIC / name).parent.mkdir(parents=True, exist_ok=True)
                    (STATIC / name).write_bytes(data)
                lines = [f"{sha256(data)}  {name}" for name, data in sorted(files.items())]
                SUMS.write_text("\n".join(lines) + "\n", encoding="utf-8")
                print(f"wrote {len(files)} files and {SUMS}")
                return 0
            sums = read_sums()
            problems = [
                f"{n}: fetched file differs from SHA256SUMS"
                for n, d in files.items()
                if sums.get(n) != sha256(d)
            ]
            problems += [f"{n}: in SHA256SUMS but no package provides it" for n in sums.keys() - files.keys()]
            problems += verify_static()
    except (VendorError, OSError) as exc:
        print(f"vendor: {exc}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"vendor: {problem}", file=sys.stderr)
    print("vendor: OK" if not problems else f"vendor: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
