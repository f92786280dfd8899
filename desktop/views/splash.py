"""The start-up splash: what the console is doing before its window opens (opening the store,
rebuilding the trips from the message journal — minutes on a large journal —, connecting to the
broker, loading the map), with a determinate bar for the replay.

Every stage is named in the UI language first and the other language second. ``report`` may be
called from any thread (the start-up runs on a worker thread while the GUI thread keeps painting);
what is shown is updated on the GUI thread. See docs/gui.md, "Start-up".
"""

from __future__ import annotations

import logging
from typing import Final

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QEventLoop,
    Qt,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop.app_backend import STAGE_BROKER, STAGE_MAP, STAGE_STORE, STAGE_TRIPS, STARTUP_STAGES
from desktop.i18n.runtime import LanguageSwitcher

log = logging.getLogger(__name__)

CONTEXT: Final = "StartupSplash"
STAGE_TEXTS: Final = {
    STAGE_STORE: str(QT_TRANSLATE_NOOP("StartupSplash", "Opening the store")),
    STAGE_TRIPS: str(QT_TRANSLATE_NOOP("StartupSplash", "Rebuilding trips")),
    STAGE_BROKER: str(QT_TRANSLATE_NOOP("StartupSplash", "Connecting to the broker")),
    STAGE_MAP: str(QT_TRANSLATE_NOOP("StartupSplash", "Loading the map")),
}
TITLE: Final = str(QT_TRANSLATE_NOOP("StartupSplash", "JMC Console"))
#: ends with the console's name in the other language (zh-TW: "JMC Console · Joint Management Centre")
SUBTITLE: Final = str(QT_TRANSLATE_NOOP("StartupSplash", "Joint Management Centre · 聯合管理中心監控台"))
MAP_TIMEOUT_MS: Final = 20_000  # the splash never outstays a map that does not load
BAR_STEPS: Final = 1000
MARKS: Final = {"done": "✓", "current": "▸", "pending": "·"}

_STYLE: Final = """
QFrame#startupSplash { background: #232427; border: 1px solid #50545a; }
QFrame#startupSplash QLabel { background: transparent; }
QLabel#splashTitle { color: #f0f0f0; font-size: 22pt; font-weight: bold; }
QLabel#splashSubtitle { color: #8e9196; font-size: 12pt; }
QLabel#splashRule { background: #3a3c41; max-height: 1px; min-height: 1px; }
QLabel[stage="done"] { color: #a9adb2; }
QLabel[stage="current"] { color: #f0f0f0; font-weight: bold; }
QLabel[stage="pending"] { color: #6e7176; }
QLabel#splashSecondary[stage="current"] { color: #b8b8b8; font-weight: normal; }
QLabel#splashSecondary { font-size: 11pt; }
QLabel#splashCount { color: #d6d6d6; font-size: 12pt; }
QLabel#splashPercent { color: #f0f0f0; font-size: 12pt; font-weight: bold; }
QProgressBar#splashBar {
    background: #1f2023; border: 1px solid #45484e; border-radius: 3px; min-height: 12px; max-height: 12px;
}
QProgressBar#splashBar::chunk { background: #8a96a3; border-radius: 2px; }
"""


class _OtherLanguage:
    """Texts in the language that is not the UI's (for the second line of each label)."""

    def __init__(self, languages: LanguageSwitcher | None) -> None:
        current = languages.current if languages is not None else ""
        self.language = {"zh_TW": "en", "en": "zh_TW"}.get(current)
        self._translators: list[QTranslator] = []
        if languages is None or self.language is None:
            return
        for path in languages.catalogues(self.language):
            translator = QTranslator()
            if translator.load(str(path)):
                self._translators.append(translator)

    def translate(self, source: str) -> str:
        for translator in self._translators:
            text = translator.translate(CONTEXT, source)
            if text:
                return text
        return source if self.language == "en" else ""


