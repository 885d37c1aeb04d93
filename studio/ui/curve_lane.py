"""Pitch and energy lanes: the prediction as a ghost, the edited values on top, one draggable point per phoneme.

Click a point to select it, shift-click to add or remove, shift-drag on empty space to select with a rubber
band. Dragging a point moves the whole selection; the points follow the mouse and one command is pushed on
release. Shift, flatten and reset act on the selection (Edit menu). Pitch is in semitones re 100 Hz, with Hz in
the hover tip; energy is in dB.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QGraphicsRectItem

from studio.core.commands import Macro, SetPhonemes

from studio.ui.lane_base import Lane
from studio.ui.timeline_data import st_to_hz

HIT_PX = 9


class CurveLane(Lane):
    field = "pitch_st"
    title = "pitch (st)"
    height = 150
    color = (255, 170, 60)
    limit = 24.0

    def __init__(self, timeline):
        super().__init__(timeline)
        self.ghost = pg.PlotDataItem(pen=pg.mkPen((150, 150, 160, 140), width=2, style=Qt.DashLine), connect="finite")
        self.line = pg.PlotDataItem(pen=pg.mkPen(self.color, width=1.5), connect="finite")
        self.points = pg.ScatterPlotItem(size=9, pen=pg.mkPen(20, 20, 20), brush=pg.mkBrush(*self.color),
                                         hoverable=True, tip=self._tip)
        # The selection is drawn as a second, small scatter on top: restyling thousands of points per click or
        # drag would make a long project sluggish.
        self.selected = pg.ScatterPlotItem(size=11, pen=pg.mkPen(20, 20, 20), brush=pg.mkBrush(255, 255, 255))
        for item in (self.ghost, self.line):
            item.setClipToView(True)
            item.setDownsampling(auto=True, method="peak")
        for item in (self.ghost, self.line, self.points, self.selected):
            self.plot.addItem(item)
        self.selection: set[int] = set()  # indices into the timeline's phoneme arrays
        self._x = self._base = self._edit = np.zeros(0)
        self._index = np.zeros(0, int)
        self._drag_from = None
        self._band: QGraphicsRectItem | None = None
        self._pen: dict[int, float] | None = None  # while drawing: point index -> edit
        self._pen_last = None

    # ---- data -----------------------------------------------------------------------------------------------
    def values(self):
        d = self.timeline.data
        return d.pitch_pred, d.pitch_edit

    def refresh(self) -> None:
        d = self.timeline.data
        base, edit = self.values()
        mid = (d.start + d.end) / 2
        ok = np.isfinite(base)
        self._index = np.flatnonzero(ok)
        self._x, self._base, self._edit = mid[ok], base[ok], edit[ok]
        # NaN between segments breaks the curves there.
        ghost_y = np.where(ok, base, np.nan)
        breaks = np.r_[False, d.seg_index[1:] != d.seg_index[:-1]] if len(d.seg_index) else np.zeros(0, bool)
        ghost_y = np.where(breaks, np.nan, ghost_y)
        self.ghost.setData(mid, ghost_y)
        self.line.setData(mid, np.where(np.isnan(ghost_y), np.nan, base + edit))
        self.selection &= set(self._index.tolist())
        self._draw_points(self._edit)

    def _draw_points(self, edit: np.ndarray, moved_only: bool = False) -> None:
        y = self._base + edit
        if not moved_only:
            self.points.setData(self._x, y, data=self._index)
        chosen = np.isin(self._index, list(self.selection)) if self.selection else np.zeros(len(self._index), bool)
        self.selected.setData(self._x[chosen], y[chosen])

    def _tip(self, x, y, data):
        d = self.timeline.data
        sym = d.symbol[int(data)]
        offset = d.pitch_edit[int(data)] if self.field == "pitch_st" else d.energy_edit[int(data)]
        if self.field == "pitch_st":
            return f"{sym}   {y:+.1f} st = {st_to_hz(y):.0f} Hz   (edit {offset:+.1f} st)"
        return f"{sym}   {y:.1f} dB   (edit {offset:+.1f} dB)"

    def _nearest(self, pos) -> int | None:
        if not len(self._x) or not self.points.isVisible():
            return None
        dx = (self._x - pos.x()) / max(self.pixels_to_x(1), 1e-12)
        dy = (self._base + self._edit - pos.y()) / max(self.pixels_to_y(1), 1e-12)
        k = int(np.argmin(dx * dx + dy * dy))
        return k if dx[k] ** 2 + dy[k] ** 2 <= HIT_PX ** 2 else None

    # ---- interaction ----------------------------------------------------------------------------------------
    def click(self, pos, ev) -> bool:
        if ev.button() != Qt.LeftButton:
            return False
        k = self._nearest(pos)
        shift = bool(ev.modifiers() & Qt.ShiftModifier)
        if k is None:
            if not shift:
                self.selection.clear()
                self._draw_points(self._edit)
                self.timeline.selection_changed.emit()
            return False
        i = int(self._index[k])
        if shift:
            self.selection ^= {i}
        else:
            self.selection = {i}
        self._draw_points(self._edit)
        self.timeline.lane_selected(self)
        return True

    # ---- the pen: drag to draw, every phoneme the pen crosses takes the pen's height -----------------------
    def _pen_cross(self, a, b) -> None:
        d = self.timeline.data
        lo, hi = sorted((a.x(), b.x()))
        starts, ends = d.start[self._index], d.end[self._index]
        for k in np.flatnonzero((ends >= lo) & (starts <= hi)):
            t = 0.0 if b.x() == a.x() else float(np.clip((self._x[k] - a.x()) / (b.x() - a.x()), 0.0, 1.0))
            y = a.y() + t * (b.y() - a.y())
            self._pen[int(k)] = float(np.clip(y - self._base[k], -self.limit, self.limit))

    def _pen_preview(self) -> np.ndarray:
        edit = self._edit.copy()
        for k, v in self._pen.items():
            edit[k] = v
        return edit

    def drag_start(self, pos, ev) -> bool:
        if self.timeline.pen_on and not ev.modifiers() & Qt.ShiftModifier:
            self._pen, self._pen_last = {}, pos
            self._pen_cross(pos, pos)
            self.timeline.lane_selected(self)
            return True
        k = self._nearest(pos)
        if k is not None:
            i = int(self._index[k])
            if i not in self.selection:
                self.selection = self.selection | {i} if ev.modifiers() & Qt.ShiftModifier else {i}
            self._drag_from = pos.y()
            self.timeline.lane_selected(self)
            return True
        if ev.modifiers() & Qt.ShiftModifier:
            self._band = QGraphicsRectItem()
            self._band.setPen(pg.mkPen((255, 255, 255, 160), style=Qt.DashLine))
            self._band.setBrush(pg.mkBrush(255, 255, 255, 30))
            self.plot.addItem(self._band, ignoreBounds=True)
            self._band_from = pos
            return True
        return False

    def _dragged(self, pos) -> np.ndarray:
        delta = pos.y() - self._drag_from
        chosen = np.isin(self._index, list(self.selection))
        return np.where(chosen, np.clip(self._edit + delta, -self.limit, self.limit), self._edit)

    def drag_move(self, pos, ev) -> None:
        if self._pen is not None:
            self._pen_cross(self._pen_last, pos)
            self._pen_last = pos
            self._draw_points(self._pen_preview(), moved_only=False)
            return
        if self._band is not None:
            self._band.setRect(QRectF(self._band_from, pos).normalized())
            return
        self._draw_points(self._dragged(pos), moved_only=True)

    def drag_finish(self, pos, ev) -> None:
        if self._pen is not None:
            self._pen_cross(self._pen_last, pos)
            drawn, self._pen = self._pen, None
            changed = {int(self._index[k]): v for k, v in drawn.items() if abs(v - self._edit[k]) > 1e-6}
            if changed:
                self.set_values(changed, "Draw")
            else:
                self._draw_points(self._edit)
            return
        if self._band is not None:
            rect = QRectF(self._band_from, pos).normalized()
            self.plot.removeItem(self._band)
            self._band = None
            y = self._base + self._edit
            inside = (self._x >= rect.left()) & (self._x <= rect.right()) & (y >= rect.top()) & (y <= rect.bottom())
            self.selection |= set(self._index[inside].tolist())
            self._draw_points(self._edit)
            self.timeline.lane_selected(self)
            return
        new = self._dragged(pos)
        changed = {int(i): float(v) for i, v, old in zip(self._index, new, self._edit) if v != old}
        self._drag_from = None
        if changed:
            self.set_values(changed, "Drag")
        else:
            self._draw_points(self._edit)

    # ---- commands on the selection ----------------------------------------------------------------------
    def set_values(self, values: dict[int, float], label: str) -> None:
        """Push one undo step that sets this lane's field of the given phonemes (timeline indices)."""
        d, project = self.timeline.data, self.timeline.document.project
        by_segment: dict[str, tuple[list[int], list[float]]] = {}
        for i, v in values.items():
            seg_id = project.segments[int(d.seg_index[i])].id
            idx, vals = by_segment.setdefault(seg_id, ([], []))
            idx.append(int(d.ph_index[i]))
            vals.append(v)
        commands = [SetPhonemes(seg, idx, self.field, vals) for seg, (idx, vals) in by_segment.items()]
        command = commands[0] if len(commands) == 1 else Macro(commands, f"{label} {len(values)} phonemes")
        command.text = history_label(self.timeline, self.field, values, label)
        self.timeline.document.push(command)

    def shift_selection(self, delta: float) -> None:
        edit = self.values()[1]
        if self.selection:
            self.set_values({i: float(np.clip(edit[i] + delta, -self.limit, self.limit)) for i in self.selection},
                            "Shift")

    def flatten_selection(self) -> None:
        """Every selected phoneme to the selection's mean level (prediction plus edit)."""
        base, edit = self.values()
        if len(self.selection) < 2:
            return
        mean = float(np.mean([base[i] + edit[i] for i in self.selection]))
        self.set_values({i: float(np.clip(mean - base[i], -self.limit, self.limit)) for i in self.selection},
                        "Flatten")

    def reset_selection(self) -> None:
        if self.selection:
            self.set_values({i: 0.0 for i in self.selection}, "Reset")


