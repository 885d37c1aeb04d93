"""The overview strip: the whole project at a glance, with the part the lanes show as a rectangle.

Drag the rectangle (or its edges) to move or resize the view; click anywhere on the strip to centre the view
there. Lines are drawn per track, markers as thin lines, so a long project can be crossed in one gesture.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from studio.ui.blocks import BlocksItem
from studio.ui.lane_base import LEFT_AXIS_WIDTH


class _StripBox(pg.ViewBox):
    def __init__(self, strip: "OverviewStrip"):
        super().__init__(enableMenu=False)
        self.strip = strip
        self.setMouseEnabled(x=False, y=False)

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == Qt.LeftButton:
            ev.accept()
            self.strip.centre_on(self.mapSceneToView(ev.scenePos()).x())

    def mouseDragEvent(self, ev, axis=None) -> None:
        ev.ignore()  # drags belong to the rectangle; the strip itself never pans

    def wheelEvent(self, ev, axis=None) -> None:
        ev.ignore()


class OverviewStrip:
    height = 34

    def __init__(self, timeline):
        self.timeline = timeline
        self.view = _StripBox(self)
        self.plot = pg.PlotItem(viewBox=self.view)
        self.plot.hideAxis("bottom")
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setLabel("left", "overview")
        self.plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        self.plot.getAxis("left").setTicks([[]])
        self.blocks = BlocksItem()
        self.plot.addItem(self.blocks)
        self.region = pg.LinearRegionItem((0.0, 1.0), brush=pg.mkBrush(255, 255, 255, 40),
                                          pen=pg.mkPen(255, 220, 80), swapMode="block")
        self.region.setZValue(10)
        self.plot.addItem(self.region)
        self.markers: list[pg.InfiniteLine] = []
        self._syncing = False
        self.region.sigRegionChanged.connect(self._region_moved)
        # The scene rate-limits drag moves; a fast flick may only report its end.
        self.region.sigRegionChangeFinished.connect(self._region_moved)

    def refresh(self) -> None:
        project, data = self.timeline.document.project, self.timeline.data
        rows = {t.id: i for i, t in enumerate(project.tracks)}
        n = max(len(rows), 1)
        x0, x1, y0, y1, colors = [], [], [], [], []
        for seg, place in zip(project.segments, data.placements):
            r = n - 1 - rows.get(seg.track_id, 0)
            x0.append(place.start)
            x1.append(place.end)
            y0.append((r + 0.15) / n)
            y1.append((r + 0.85) / n)
            colors.append(pg.mkBrush(*self.timeline.mix.speaker_color(project.track(seg.track_id).name)))
        self.blocks.set_blocks(x0, x1, y0, y1, colors, [""] * len(x0))
        for line in self.markers:
            self.plot.removeItem(line)
        self.markers = [pg.InfiniteLine(m.time, angle=90, pen=pg.mkPen(255, 150, 60)) for m in project.markers]
        for line in self.markers:
            self.plot.addItem(line, ignoreBounds=True)
        self.plot.setXRange(0.0, max(data.total, 1.0), padding=0.01)
        self.plot.setYRange(0, 1, padding=0)
        self.follow(self.timeline.phonemes.view.viewRange()[0])

    def follow(self, x_range) -> None:
        """The lanes moved: move the rectangle (without moving the lanes back)."""
        self._syncing = True
        self.region.setRegion((float(x_range[0]), float(x_range[1])))
        self._syncing = False

    def _region_moved(self) -> None:
        if self._syncing:
            return
        start, end = self.region.getRegion()
        if end - start > 1e-3:
            self._syncing = True
            self.timeline.phonemes.plot.setXRange(start, end, padding=0)
            self._syncing = False

    def centre_on(self, x: float) -> None:
        (x0, x1), _ = self.timeline.phonemes.view.viewRange()
        half = (x1 - x0) / 2
        start = max(0.0, x - half)
        self.timeline.phonemes.plot.setXRange(start, start + 2 * half, padding=0)
