"""``jmc-console gui``: the real bootstrap in a child process (scheme, WebEngine, theme,
translations, backend), the demo end to end, and clear errors on bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.ingest.localbroker import mosquitto_available

ROOT = Path(__file__).resolve().parent.parent


def child_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        QTWEBENGINE_DISABLE_SANDBOX="1",
        XDG_CONFIG_HOME=str(tmp_path / "config"),  # QSettings of this run only
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.mark.skipif(not mosquitto_available(), reason="no mosquitto")
def test_gui_demo_starts_shows_live_traffic_and_stops(tmp_path: Path) -> None:
    shot = tmp_path / "demo.png"
    cmd = [sys.executable, "-m", "desktop", "gui", "--demo", "--vehicles", "40", "--speed", "30"]
    cmd += ["--language", "en", "--quit-after", "8", "--screenshot", str(shot)]
    result = subprocess.run(cmd, env=child_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.stat().st_size > 10_000
    saved = (tmp_path / "config" / "JMC" / "JMC Console.conf").read_text()
    assert "geometry" in saved  # the layout was saved on close


def test_gui_rejects_a_bad_broker_url_before_opening_a_window(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gui", "--broker", "http://example.org"]) == 2
    assert "use mqtt://host:port" in capsys.readouterr().err


def test_gui_rejects_a_missing_sites_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gui", "--sites", str(tmp_path / "nope.geojson")]) == 2
    assert "cannot read" in capsys.readouterr().err