class EnergyLane(CurveLane):
    field = "energy_db"
    title = "energy (dB)"
    height = 110
    color = (110, 200, 140)
    RANGE_DB = 50.0  # the scale shows this much below the loudest phoneme: silent outliers do not flatten it

    def values(self):
        d = self.timeline.data
        return d.energy_pred, d.energy_edit

    def refresh(self) -> None:
        super().refresh()
        y = self._base + self._edit
        y = y[np.isfinite(y)]
        if len(y):
            top = float(np.max(y))
            bottom = max(float(np.percentile(y, 2)), top - self.RANGE_DB)
            self.view.enableAutoRange(y=False)
            self.plot.setYRange(bottom - 3.0, top + 3.0, padding=0)


FIELD_WORDS = {"pitch_st": ("Pitch", "st"), "energy_db": ("Energy", "dB"), "duration_scale": ("Duration", "×")}


def word_names(timeline, indices) -> list[str]:
    """The words (in order, without repeats) that timeline phoneme indices belong to."""
    d, project = timeline.data, timeline.document.project
    names: list[str] = []
    for i in sorted(indices):
        seg = project.segments[int(d.seg_index[i])]
        k = int(d.ph_index[i])
        for w in seg.words:
            if k < len(w.phonemes):
                if w.text and w.text not in names:
                    names.append(w.text)
                break
            k -= len(w.phonemes)
    return names


def history_label(timeline, field: str, values: dict[int, float], verb: str) -> str:
    """What an edit did, in words: "Pitch +1.0 st on 'ship'", "Draw pitch on 'we', 'go'"."""
    name, unit = FIELD_WORDS[field]
    words = word_names(timeline, values)
    where = (", ".join(f"'{w}'" for w in words[:3]) + (f" and {len(words) - 3} more" if len(words) > 3 else "")
             ) if words else f"{len(values)} pauses"
    d = timeline.data
    old = d.pitch_edit if field == "pitch_st" else d.energy_edit
    if verb in ("Drag", "Shift") and field in ("pitch_st", "energy_db"):
        delta = float(np.mean([v - old[i] for i, v in values.items()]))
        return f"{name} {delta:+.1f} {unit} on {where}"
    return f"{verb} {name.lower()} on {where}"
