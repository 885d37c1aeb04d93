"""The inspector: numeric fields for the phonemes selected on the timeline (pitch in semitones, energy in dB,
duration as a factor). A field shows the selection's mean; typing a value sets every selected phoneme to it,
as one undo step. The step of the arrows comes from the preferences."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QLabel, QWidget

from studio.core.commands import Macro, SetPhonemes
from studio.core.model import DURATION_SCALE_RANGE, ENERGY_LIMIT_DB, PITCH_LIMIT_ST

from studio.ui.curve_lane import word_names


class Inspector(QWidget):
    def __init__(self, timeline, parent=None):
        super().__init__(parent)
        self.timeline, self.document = timeline, timeline.document
        self.what = QLabel("Select phonemes on the timeline (click a word or a point).")
        self.what.setWordWrap(True)
        self.pitch = self._box(-PITCH_LIMIT_ST, PITCH_LIMIT_ST, " st", 1.0)
        self.energy = self._box(-ENERGY_LIMIT_DB, ENERGY_LIMIT_DB, " dB", 1.0)
        self.duration = self._box(*DURATION_SCALE_RANGE, " ×", 0.05)
        self.duration.setValue(1.0)  # an unedited duration, not the range's minimum, while nothing is selected
        form = QFormLayout(self)
        form.addRow(self.what)
        form.addRow("Pitch", self.pitch)
        form.addRow("Energy", self.energy)
        form.addRow("Duration", self.duration)
        self._filling = False
        for box, field in ((self.pitch, "pitch_st"), (self.energy, "energy_db"), (self.duration, "duration_scale")):
            box.editingFinished.connect(lambda box=box, field=field: self._apply(field, box.value()))
        timeline.selection_changed.connect(self.refresh)
        self.document.changed.connect(lambda _t: self.refresh())
        self.document.reset.connect(self.refresh)
        self.refresh()

    def _box(self, lo: float, hi: float, suffix: str, step: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(lo, hi)
        box.setDecimals(2)
        box.setSuffix(suffix)
        box.setSingleStep(step)
        box.setKeyboardTracking(False)
        return box

    def set_steps(self, pitch_step: float, energy_step: float) -> None:
        self.pitch.setSingleStep(pitch_step)
        self.energy.setSingleStep(energy_step)

    def selection(self) -> list[int]:
        lane = self.timeline.active_curve
        d = self.timeline.data
        return sorted(i for i in (lane.selection if lane else ()) if i < len(d.seg_index))

    def _phonemes(self, indices):
        d, project = self.timeline.data, self.document.project
        return [project.segments[int(d.seg_index[i])].phonemes()[int(d.ph_index[i])] for i in indices]

    def refresh(self) -> None:
        indices = self.selection()
        for box in (self.pitch, self.energy, self.duration):
            box.setEnabled(bool(indices))
        if not indices:
            self.what.setText("Select phonemes on the timeline (click a word or a point).")
            return
        try:
            phonemes = self._phonemes(indices)
        except IndexError:
            return  # the timeline redraws after the document; the next refresh has the new arrays
        words = word_names(self.timeline, indices)
        self.what.setText(f"{len(indices)} phoneme{'s' if len(indices) > 1 else ''}"
                          + (f" of {', '.join(repr(w) for w in words[:4])}" if words else ""))
        self._filling = True
        self.pitch.setValue(float(np.mean([p.pitch_st for p in phonemes])))
        self.energy.setValue(float(np.mean([p.energy_db for p in phonemes])))
        self.duration.setValue(float(np.mean([p.duration_scale for p in phonemes])))
        self._filling = False

    def _apply(self, field: str, value: float) -> None:
        indices = self.selection()
        if self._filling or not indices:
            return
        if all(abs(getattr(p, field) - value) < 1e-6 for p in self._phonemes(indices)):
            return
        d, project = self.timeline.data, self.document.project
        by_segment: dict[str, list[int]] = {}
        for i in indices:
            by_segment.setdefault(project.segments[int(d.seg_index[i])].id, []).append(int(d.ph_index[i]))
        commands = [SetPhonemes(seg, idx, field, [value] * len(idx)) for seg, idx in by_segment.items()]
        name, unit = {"pitch_st": ("Pitch", "st"), "energy_db": ("Energy", "dB"),
                      "duration_scale": ("Duration", "×")}[field]
        words = word_names(self.timeline, indices)
        where = ", ".join(f"'{w}'" for w in words[:3]) or f"{len(indices)} phonemes"
        self.document.push(Macro(commands, f"{name} = {value:+.2f} {unit} on {where}"
                                 if field != "duration_scale" else f"Duration × {value:.2f} on {where}"))
