"""The timeline: lanes stacked on one time axis, over the whole project.

Lanes: words and phonemes, pitch, energy, emotion, voice mix, and the rendered audio with each segment's render
state. They share the x axis, so zooming or scrolling one moves all. Edits go through the document's undo stack;
the timeline redraws from the document when it changes and from the renderer when audio arrives.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal

from studio.ui.curve_lane import CurveLane, EnergyLane
from studio.ui.document import Document
from studio.ui.lanes import EmotionLane, MixLane, PhonemeLane, WaveformLane
from studio.ui.guide_lane import GuideLane
from studio.ui.overview import OverviewStrip
from studio.ui.reference_lane import ReferenceLane
from studio.ui.track_lane import TrackLane
from studio.ui.timeline_data import TimelineData, build

POINTS_MAX_SPAN_S = 120.0
CURVES_MAX_SPAN_S = 600.0
# Below this many pixels per second a word (about 0.3 s) is too narrow for its label and phonemes are slivers: the
# phoneme lane shows each line's text instead of a grey smear.
SEGMENT_LABELS_PX_PER_S = 100.0
MARKER_PEN = (255, 150, 60)
AXIS_PX = 24  # the time axis's numbers under the lowest lane shown


class Timeline(pg.GraphicsLayoutWidget):
    cursor_moved = Signal(float)
    word_activated = Signal(int, int)  # segment position, word index: a word was double-clicked
    selection_changed = Signal()
    segment_clicked = Signal(str)  # a line was clicked in the tracks lane

    def __init__(self, document: Document, render=None, parent=None):
        super().__init__(parent)
        self.document, self.render = document, render
        self.data = TimelineData()
        self.speaker_order: list[str] = []
        self.cursor = 0.0
        self.playhead_at = 0.0  # where the playhead is drawn: the cursor, or the playing position
        self.pen_on = False  # the pen tool: drags in the pitch and energy lanes draw
        self.active_curve: CurveLane | None = None
        self.phonemes, self.pitch, self.energy = PhonemeLane(self), CurveLane(self), EnergyLane(self)
        self.emotion, self.mix, self.audio = EmotionLane(self), MixLane(self), WaveformLane(self)
        self.reference = ReferenceLane(self)
        self.guide = GuideLane(self)
        self.tracks = TrackLane(self)
        self.lanes = [self.tracks, self.phonemes, self.pitch, self.energy, self.emotion, self.mix, self.audio,
                      self.guide, self.reference]
        self.hidden: set = set()  # lanes hidden from the View menu
        self.lane_scale = 1.0  # View > Taller or Shorter lanes
        self.overview = OverviewStrip(self)
        self.addItem(self.overview.plot, row=0, col=0)
        self.ci.layout.setRowFixedHeight(0, self.overview.height)
        for row, lane in enumerate(self.lanes, start=1):
            self.addItem(lane.plot, row=row, col=0)
            if lane is not self.phonemes:
                lane.plot.setXLink(self.phonemes.plot)
        self._lay_out()
        self._marker_lines: list = []
        self.phonemes.view.sigXRangeChanged.connect(self._level_of_detail)
        self.phonemes.view.sigXRangeChanged.connect(lambda _v, r: self.overview.follow(r))
        self.phonemes.view.sigResized.connect(lambda v: self._level_of_detail(v, v.viewRange()[0]))
        # Render states arrive in bursts from the worker; redraw at most a few times a second. Only finished
        # renders can move phonemes (emotion tempo, DSP), so other states redraw just the audio lane.
        self._audio_timer = QTimer(self, singleShot=True, interval=250)
        self._audio_timer.timeout.connect(self._on_render_progress)
        self._layout_dirty = False
        document.changed.connect(lambda _touched: self.refresh())
        document.reset.connect(self.refresh_and_fit)
        if render is not None:
            render.status_changed.connect(self._on_status)

    def set_lane_height(self, lane, height: int) -> None:
        """Give a lane a new height (the tracks lane grows with the tracks, so that names keep apart)."""
        if height == lane.height:
            return
        lane.height = height
        self._lay_out()

    def shown_height(self, lane) -> int:
        return 0 if lane in self.hidden else int(round(lane.height * self.lane_scale))

    def set_lane_visible(self, lane, on: bool) -> None:
        """Hide a lane or show it again (View > Lanes); the time axis moves to the lowest lane shown."""
        (self.hidden.discard if on else self.hidden.add)(lane)
        self._lay_out()

    def scale_lanes(self, factor: float) -> None:
        """Every lane taller or shorter (View menu), within readable limits."""
        self.lane_scale = min(3.0, max(0.5, self.lane_scale * factor))
        self._lay_out()

    def _lay_out(self) -> None:
        """Row heights from the lanes. The timeline asks for its whole height as a minimum; the window holds it in
        a scroll area, so on a short screen the lowest lanes scroll into view instead of being cut off."""
        shown = [lane for lane in self.lanes if lane not in self.hidden]
        for row, lane in enumerate(self.lanes, start=1):
            height = self.shown_height(lane)
            lane.plot.setVisible(height > 0)
            layout = self.ci.layout
            layout.setRowMinimumHeight(row, height)
            layout.setRowPreferredHeight(row, height)
            layout.setRowMaximumHeight(row, height if height == 0 else 10_000)
            layout.setRowStretchFactor(row, height)
            lane.plot.getAxis("bottom").setStyle(showValues=bool(shown) and lane is shown[-1])
        spacing = self.ci.layout.verticalSpacing() * len(shown)
        _left, top, _right, bottom = self.ci.layout.getContentsMargins()
        margins = top + bottom + 2 * self.frameWidth() + self.contentsMargins().top() + self.contentsMargins().bottom()
        self.setMinimumHeight(sum(map(self.shown_height, self.lanes)) + self.overview.height
                              + int(spacing + margins) + AXIS_PX)

    def _level_of_detail(self, _view, x_range) -> None:
        """Per-phoneme points are editable only where they can be told apart; far out, the curves stay."""
        span = x_range[1] - x_range[0]
        self.phonemes.show_segment_labels(self.phonemes.view.width() / max(span, 1e-9) < SEGMENT_LABELS_PX_PER_S)
        for lane in (self.pitch, self.energy):
            lane.points.setVisible(span <= POINTS_MAX_SPAN_S)
            lane.selected.setVisible(span <= POINTS_MAX_SPAN_S)
            # Tens of thousands of curve segments cost seconds to rasterize and show nothing readable.
            lane.ghost.setVisible(span <= CURVES_MAX_SPAN_S)
            lane.line.setVisible(span <= CURVES_MAX_SPAN_S)

    def _on_status(self, _segment_id, status) -> None:
        from studio.engine.render.scheduler import State

        self._layout_dirty |= status.state is State.READY
        if not self._audio_timer.isActive():
            self._audio_timer.start()

    def _on_render_progress(self) -> None:
        if self._layout_dirty:
            self._layout_dirty = False
            self.refresh()
        else:
            self.audio.refresh()

    def results(self) -> dict:
        if self.render is None:
            return {}
        return {s.id: r for s in self.document.project.segments if (r := self.render.result(s.id)) is not None}

    def refresh(self) -> None:
        self.data = build(self.document.project, self.results())
        for lane in self.lanes:
            lane.refresh()
        self.overview.refresh()
        self._draw_markers()

    def _draw_markers(self) -> None:
        """A line per marker through every lane, named in the phoneme lane. A marker is dragged by its line in
        the lanes that take no drags of their own, so it never steals the drag of a pitch point or phoneme edge."""
        if any(line.moving for _plot, line in self._marker_lines):
            return  # redrawn when the drag ends: a line taken away mid-drag would leave the drag nowhere to go
        for plot, line in self._marker_lines:
            plot.removeItem(line)
        self._marker_lines = []
        pen = pg.mkPen(MARKER_PEN, width=1, style=Qt.DashLine)
        hover = pg.mkPen(MARKER_PEN, width=3)
        draggable = {self.tracks, self.mix, self.audio, self.guide, self.reference}
        for marker in self.document.project.markers:
            for lane in self.lanes:
                named = lane is self.phonemes
                line = pg.InfiniteLine(marker.time, angle=90, pen=pen, label=marker.name if named else None,
                                       labelOpts={"position": 0.92, "color": MARKER_PEN, "anchors": [(0, 0), (0, 0)],
                                                  "fill": (30, 30, 36, 200)} if named else None,
                                       movable=lane in draggable, hoverPen=hover, bounds=(0.0, None))
                line.marker = marker
                if line.movable:
                    line.setCursor(Qt.SizeHorCursor)
                    line.setToolTip(f"Marker '{marker.name}': drag to move it")
                    line.sigDragged.connect(self._marker_dragged)
                    line.sigPositionChangeFinished.connect(self._marker_dropped)
                lane.plot.addItem(line, ignoreBounds=True)
                self._marker_lines.append((lane.plot, line))

    def _marker_dragged(self, dragged) -> None:
        """The marker's line follows the drag through every lane."""
        for _plot, line in self._marker_lines:
            if line.marker is dragged.marker and line is not dragged:
                line.setValue(dragged.value())

    def _marker_dropped(self, dropped) -> None:
        """One undo step on release, and only if the marker moved."""
        from studio.core.commands import move_marker

        markers = self.document.project.markers
        index = next((i for i, m in enumerate(markers) if m is dropped.marker), None)
        if index is not None and abs(dropped.value() - markers[index].time) >= 1e-3:
            self.document.push(move_marker(self.document.project, index, dropped.value()))
        else:
            self._draw_markers()  # back where it was (a right-click cancels a drag)

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
        self.playhead_at = seconds
        for lane in self.lanes:
            lane.playhead.setValue(seconds)

    def lane_selected(self, lane: CurveLane) -> None:
        self.active_curve = lane
        for other in (self.pitch, self.energy):
            if other is not lane and other.selection:
                other.selection.clear()
                other.refresh()
        self.selection_changed.emit()

    def select_word(self, seg_pos: int, word_index: int, add: bool = False) -> None:
        """Select the phonemes of a word in the active curve lane (pitch by default)."""
        seg = self.document.project.segments[seg_pos]
        first = sum(len(w.phonemes) for w in seg.words[:word_index])
        wanted = range(first, first + len(seg.words[word_index].phonemes))
        d = self.data
        chosen = {int(i) for i in np.flatnonzero((d.seg_index == seg_pos) & np.isin(d.ph_index, list(wanted)))}
        lane = self.active_curve or self.pitch
        lane.selection = (lane.selection | chosen) if add else chosen
        self.lane_selected(lane)
        lane.refresh()

    def segment_at(self, seconds: float) -> str | None:
        for seg, place in zip(self.document.project.segments, self.data.placements):
            if place.start <= seconds < place.end:
                return seg.id
        return None

    def show_segments(self, segment_ids: list[str], most: float = 60.0) -> None:
        """Show these lines from the first one's start (at most `most` seconds of them), after a paste."""
        wanted = set(segment_ids)
        places = [p for seg, p in zip(self.document.project.segments, self.data.placements) if seg.id in wanted]
        if places:
            start = min(p.start for p in places)
            end = min(max(p.end for p in places), start + most)
            self.show_range(max(0.0, start - 0.02 * (end - start)), end)

    def show_segment(self, segment_id: str) -> None:
        for seg, place in zip(self.document.project.segments, self.data.placements):
            if seg.id == segment_id:
                (x0, x1), _ = self.phonemes.view.viewRange()
                if not (x0 <= place.start and place.end <= x1):
                    width = max(x1 - x0, place.duration * 1.2)
                    self.show_range(max(0.0, place.start - 0.1 * width), place.start + 0.9 * width)
                return
