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
    def __init__(self, font_px: int = 11, elide: bool = False):
        super().__init__()
        # Eliding shortens a long label ("The ship sailed…") to its block; otherwise a label that does not fit
        # is left out (a phoneme symbol cut in half means nothing).
        self.elide = elide
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
        transform = painter.transform()
        px_per_unit = abs(transform.m11()) or 1.0
        # Level of detail: blocks narrower than a pixel are not drawn one by one (an hour holds 30,000 phonemes).
        visible = np.flatnonzero((self.x1 >= lo) & (self.x0 <= hi) & ((self.x1 - self.x0) * px_per_unit >= 1.0))
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
            if self.elide and rect.height() >= self.font.pixelSize():
                label = metrics.elidedText(label, Qt.ElideRight, rect.width() - 6)
                if len(label) > 1:  # not just the ellipsis
                    painter.drawText(rect.adjusted(3, 0, -3, 0), Qt.AlignLeft | Qt.AlignVCenter, label)
                continue
            if rect.width() >= metrics.horizontalAdvance(label) + 2 and rect.height() >= self.font.pixelSize():
                painter.drawText(rect, Qt.AlignCenter, label)
        painter.setTransform(transform)


class EnvelopeItem(pg.GraphicsObject):
    """A waveform drawn as one min-max line per screen column, from a 5 ms envelope of a whole project.

    Only the visible part is drawn and it is pooled to the view's width first, so an hour of audio costs no more
    to paint than ten seconds.
    """

    def __init__(self, color=(150, 200, 240)):
        super().__init__()
        self.x = self.hi = self.lo = np.zeros(0)
        self.pen = QPen(QColor(*color), 0)
        self._bounds = QRectF(0, -1, 1, 2)

    def set_envelope(self, x, hi, lo) -> None:
        self.prepareGeometryChange()
        order = np.argsort(x, kind="stable")
        self.x, self.hi, self.lo = np.asarray(x)[order], np.asarray(hi)[order], np.asarray(lo)[order]
        self._bounds = QRectF(float(self.x[0]), -1, float(self.x[-1] - self.x[0]) or 1.0, 2) if len(self.x) \
            else QRectF(0, -1, 1, 2)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter, option, widget=None) -> None:
        from PySide6.QtCore import QLineF

        view = self.getViewBox()
        if view is None or not len(self.x):
            return
        (x0, x1), _ = view.viewRange()
        a, b = np.searchsorted(self.x, [x0, x1])
        if b <= a:
            return
        columns = max(1, int(view.width()))
        xs, hi, lo = self.x[a:b], self.hi[a:b], self.lo[a:b]
        if len(xs) > columns:  # pool to one min-max pair per column
            edges = np.linspace(0, len(xs), columns + 1).astype(int)
            starts = edges[:-1][np.diff(edges) > 0]
            xs = xs[starts]
            hi = np.maximum.reduceat(hi, starts)
            lo = np.minimum.reduceat(lo, starts)
        painter.setPen(self.pen)
        painter.drawLines([QLineF(x, l, x, h) for x, l, h in zip(xs, lo, hi)])
