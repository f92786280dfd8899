"""The start-up splash (pytest-qt, offscreen): the journal replay's progress on a real store, the
stages in order, the GUI thread live while the replay runs on a worker thread, the splash out of
the way of the sign-in dialog and closed once the window's map is ready; screenshots.

A store with a journal of a few thousand messages is built once (scenario traffic through the
ingest recorder, as the ingest service writes it) and copied for each test: a start-up prunes it.
"""

from __future__ import annotations

import itertools
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from desktop.app import start_console
from desktop.app_backend import STAGE_BROKER, STAGE_MAP, STAGE_STORE, STAGE_TRIPS
from desktop.app_console import ConsoleApp, StartupError
from desktop.app_session import sign_in
from desktop.auth.accounts import AccountService
from desktop.auth.passwords import OWASP_MINIMUM
from desktop.cli import _parser
from desktop.models.clock import SimulatedClock
from desktop.models.config import RuleConfig
from desktop.models.pipeline import Pipeline
from desktop.store import journal_replay
from desktop.store.api import Store
from desktop.store.ingest_writer import IngestRecorder
from desktop.store.journal_replay import ProgressThrottle, restore_pipeline
from desktop.views.main_window import real_or_placeholder_map
from desktop.views.splash import StartupSplash
from desktop.views.tickets.login import LoginDialog
from tests.helpers import ROSTER, SITES
from tests.scenario_gen import scenario

