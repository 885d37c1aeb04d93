"""The tracks lane: one row per track, named on the left, with each line drawn where it plays and labelled
with its text. It shows who speaks when, which the per-property lanes below cannot."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from .blocks import BlocksItem
from .lane_base import Lane

NAME_CHARS = 14  # a long name would hide the lines behind it


def short_name(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[:NAME_CHARS - 1] + "…"


def _name_font():
    from PySide6.QtGui import QFont

    font = QFont()
    font.setPixelSize(11)
    return font


class TrackLane(Lane):
    title = "tracks"
    height = 96

    def __init__(self, timeline):
        super().__init__(timeline)
        self.blocks = BlocksItem(font_px=11, elide=True)
        self.plot.addItem(self.blocks)
        self.plot.getAxis("left").setTicks([[]])
        # Names are drawn inside the lane, pinned to its left edge: as axis ticks pyqtgraph drops the ones near
        # the ends of a short axis, and a track without its name is no help.
        self.names: list[pg.TextItem] = []
        self.view.sigXRangeChanged.connect(lambda *_: self._pin_names())
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
        for item in self.names:
            self.plot.removeItem(item)
        self.names = []
        for t in project.tracks:
            item = pg.TextItem(short_name(t.name), color=(235, 235, 240), fill=pg.mkBrush(20, 20, 26, 210),
                               anchor=(0, 0.5))
            item.setFont(_name_font())
            item.setZValue(5)
            item.row = row_of[t.id]
            self.plot.addItem(item, ignoreBounds=True)
            self.names.append(item)
        self._pin_names()
        self.plot.setYRange(-0.2, n + 0.2, padding=0)  # room above the first name and below the last

    def _pin_names(self) -> None:
        x0 = self.view.viewRange()[0][0]
        for item in self.names:
            item.setPos(x0, item.row + 0.5)

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
