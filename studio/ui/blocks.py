"""A pyqtgraph item that draws many labelled rectangles fast: only those in view, labels in screen pixels.

Timeline lanes hold thousands of phonemes on a long project; one QGraphicsItem per phoneme would make scrolling
crawl. This item keeps numpy arrays and paints the visible part in one pass, and draws a label only when its
block is wide enough on screen to hold it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPen


class BlocksItem(pg.GraphicsObject):
    def __init__(self, font_px: int = 11):
        super().__init__()
        self.x0 = self.x1 = self.y0 = self.y1 = np.zeros(0)
        self.colors: list[QColor] = []
        self.labels: list[str] = []
        self.font = QFont()
        self.font.setPixelSize(font_px)
        self._bounds = QRectF(0, 0, 1, 1)

    def set_blocks(self, x0, x1, y0, y1, colors, labels) -> None:
        self.prepareGeometryChange()
        self.x0, self.x1 = np.asarray(x0, float), np.asarray(x1, float)
        self.y0, self.y1 = np.asarray(y0, float), np.asarray(y1, float)
        self.colors, self.labels = list(colors), list(labels)
        if len(self.x0):
            self._bounds = QRectF(float(self.x0.min()), float(min(self.y0.min(), self.y1.min())),
                                  float(self.x1.max() - self.x0.min()) or 1.0,
                                  float(abs(self.y1.max() - self.y0.min())) or 1.0)
        else:
            self._bounds = QRectF(0, 0, 1, 1)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def block_at(self, x: float, y: float | None = None) -> int | None:
        hit = np.flatnonzero((self.x0 <= x) & (x < self.x1) & (
            True if y is None else (np.minimum(self.y0, self.y1) <= y) & (y <= np.maximum(self.y0, self.y1))))
        return int(hit[-1]) if len(hit) else None

    def paint(self, painter, option, widget=None) -> None:
        if not len(self.x0):
            return
        view = self.getViewBox()
        lo, hi = (view.viewRange()[0] if view is not None else (self.x0.min(), self.x1.max()))
        visible = np.flatnonzero((self.x1 >= lo) & (self.x0 <= hi))
        transform = painter.transform()
        painter.setPen(QPen(QColor(20, 20, 26), 0))
        for i in visible:
            painter.setBrush(self.colors[i])
            painter.drawRect(QRectF(QPointF(self.x0[i], self.y0[i]), QPointF(self.x1[i], self.y1[i])))
        # Labels in device pixels, so they neither stretch with zoom nor cost anything when too small to read.
        painter.resetTransform()
        painter.setFont(self.font)
        painter.setPen(QColor(235, 235, 240))
        metrics = QFontMetricsF(self.font)
        for i in visible:
            label = self.labels[i]
            if not label:
                continue
            rect = transform.mapRect(QRectF(QPointF(self.x0[i], self.y0[i]), QPointF(self.x1[i], self.y1[i])))
            if rect.width() >= metrics.horizontalAdvance(label) + 2 and rect.height() >= self.font.pixelSize():
                painter.drawText(rect, Qt.AlignCenter, label)
        painter.setTransform(transform)
