"""Trip replay: a timeline with play/pause and 1×–60× speed, speed and seal-state plots.

The panel loads a trip's :class:`~desktop.live.track.TripTrack` from a
:class:`~desktop.live.track.TrackSource`; the main window shows the track on the map when the
replay starts (play, or moving the slider) and moves the map's cursor with it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Final

import pyqtgraph as pg  # type: ignore[import-untyped]
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from desktop.live.track import SEAL_ABNORMAL, SEAL_SEALED, SEAL_UNSEALED, TrackSource, TripTrack
from desktop.models.timeutil import TAIPEI
from desktop.views.severity import SEVERITY_COLOURS, chinese_ui, event_label

SPEEDS: Final = (1, 2, 5, 10, 30, 60)
SLIDER_STEPS: Final = 1000
TICK_MS: Final = 100
GAP_S: Final = 180.0  # OBUs report every 30-60 s; silence longer than this is a gap
_TAIPEI_UTC_OFFSET: Final = -8 * 3600  # pyqtgraph counts seconds west of UTC


def _with_gaps(samples: Sequence[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """Times and values with a NaN wherever reports stopped for longer than ``GAP_S``, so that
    the plot shows the gap instead of a line nobody measured."""
    times: list[float] = []
    values: list[float] = []
    previous = None
    for ts, value in samples:
        if previous is not None and ts - previous > GAP_S:
            times.append(previous + 1.0)
            values.append(math.nan)
        times.append(ts)
        values.append(value)
        previous = ts
    return times, values


class ReplayPanel(QWidget):
    """Replays one trip.

    Signals:
        started(): the replay began; show :attr:`track` on the map.
        cursorMoved(float): the replay time (epoch seconds) changed.
        closed(): the replay ended; clear the map's track.
    """

    started = Signal()
    cursorMoved = Signal(float)  # noqa: N815 - Qt signal naming
    closed = Signal()

    def __init__(self, source: TrackSource | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self.track: TripTrack | None = None
        self.trip_id: str | None = None
        self.active = False
        self.replay_ts = 0.0
        self._start = self._end = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._advance)
        self.title = QLabel(self)
        self.play = QPushButton(self)
        self.play.setCheckable(True)
        self.play.toggled.connect(self._play_toggled)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.sliderMoved.connect(self._slid)
        self.speed = QComboBox(self)
        for factor in SPEEDS:
            self.speed.addItem(f"{factor}×", factor)
        self.time_label = QLabel("—", self)
        self.time_label.setMinimumWidth(90)
        self.stop = QPushButton(self)
        self.stop.clicked.connect(self.close_replay)
        controls = QHBoxLayout()
        controls.addWidget(self.title)
        controls.addWidget(self.play)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.time_label)
        controls.addWidget(self.speed)
        controls.addWidget(self.stop)
        self.plots = pg.GraphicsLayoutWidget(self)
        self.speed_plot = self.plots.addPlot(
            row=0, col=0, axisItems={"bottom": pg.DateAxisItem(utcOffset=_TAIPEI_UTC_OFFSET)}
        )
        self.seal_plot = self.plots.addPlot(
            row=1, col=0, axisItems={"bottom": pg.DateAxisItem(utcOffset=_TAIPEI_UTC_OFFSET)}
        )
        self.seal_plot.setXLink(self.speed_plot)
        self.seal_plot.setYRange(-0.4, 2.4, padding=0)
        self.seal_plot.setMouseEnabled(y=False)
        self.plots.ci.layout.setRowStretchFactor(0, 3)
        self.plots.ci.layout.setRowStretchFactor(1, 2)
        tick_font = self.font()
        tick_font.setPointSize(10)
        for plot in (self.speed_plot, self.seal_plot):
            plot.showGrid(x=True, y=True, alpha=0.15)
            for side in ("left", "bottom"):
                plot.getAxis(side).setTickFont(tick_font)
            plot.getAxis("left").setWidth(90)
        self.speed_plot.getAxis("bottom").setStyle(showValues=False)  # the seal plot's axis serves both
        self.speed_plot.getAxis("left").enableAutoSIPrefix(False)  # km/h, never "(x0.001)"
        self.speed_curve = self.speed_plot.plot(pen=pg.mkPen("#b0b6bd", width=2))
        self.seal_curve = self.seal_plot.plot(pen=pg.mkPen("#b0b6bd", width=2))
        self.seal_alarms = pg.ScatterPlotItem(
            symbol="d", size=12, brush=pg.mkBrush(SEVERITY_COLOURS["critical"]), pen=None
        )
        self.seal_plot.addItem(self.seal_alarms)
        self.lines = [pg.InfiniteLine(angle=90, pen=pg.mkPen("#ffffff", width=1)) for _ in range(2)]
        self.speed_plot.addItem(self.lines[0])
        self.seal_plot.addItem(self.lines[1])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(controls)
        layout.addWidget(self.plots, 1)
        self.hint = QLabel(self)
        self.hint.setObjectName("placeholder")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint, 1)
        self.retranslate()
        self._enable(False)

    # -- loading ----------------------------------------------------------------------------------

    def set_source(self, source: TrackSource | None) -> None:
        self._source = source

    def load(self, trip_id: str) -> bool:
        """Load a trip's track (ends a running replay); return whether there is one."""
        if self.active:
            self.close_replay()
        self.trip_id = trip_id
        self.track = self._source.trip_track(trip_id) if self._source is not None else None
        track = self.track
        start, end = (track.start, track.end) if track is not None else (None, None)
        if track is None or start is None or end is None:
            self.track = None
            self._enable(False)
            self._plot()
            self.retranslate()
            return False
        self._start, self._end = start, max(end, start + 1.0)
        self.replay_ts = self._start
        self._enable(True)
        self._plot()
        self._show_cursor()
        self.retranslate()
        return True

    def _enable(self, on: bool) -> None:
        for widget in (self.play, self.slider, self.speed, self.stop):
            widget.setEnabled(on)
        self.plots.setVisible(on)
        self.hint.setVisible(not on)

    def _plot(self) -> None:
        track = self.track
        if track is None:
            self.speed_curve.setData([], [])
            self.seal_curve.setData([], [])
            self.seal_alarms.setData([], [])
            return
        times, speeds = _with_gaps(track.speeds)
        self.speed_curve.setData(times, speeds, connect="finite")
        measured = [v for v in speeds if not math.isnan(v)]  # NaN marks a gap
        top = max([60.0, *measured]) * 1.1  # a standing vehicle reads 0 km/h, not ±0.4
        self.speed_plot.setYRange(0.0, top, padding=0)
        xs: list[float] = []
        ys: list[float] = []
        for i, (ts, level) in enumerate(track.seal_states):
            until = track.seal_states[i + 1][0] if i + 1 < len(track.seal_states) else self._end
            xs += [ts, until]
            ys += [level, level]
        self.seal_curve.setData(xs, ys)
        alarms = [ts for ts, level in track.seal_states if level == SEAL_ABNORMAL]
        self.seal_alarms.setData(alarms, [SEAL_ABNORMAL] * len(alarms))
        self.speed_plot.setXRange(self._start, self._end, padding=0.02)

    # -- playing ----------------------------------------------------------------------------------

    def _begin(self) -> None:
        if not self.active and self.track is not None:
            self.active = True
            self.started.emit()

    def _play_toggled(self, playing: bool) -> None:
        if playing:
            self._begin()
            if self.replay_ts >= self._end:
                self.replay_ts = self._start
            self._timer.start()
        else:
            self._timer.stop()
        self.retranslate()

    def _advance(self) -> None:
        factor = self.speed.currentData() or 1
        self.seek(self.replay_ts + factor * TICK_MS / 1000.0)
        if self.replay_ts >= self._end:
            self.play.setChecked(False)

    def _slid(self, value: int) -> None:
        self._begin()
        self.seek(self._start + (self._end - self._start) * value / SLIDER_STEPS, from_slider=True)

    def seek(self, ts: float, *, from_slider: bool = False) -> None:
        """Move the replay to ``ts`` (clamped to the track)."""
        if self.track is None:
            return
        self.replay_ts = min(max(ts, self._start), self._end)
        if not from_slider:
            fraction = (self.replay_ts - self._start) / (self._end - self._start)
            self.slider.blockSignals(True)
            self.slider.setValue(round(fraction * SLIDER_STEPS))
            self.slider.blockSignals(False)
        self._show_cursor()
        self.cursorMoved.emit(self.replay_ts)

    def _show_cursor(self) -> None:
        for line in self.lines:
            line.setValue(self.replay_ts)
        self.time_label.setText(datetime.fromtimestamp(self.replay_ts, TAIPEI).strftime("%H:%M:%S"))

    def close_replay(self) -> None:
        """Stop and leave replay mode."""
        self.play.setChecked(False)
        if self.active:
            self.active = False
            self.closed.emit()

    def map_events(self) -> list[tuple[float, float, float, str, str | None]]:
        """The located events of the track with translated labels, for ``MapView.show_track``."""
        if self.track is None:
            return []
        out: list[tuple[float, float, float, str, str | None]] = []
        for e in self.track.events:
            if e.lat is None or e.lon is None:
                continue
            if e.ticket is not None:
                name = e.ticket.name_zh if chinese_ui() else e.ticket.name_en
                label = f"{e.subject} {name}"
            else:
                label = f"{event_label(e.kind)} {e.subject}"
            out.append((e.ts, e.lat, e.lon, label, e.severity))
        return out

    # -- language ---------------------------------------------------------------------------------

    def retranslate(self) -> None:
        if self.track is not None and self.trip_id:
            self.title.setText(self.tr("Replay {trip}").format(trip=self.trip_id))
        elif self.trip_id:
            self.title.setText(self.tr("No track for {trip}").format(trip=self.trip_id))
        else:
            self.title.setText(self.tr("Replay: select a trip"))
        self.hint.setText(
            self.tr("Select a trip, ongoing or completed, to replay its track, seal events and tickets.")
        )
        self.play.setText(self.tr("❚❚ Pause") if self.play.isChecked() else self.tr("▶ Play"))
        self.stop.setText(self.tr("End replay"))
        self.speed.setToolTip(self.tr("Replay speed"))
        self.speed_plot.setLabel("left", self.tr("km/h"))
        self.seal_plot.setLabel("left", self.tr("Seal"))
        ticks = [
            (SEAL_UNSEALED, self.tr("unsealed")),
            (SEAL_SEALED, self.tr("sealed")),
            (SEAL_ABNORMAL, self.tr("abnormal")),
        ]
        self.seal_plot.getAxis("left").setTicks([ticks])

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
