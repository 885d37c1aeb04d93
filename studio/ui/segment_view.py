"""A phoneme-level view of one segment: word and phoneme blocks on a time axis, with the pitch curve.

The predicted pitch is drawn as a ghost and the edited pitch on top, one point per voiced phoneme, in
semitones relative to 100 Hz so that a shift reads the same at any register.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from .document import Document

REF_HZ = 100.0


def hz_to_st(hz: float) -> float:
    return 12.0 * math.log2(hz / REF_HZ)


class SegmentView(pg.GraphicsLayoutWidget):
    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.document = document
        self.segment_id: str | None = None
        self.pitch_plot = self.addPlot(row=0, col=0)
        self.pitch_plot.setLabel("left", "pitch", units="st re 100 Hz")
        self.pitch_plot.showGrid(x=True, y=True, alpha=0.2)
        self.pitch_plot.setMouseEnabled(x=True, y=False)
        self.phoneme_plot = self.addPlot(row=1, col=0)
        self.phoneme_plot.setXLink(self.pitch_plot)
        self.phoneme_plot.setLabel("bottom", "time", units="s")
        self.phoneme_plot.hideAxis("left")
        self.phoneme_plot.setMouseEnabled(x=True, y=False)
        self.phoneme_plot.setYRange(0, 2, padding=0)
        self.ci.layout.setRowStretchFactor(0, 3)
        self.ci.layout.setRowStretchFactor(1, 1)
        document.changed.connect(self._on_changed)
        document.reset.connect(lambda: self.show_segment(None))

    def _on_changed(self, touched: set) -> None:
        if self.segment_id in touched:
            self.show_segment(self.segment_id)

    def show_segment(self, segment_id: str | None) -> None:
        self.segment_id = segment_id
        self.pitch_plot.clear()
        self.phoneme_plot.clear()
        if segment_id is None:
            return
        try:
            seg = self.document.project.segment(segment_id)
        except KeyError:
            self.segment_id = None
            return
        t = 0.0
        ghost_x, ghost_y, edit_x, edit_y = [], [], [], []
        font = QFont()
        font.setPointSize(9)
        for word in seg.words:
            w_start = t
            for p in word.phonemes:
                d = p.target_duration
                color = QColor(90, 90, 100) if p.is_pause else QColor(70, 130, 200)
                block = pg.QtWidgets.QGraphicsRectItem(t, 0.05, d, 0.9)
                block.setBrush(pg.mkBrush(color))
                block.setPen(pg.mkPen(QColor(20, 20, 30)))
                self.phoneme_plot.addItem(block)
                if not p.is_pause:
                    label = pg.TextItem(p.symbol, color="w", anchor=(0.5, 0.5))
                    label.setFont(font)
                    label.setPos(t + d / 2, 0.5)
                    self.phoneme_plot.addItem(label)
                if p.pitch > 0:
                    ghost_x.append(t + d / 2)
                    ghost_y.append(hz_to_st(p.pitch))
                    edit_x.append(t + d / 2)
                    edit_y.append(hz_to_st(p.pitch) + p.pitch_st)
                t += d
            if word.text:
                label = pg.TextItem(word.text, color=(230, 230, 230), anchor=(0.5, 0))
                label.setPos((w_start + t) / 2, 1.95)
                self.phoneme_plot.addItem(label)
                self.phoneme_plot.addItem(pg.InfiniteLine(w_start, angle=90, pen=pg.mkPen((160, 160, 160), style=Qt.DashLine)))
        self.pitch_plot.plot(ghost_x, ghost_y, pen=pg.mkPen((150, 150, 150, 120), width=2, style=Qt.DashLine))
        self.pitch_plot.plot(edit_x, edit_y, pen=pg.mkPen((255, 170, 60), width=2), symbol="o", symbolSize=8,
                             symbolBrush=(255, 170, 60))
        self.pitch_plot.setXRange(0, max(t, 0.1), padding=0.02)