class StartupSplash(QFrame):
    """A frameless start-up window in the control-room look.

    Signals:
        progressed(str, int, int): a report as shown (stage, done, total), on the GUI thread.
        finished(): the splash closed for good (:meth:`close_when_ready`).
    """

    progressed = Signal(str, int, int)
    finished = Signal()
    _reported = Signal(str, int, int)  # from any thread

    def __init__(self, languages: LanguageSwitcher | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("startupSplash")
        self.setStyleSheet(_STYLE)
        self._languages = languages
        self._other = _OtherLanguage(languages)
        self.stage = ""
        self.done = 0
        self.total = 0
        self.is_finished = False
        self.title = self._label("splashTitle")
        self.subtitle = self._label("splashSubtitle")
        rule = self._label("splashRule")
        self._rows: dict[str, tuple[QLabel, QLabel, QLabel]] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(6)
        for row, key in enumerate(STARTUP_STAGES):
            labels = (self._label("splashMark"), self._label("splashPrimary"), self._label("splashSecondary"))
            labels[0].setFixedWidth(16)
            for column, label in enumerate(labels):
                grid.addWidget(label, row, column)
            self._rows[key] = labels
        grid.setColumnStretch(2, 1)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("splashBar")
        self.bar.setTextVisible(False)
        self.count = self._label("splashCount")
        self.percent = self._label("splashPercent")
        self.percent.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        figures = QGridLayout()
        figures.addWidget(self.count, 0, 0)
        figures.addWidget(self.percent, 0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 26, 32, 26)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addSpacing(6)
        layout.addWidget(rule)
        layout.addSpacing(8)
        layout.addLayout(grid)
        layout.addSpacing(12)
        layout.addWidget(self.bar)
        layout.addLayout(figures)
        self.setFixedWidth(600)
        self._reported.connect(self._show)
        self._map_timer = QTimer(self)
        self._map_timer.setSingleShot(True)
        self._map_timer.timeout.connect(self._finish)
        self.retranslate()
        self._show(STAGE_STORE, 0, 0)

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        return label

    # -- what the start-up calls ------------------------------------------------------------------

    def report(self, stage: str, done: int = 0, total: int = 0) -> None:
        """Show ``stage`` (and ``done`` of ``total`` when ``total`` > 0); any thread may call it
        (``desktop.app_backend.StartupProgress``)."""
        self._reported.emit(stage, done, total)

    def show_centred(self) -> None:
        """Show in the middle of the screen, painted at once."""
        self.adjustSize()
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            frame = self.frameGeometry()
            frame.moveCenter(screen.availableGeometry().center())
            self.move(frame.topLeft())
        self.show()
        self.raise_()
        self.pump()

    def pump(self) -> None:
        """Let the splash paint now (the GUI thread is about to be busy)."""
        loop = QEventLoop()
        QTimer.singleShot(0, loop.quit)
        loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    def close_when_ready(self, window: QWidget) -> None:
        """Close once ``window``'s map has drawn its first frame (its ``ready`` signal), at once
        for a map without one, and at the latest after :data:`MAP_TIMEOUT_MS`."""
        view = getattr(window, "map", None)
        ready = getattr(view, "ready", None)
        if ready is None or getattr(view, "is_ready", False) or not window.isVisible():
            self._finish()
            return
        ready.connect(self._finish)
        self._map_timer.start(MAP_TIMEOUT_MS)

    # -- internals ---------------------------------------------------------------------------------

    def _finish(self) -> None:
        self._map_timer.stop()
        if self.is_finished:
            return
        self.is_finished = True
        self.close()
        self.finished.emit()

    def _show(self, stage: str, done: int, total: int) -> None:
        if stage not in self._rows:
            log.warning("start-up: unknown stage %r", stage)
            return
        self.stage, self.done, self.total = stage, done, total
        current = STARTUP_STAGES.index(stage)
        for index, key in enumerate(STARTUP_STAGES):
            state = "done" if index < current else "current" if index == current else "pending"
            mark, *labels = self._rows[key]
            mark.setText(MARKS[state])
            for label in (mark, *labels):
                if label.property("stage") != state:
                    label.setProperty("stage", state)
                    label.style().unpolish(label)
                    label.style().polish(label)
        if total > 0:
            self.bar.setRange(0, BAR_STEPS)
            self.bar.setValue(min(BAR_STEPS, done * BAR_STEPS // total))
            self.percent.setText(f"{min(100, done * 100 // total)} %")
        else:
            self.bar.setRange(0, 0)  # busy: nothing to count in this stage
            self.percent.setText("")
        self._show_count()
        self.progressed.emit(stage, done, total)

    def _show_count(self) -> None:
        if self.total > 0:
            text = self.tr("{done} / {total} messages").format(done=f"{self.done:,}", total=f"{self.total:,}")
        else:
            text = ""
        self.count.setText(text)

    def retranslate(self) -> None:
        self._other = _OtherLanguage(self._languages)
        translate = QCoreApplication.translate
        self.title.setText(translate(CONTEXT, TITLE))
        self.subtitle.setText(translate(CONTEXT, SUBTITLE))
        for key, (_mark, primary, secondary) in self._rows.items():
            primary.setText(translate(CONTEXT, STAGE_TEXTS[key]))
            secondary.setText(self._other.translate(STAGE_TEXTS[key]))
        self.setWindowTitle(translate(CONTEXT, TITLE))
        self._show_count()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
