"""Read raster tiles from a local MBTiles file (SQLite; TMS row order), Qt-free.

The map asks for XYZ tiles (``app://tiles/{z}/{x}/{y}.png``); MBTiles stores rows bottom-up, so
``tile_row = 2**z - 1 - y``. The file is opened read-only; a file that is not MBTiles is refused
with a message saying why, at open time, so a wrong path is found at start-up, not tile by tile.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Final

MIME_TYPES: Final = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


class MBTilesError(ValueError):
    """The tile file cannot be used; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class TileSourceInfo:
    """What the page needs to set up the tile layer."""

    name: str
    mime: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None  # west, south, east, north
    attribution: str


class MBTilesSource:
    """A read-only MBTiles file; ``tile(z, x, y)`` returns the tile bytes or None."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise MBTilesError(f"{self.path}: no such tile file")
        try:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            rows = dict(self._db.execute("SELECT name, value FROM metadata").fetchall())
            zooms = self._db.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
        except sqlite3.Error as exc:
            raise MBTilesError(f"{self.path}: not an MBTiles file ({exc})") from exc
        self._lock = threading.Lock()
        fmt = str(rows.get("format", "png")).lower()
        if fmt not in MIME_TYPES:
            raise MBTilesError(f"{self.path}: tile format {fmt!r} is not a raster format the map can show")
        self.info = TileSourceInfo(
            name=str(rows.get("name", self.path.stem)),
            mime=MIME_TYPES[fmt],
            min_zoom=int(rows.get("minzoom", zooms[0] if zooms[0] is not None else 0)),
            max_zoom=int(rows.get("maxzoom", zooms[1] if zooms[1] is not None else 18)),
            bounds=_bounds(rows.get("bounds")),
            attribution=str(rows.get("attribution", "")),
        )

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile at XYZ address ``z/x/y``, or None where the file has none."""
        if z < 0 or z > 30 or not (0 <= x < 2**z and 0 <= y < 2**z):
            return None
        row = 2**z - 1 - y
        with self._lock:
            found = self._db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (z, x, row),
            ).fetchone()
        return bytes(found[0]) if found else None

    def close(self) -> None:
        self._db.close()


def _bounds(text: object) -> tuple[float, float, float, float] | None:
    try:
        west, south, east, north = (float(v) for v in str(text).split(","))
    except ValueError:
        return None
    return (west, south, east, north)
