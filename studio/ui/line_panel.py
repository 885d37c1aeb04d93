"""The line panel, as in VOICEVOX: speed, volume, pitch and intonation of the selected line, the silence before
and after it, and the project's pause lengths by punctuation. Each change is one undo step; the line controls
apply on top of the phoneme edits (core/line_prosody.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QFormLayout, QGroupBox, QVBoxLayout, QWidget

from studio.core.model import LineControls, PauseSettings
from studio.core.commands import set_line_controls, set_pauses, set_silence


def _box(lo, hi, step, suffix, decimals=2) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setSuffix(suffix)
    box.setKeyboardTracking(False)
    return box


class LinePanel(QWidget):
    def __init__(self, document, parent=None):
        super().__init__(parent)
        self.document = document
        self.segment_id: str | None = None
        self.speed = _box(0.25, 4.0, 0.05, " ×")
        self.volume = _box(-24.0, 24.0, 1.0, " dB", 1)
        self.pitch = _box(-24.0, 24.0, 0.5, " st", 1)
        self.intonation = _box(0.0, 3.0, 0.1, " ×")
        self.before = _box(0.0, 10.0, 0.05, " s")
        self.after = _box(0.0, 10.0, 0.05, " s")
        self.before.setSpecialValueText("default")
        self.before.setMinimum(-0.05)  # the step below zero means "the pause the punctuation gives"
        line = QGroupBox("Selected line")
        form = QFormLayout(line)
        for label, box in (("Speed", self.speed), ("Volume", self.volume), ("Pitch", self.pitch),
                           ("Intonation", self.intonation), ("Silence before", self.before),
                           ("Silence after", self.after)):
            form.addRow(label, box)
        self.comma_own = QCheckBox("voice's own")
        self.comma = _box(0.0, 10.0, 0.05, " s")
        self.sentence = _box(0.0, 10.0, 0.05, " s")
        self.question = _box(0.0, 10.0, 0.05, " s")
        self.paragraph = _box(0.0, 10.0, 0.05, " s")
        pauses = QGroupBox("Pauses in this project")
        pform = QFormLayout(pauses)
        pform.addRow("After a comma", self.comma)
        pform.addRow("", self.comma_own)
        pform.addRow("After a sentence", self.sentence)
        pform.addRow("After a question", self.question)
        pform.addRow("Before a paragraph", self.paragraph)
        layout = QVBoxLayout(self)
        layout.addWidget(line)
        layout.addWidget(pauses)
        layout.addStretch(1)
        self._filling = False
        for box in (self.speed, self.volume, self.pitch, self.intonation):
            box.editingFinished.connect(self._controls_edited)
        for box in (self.before, self.after):
            box.editingFinished.connect(self._silence_edited)
        for box in (self.comma, self.sentence, self.question, self.paragraph):
            box.editingFinished.connect(self._pauses_edited)
        self.comma_own.toggled.connect(lambda _on: self._pauses_edited())
        document.changed.connect(lambda _t: self.refresh())
        document.reset.connect(lambda: self.show_segment(None))
        self.show_segment(None)

    def show_segment(self, segment_id: str | None) -> None:
        self.segment_id = segment_id
        self.refresh()

    def refresh(self) -> None:
        project = self.document.project
        try:
            seg = project.segment(self.segment_id) if self.segment_id else None
        except KeyError:
            seg = None
        self._filling = True
        for box in (self.speed, self.volume, self.pitch, self.intonation, self.before, self.after):
            box.setEnabled(seg is not None)
        if seg is not None:
            c = seg.controls
            self.speed.setValue(c.speed)
            self.volume.setValue(c.volume_db)
            self.pitch.setValue(c.pitch_st)
            self.intonation.setValue(c.intonation)
            self.before.setValue(-0.05 if seg.gap_before is None else seg.gap_before)
            self.after.setValue(seg.gap_after or 0.0)
        p = project.pauses
        self.comma_own.setChecked(p.comma is None)
        self.comma.setEnabled(p.comma is not None)
        self.comma.setValue(p.comma or 0.25)
        self.sentence.setValue(p.sentence)
        self.question.setValue(p.question)
        self.paragraph.setValue(p.paragraph)
        self._filling = False

    def _controls_edited(self) -> None:
        if self._filling or self.segment_id is None:
            return
        controls = LineControls(self.speed.value(), self.volume.value(), self.pitch.value(), self.intonation.value())
        if controls != self.document.project.segment(self.segment_id).controls:
            self.document.push(set_line_controls(self.segment_id, controls, mergeable=False))

    def _silence_edited(self) -> None:
        if self._filling or self.segment_id is None:
            return
        seg = self.document.project.segment(self.segment_id)
        before = None if self.before.value() < 0 else self.before.value()
        after = self.after.value() or None
        if (before, after) != (seg.gap_before, seg.gap_after):
            self.document.push(set_silence(self.segment_id, before, after))

    def _pauses_edited(self) -> None:
        if self._filling:
            return
        pauses = PauseSettings(None if self.comma_own.isChecked() else self.comma.value(), self.sentence.value(),
                               self.question.value(), self.paragraph.value())
        if pauses != self.document.project.pauses:
            self.document.push(set_pauses(pauses))
