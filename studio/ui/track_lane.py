"""The tracks lane: one row per track, named on the left, with each line drawn where it plays and labelled
with its text. It shows who speaks when, which the per-property lanes below cannot."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics

from studio.ui.blocks import BlocksItem
from studio.ui.lane_base import LEFT_AXIS_WIDTH, Lane

NAME_PX = 11
NAME_ROOM = LEFT_AXIS_WIDTH - 8  # the axis keeps a few pixels between a name and the lane's edge


def _name_font() -> QFont:
    font = QFont()
    font.setPixelSize(NAME_PX)
    return font


def short_name(name: str) -> str:
    """The name as it fits the axis: pyqtgraph silently skips a tick label wider than its axis."""
    return QFontMetrics(_name_font()).elidedText(name, Qt.ElideRight, NAME_ROOM)


class TrackLane(Lane):
    title = "tracks"
    height = 96
    ROW_PX = NAME_PX + 7  # a row per track at least this tall, so that neighbouring names never touch

    def __init__(self, timeline):
        super().__init__(timeline)
        self.blocks = BlocksItem(font_px=11, elide=True)
        self.plot.addItem(self.blocks)
        # Names are the left axis's tick labels, one per row, so they never cover a line's block. They take the
        # place of the rotated "tracks" title, which would leave them too little room.
        axis = self.plot.getAxis("left")
        axis.showLabel(False)
        axis.setStyle(tickFont=_name_font(), tickLength=0)
        axis.setTextPen(pg.mkPen(235, 235, 240))
        axis.setToolTip("Tracks: one row per track, each line drawn where it plays")
        self.names: list[tuple[float, str]] = []  # (row centre, name as shown), top row first
        # The time scale sits on top of the first lane below the overview.
        self.plot.showAxis("top")
        self.plot.getAxis("top").setLabel("time", units="s")
        self.rows: list[str] = []  # track ids, top row first

    def refresh(self) -> None:
        project, data = self.timeline.document.project, self.timeline.data
        self.rows = [t.id for t in project.tracks]
        n = max(len(self.rows), 1)
        # Row 0 at the top: the script's first track reads first, as in the script panel.
        row_of = {tid: n - 1 - i for i, tid in enumerate(self.rows)}
        x0, x1, y0, y1, colors, labels = [], [], [], [], [], []
        for seg, place in zip(project.segments, data.placements):
            r = row_of.get(seg.track_id, 0)
            x0.append(place.start)
            x1.append(place.end)
            y0.append(r + 0.1)
            y1.append(r + 0.9)
            color = self.timeline.mix.speaker_color(project.track(seg.track_id).name)
            colors.append(pg.mkBrush(*[int(c * 0.6) for c in color]))
            labels.append(seg.text)
        self.blocks.set_blocks(x0, x1, y0, y1, colors, labels)
        self.names = [(row_of[t.id] + 0.5, short_name(t.name)) for t in project.tracks]
        # All names on the major level: pyqtgraph always draws that one, however crowded.
        self.plot.getAxis("left").setTicks([self.names, []])
        self.plot.setYRange(-0.2, n + 0.2, padding=0)  # room above the first name and below the last
        # Five tracks fit the usual height; more make the lane taller (the axes and margins take about 24 px).
        self.timeline.set_lane_height(self, max(TrackLane.height, self.ROW_PX * n + 24))

    def click(self, pos, ev) -> bool:
        """A click on a line selects it in the script (and so in the mixer and line panel)."""
        if ev.button() != Qt.LeftButton:
            return False
        i = self.blocks.block_at(pos.x(), pos.y())
        if i is None:
            return False
        project = self.timeline.document.project
        self.timeline.segment_clicked.emit(project.segments[int(i)].id)
        return True
