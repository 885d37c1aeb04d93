"""The timeline: lanes stacked on one time axis, over the whole project.

Lanes: words and phonemes, pitch, energy, emotion, voice mix, and the rendered audio with each segment's render
state. They share the x axis, so zooming or scrolling one moves all. Edits go through the document's undo stack;
the timeline redraws from the document when it changes and from the renderer when audio arrives.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QTimer, Signal

from .curve_lane import CurveLane, EnergyLane
from .document import Document
from .lanes import EmotionLane, MixLane, PhonemeLane, WaveformLane
from .timeline_data import TimelineData, build


class Timeline(pg.GraphicsLayoutWidget):
    cursor_moved = Signal(float)

    def __init__(self, document: Document, render=None, parent=None):
        super().__init__(parent)
        self.document, self.render = document, render
        self.data = TimelineData()
        self.speaker_order: list[str] = []
        self.cursor = 0.0
        self.active_curve: CurveLane | None = None
        self.phonemes, self.pitch, self.energy = PhonemeLane(self), CurveLane(self), EnergyLane(self)
        self.emotion, self.mix, self.audio = EmotionLane(self), MixLane(self), WaveformLane(self)
        self.lanes = [self.phonemes, self.pitch, self.energy, self.emotion, self.mix, self.audio]
        for row, lane in enumerate(self.lanes):
            self.addItem(lane.plot, row=row, col=0)
            self.ci.layout.setRowPreferredHeight(row, lane.height)
            self.ci.layout.setRowStretchFactor(row, lane.height)
            if lane is not self.audio:
                lane.plot.getAxis("bottom").setStyle(showValues=False)
            if row:
                lane.plot.setXLink(self.phonemes.plot)
        self.setMinimumHeight(sum(l.height for l in self.lanes))
        self._audio_timer = QTimer(self, singleShot=True, interval=60)  # many states arrive at once; draw once
        self._audio_timer.timeout.connect(self.refresh)
        document.changed.connect(lambda _touched: self.refresh())
        document.reset.connect(self.refresh_and_fit)
        if render is not None:
            render.status_changed.connect(lambda *_: self._audio_timer.start())

    def results(self) -> dict:
        if self.render is None:
            return {}
        return {s.id: r for s in self.document.project.segments if (r := self.render.result(s.id)) is not None}

    def refresh(self) -> None:
        self.data = build(self.document.project, self.results())
        for lane in self.lanes:
            lane.refresh()

    def refresh_and_fit(self) -> None:
        self.refresh()
        self.show_range(0.0, min(max(self.data.total, 1.0), 30.0))

    def show_range(self, start: float, end: float) -> None:
        self.phonemes.plot.setXRange(start, end, padding=0.01)

    def zoom(self, factor: float) -> None:
        (x0, x1), _ = self.phonemes.view.viewRange()
        centre, half = (x0 + x1) / 2, (x1 - x0) / 2 / factor
        self.show_range(max(0.0, centre - half), centre + half)

    def set_cursor(self, seconds: float) -> None:
        self.cursor = seconds
        self.set_playhead(seconds)
        self.cursor_moved.emit(seconds)

    def set_playhead(self, seconds: float) -> None:
        for lane in self.lanes:
            lane.playhead.setValue(seconds)

    def lane_selected(self, lane: CurveLane) -> None:
        self.active_curve = lane
        for other in (self.pitch, self.energy):
            if other is not lane and other.selection:
                other.selection.clear()
                other.refresh()

    def segment_at(self, seconds: float) -> str | None:
        for seg, place in zip(self.document.project.segments, self.data.placements):
            if place.start <= seconds < place.end:
                return seg.id
        return None

    def show_segment(self, segment_id: str) -> None:
        for seg, place in zip(self.document.project.segments, self.data.placements):
            if seg.id == segment_id:
                (x0, x1), _ = self.phonemes.view.viewRange()
                if not (x0 <= place.start and place.end <= x1):
                    width = max(x1 - x0, place.duration * 1.2)
                    self.show_range(max(0.0, place.start - 0.1 * width), place.start + 0.9 * width)
                return
