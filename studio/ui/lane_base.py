"""What every timeline lane shares: a plot whose view box hands mouse events to the lane first.

A lane that handles a press (a point, a block edge) gets the whole drag and shows live feedback; otherwise the
view pans and zooms as usual. A drag pushes one undoable command, on release, and only if something changed.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

SPEAKER_COLORS = [(86, 156, 214), (214, 128, 86), (120, 190, 120), (200, 120, 200), (220, 200, 90),
                  (100, 200, 200), (240, 120, 120), (160, 160, 240)]
# Every lane (and the overview strip) reserves the same room on the left, so their time axes line up; wide enough
# for a track name such as NARRATOR in the tracks lane.
LEFT_AXIS_WIDTH = 80


class LaneViewBox(pg.ViewBox):
    def __init__(self, lane: "Lane"):
        super().__init__(enableMenu=False)
        self.lane = lane
        self.setMouseEnabled(x=True, y=False)
        self._dragging = False

    def mouseClickEvent(self, ev) -> None:
        if self.lane.click(self.mapSceneToView(ev.scenePos()), ev):
            ev.accept()
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None) -> None:
        if ev.button() != Qt.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        if ev.isStart():
            self._dragging = self.lane.drag_start(self.mapSceneToView(ev.buttonDownScenePos()), ev)
        if self._dragging:
            ev.accept()
            pos = self.mapSceneToView(ev.scenePos())
            if ev.isFinish():
                self._dragging = False
                self.lane.drag_finish(pos, ev)
            else:
                self.lane.drag_move(pos, ev)
        else:
            super().mouseDragEvent(ev, axis)


class Lane:
    """One row of the timeline. Subclasses draw in `refresh` and may take clicks and drags."""

    title = ""
    height = 90

    def __init__(self, timeline):
        self.timeline = timeline
        self.view = LaneViewBox(self)
        self.plot = pg.PlotItem(viewBox=self.view)
        self.plot.setLabel("left", self.title)
        self.plot.showGrid(x=True, y=False, alpha=0.15)
        self.plot.hideButtons()
        self.plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        self.plot.setMenuEnabled(False)
        self.playhead = pg.InfiniteLine(0.0, angle=90, pen=pg.mkPen((255, 220, 80), width=1))
        self.plot.addItem(self.playhead, ignoreBounds=True)

    # Interaction hooks: return True when the lane takes the event.
    def click(self, pos, ev) -> bool:
        return False

    def drag_start(self, pos, ev) -> bool:
        return False

    def drag_move(self, pos, ev) -> None:
        pass

    def drag_finish(self, pos, ev) -> None:
        pass

    def refresh(self) -> None:
        raise NotImplementedError

    def pixels_to_x(self, pixels: float) -> float:
        (x0, x1), width = self.view.viewRange()[0], max(1.0, self.view.width())
        return pixels * (x1 - x0) / width

    def pixels_to_y(self, pixels: float) -> float:
        (y0, y1), height = self.view.viewRange()[1], max(1.0, self.view.height())
        return pixels * (y1 - y0) / height