pytestmark = pytest.mark.timeout(120)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CONSOLE = "console-splash"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def journaled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A store file whose journal holds a few thousand messages (and a watch officer's account);
    returns its path and the journal's row count."""
    db = tmp_path_factory.mktemp("journal") / "console.sqlite3"
    store = Store.open(str(db), console_id=CONSOLE)
    AccountService(store.engine, params=OWASP_MINIMUM).create(
        "lin.officer", "林值勤", "watch_officer", PASSWORD
    )
    messages = scenario(7, trips=40)
    clock = SimulatedClock(messages[0][0])
    pipeline = Pipeline(SITES, ROSTER, RuleConfig.load(), clock)
    lock = threading.Lock()
    recorder = IngestRecorder(store, pipeline, lock, lambda _tokens: None, prune_every_s=None)
    for token, (at, topic, raw) in enumerate(messages):
        with lock:
            clock.advance_to(at)
            pipeline.advance()
            recorder.record(topic, raw, pipeline.ingest(topic, raw), token)
        if token % 250 == 249:
            recorder.flush()
    recorder.flush()
    rows = store.journal_count()
    store.close()
    assert rows >= 3000
    return db, rows


@pytest.fixture
def db(journaled: tuple[Path, int], tmp_path: Path) -> Path:
    copy = tmp_path / "console.sqlite3"
    shutil.copyfile(journaled[0], copy)
    return copy


# -- the replay's progress (no Qt) -----------------------------------------------------------------


def test_the_throttle_passes_at_most_one_report_per_interval_and_always_the_last() -> None:
    ticks = [0]  # 1/64 s (binary fractions: exact sums)
    seen: list[tuple[int, int]] = []
    report = lambda done, total: seen.append((done, total))  # noqa: E731
    throttle = ProgressThrottle(report, 1000, interval_s=8 / 64, clock=lambda: ticks[0] / 64)
    for done in range(0, 1000, 10):  # a call every tick of the fake clock
        throttle(done)
        ticks[0] += 1
    throttle(1000, final=True)
    throttle(1000, final=True)  # never the same figure twice
    assert seen[0] == (0, 1000) and seen[-1] == (1000, 1000)
    assert [d for d, _ in seen[:-1]] == list(range(0, 1000, 80))  # every 8th call: once per interval
    assert len(seen) == len(set(seen))


def test_restore_reports_increasing_progress_up_to_the_journal_count(
    db: Path, journaled: tuple[Path, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_replay, "PROGRESS_INTERVAL_S", 0.0)  # every check, to see them all
    seen: list[tuple[int, int, str]] = []
    store = Store.open(str(db), console_id=CONSOLE)
    try:
        pipeline = Pipeline(SITES, ROSTER, RuleConfig.load(), SimulatedClock(2_000_000_000.0))
        report = restore_pipeline(
            store,
            pipeline,
            progress=lambda done, total: seen.append((done, total, threading.current_thread().name)),
        )
    finally:
        store.close()
    rows = journaled[1]
    assert report.replayed == rows
    dones = [d for d, _, _ in seen]
    assert dones[0] == 0 and dones[-1] == rows
    assert all(a < b for a, b in itertools.pairwise(dones))
    assert {t for _, t, _ in seen} == {rows}
    assert len(seen) >= rows // 64  # every 64 messages when nothing holds it back


# -- the splash during a real start-up -------------------------------------------------------------


def console_args(db: Path, *extra: str) -> Any:
    return _parser().parse_args(["gui", "--db", str(db), "--console-id", CONSOLE, *extra])


def answer_sign_in(splash: StartupSplash, seen_visible: list[bool]) -> QTimer:
    """Sign the officer in through the real dialog; note whether the splash was in its way."""
    timer = QTimer()

    def tick() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, LoginDialog) and not modal.password.text():
            seen_visible.append(splash.isVisible())
            modal.username.setText("lin.officer")
            modal.password.setText(PASSWORD)
            modal.try_sign_in()

    timer.timeout.connect(tick)
    timer.start(50)
    return timer


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "jmc.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def closing() -> Iterator[list[ConsoleApp]]:
    consoles: list[ConsoleApp] = []
    yield consoles
    for console in consoles:
        console.close()


def test_start_up_shows_the_replay_and_closes_the_splash_once_the_map_is_ready(
    qtbot: Any,
    db: Path,
    journaled: tuple[Path, int],
    zh_tw: Any,
    settings: QSettings,
    closing: list[ConsoleApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(journal_replay, "PROGRESS_INTERVAL_S", 0.0)  # many reports, not ~1 for 60 ms
    console = ConsoleApp(console_args(db, "--broker", "mqtt://127.0.0.1:9"))  # no broker there: offline
    closing.append(console)
    splash = StartupSplash(zh_tw)
    shown: list[tuple[str, int, int, bool]] = []
    grabbed: list[bool] = []

    def on_progress(stage: str, done: int, total: int) -> None:
        backend = console.backend
        replaying = backend is not None and backend.restart is None  # the worker is still replaying
        shown.append((stage, done, total, replaying))
        if stage == STAGE_TRIPS and replaying and 2 * done > total and not grabbed:
            ARTIFACTS.mkdir(exist_ok=True)
            grabbed.append(splash.grab().save(str(ARTIFACTS / "splash_live.png")))

    splash.progressed.connect(on_progress)
    in_the_way: list[bool] = []
    timer = answer_sign_in(splash, in_the_way)
    try:
        window = start_console(
            console, splash, settings, zh_tw, sign_in_user=sign_in, map_factory=real_or_placeholder_map
        )
    finally:
        timer.stop()
    assert window is not None and window.isVisible()
    qtbot.waitUntil(lambda: splash.is_finished, timeout=30_000)
    assert not splash.isVisible()
    assert getattr(window.map, "is_ready", True)  # closed by the map's ready, not by the time-out
    assert in_the_way == [False]  # hidden while the officer signed in

    rows = journaled[1]
    stages = [s for s, *_ in shown]
    assert stages == sorted(stages, key=[STAGE_STORE, STAGE_TRIPS, STAGE_BROKER, STAGE_MAP].index)
    assert set(stages) == {STAGE_STORE, STAGE_TRIPS, STAGE_BROKER, STAGE_MAP}
    replay = [(done, total) for stage, done, total, _ in shown if stage == STAGE_TRIPS]
    assert replay[0] == (0, rows) and replay[-1] == (rows, rows)
    assert all(a[0] < b[0] for a, b in itertools.pairwise(replay))
    # the GUI thread showed figures while the worker was still replaying: the splash was live
    live = [done for stage, done, total, replaying in shown if stage == STAGE_TRIPS and replaying]
    assert any(0 < done < rows for done in live)
    assert console.backend is not None and console.backend.restart is not None
    assert console.backend.restart.replayed == rows


def test_a_start_up_error_closes_the_splash(
    qtbot: Any, tmp_path: Path, zh_tw: Any, settings: QSettings, closing: list[ConsoleApp]
) -> None:
    console = ConsoleApp(console_args(tmp_path / "empty.sqlite3"))  # no accounts: cannot start
    closing.append(console)
    splash = StartupSplash(zh_tw)
    with pytest.raises(StartupError, match="no user accounts yet"):
        start_console(console, splash, settings, zh_tw)
    assert not splash.isVisible()


# -- how it looks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh_TW", "en"])
def test_splash_labels_both_languages_primary_first(qtbot: Any, languages: Any, language: str) -> None:
    try:
        assert languages.switch(language)
        splash = StartupSplash(languages)
        qtbot.addWidget(splash)
        splash.report(STAGE_TRIPS, 12_345, 41_000)
        splash.show_centred()
        primary = [row[1].text() for row in splash._rows.values()]
        secondary = [row[2].text() for row in splash._rows.values()]
        zh = ["開啟資料庫", "重建行程", "連線訊息中介", "載入地圖"]
        en = ["Opening the store", "Rebuilding trips", "Connecting to the broker", "Loading the map"]
        assert (primary, secondary) == ((zh, en) if language == "zh_TW" else (en, zh))
        unit = "則訊息" if language == "zh_TW" else "messages"
        assert splash.count.text() == f"12,345 / 41,000 {unit}"
        assert splash.percent.text() == "30 %" and splash.bar.value() == 301
        ARTIFACTS.mkdir(exist_ok=True)
        assert splash.grab().save(str(ARTIFACTS / f"splash_{language}.png"))
        splash.report(STAGE_MAP)
        qtbot.waitUntil(lambda: splash.stage == STAGE_MAP)
        assert splash.bar.maximum() == 0 and splash.count.text() == ""  # busy: nothing to count
    finally:
        languages.switch("zh_TW")
