"""The voice mixer: a weight slider per speaker of the current voice, saved mixes, and the anonymity meter.

Sliders edit the mix of the selected segment's track, or of the segment alone when "This segment only" is on.
A slider drag is one undo step, pushed on release and only if the mix changed: the mix is stored normalised, so
pushing while dragging would pull the slider back under the mouse (one speaker's slider could never move). Each
slider shows its share of the mix as a number, live while it is dragged. The anonymity check renders in a background thread and reports how close the
mix still is to each source (docs/anonymity.md); "Propose" searches weights below the threshold.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QGridLayout, QHBoxLayout, QInputDialog,
                               QLabel, QProgressBar, QPushButton, QSlider, QVBoxLayout, QWidget)

from studio.core.commands import SetLibraryMix, set_segment_mix, set_track_mix
from studio.core.model import SpeakerMix

from studio.ui.document import Document


class VoiceMixer(QWidget):
    error = Signal(str)
    _measured = Signal(object, object)  # (list of Closeness or None, proposed weights or message)

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.document = document
        self.segment_id: str | None = None
        self.sliders: dict[str, QSlider] = {}
        self.shares: dict[str, QLabel] = {}  # each speaker's share of the mix, in per cent
        self.title = QLabel("Voice mix")
        self.title.setStyleSheet("font-weight: bold;")
        self.only_segment = QCheckBox("This segment only")
        self.grid = QGridLayout()
        self.saved = QComboBox()
        self.saved.setPlaceholderText("Saved mixes")
        self.saved.activated.connect(self._apply_saved)
        save = QPushButton("Save mix…")
        save.clicked.connect(self._save)
        self.meter_kind, threshold, why = _meter()
        self.threshold = QDoubleSpinBox(minimum=0.05, maximum=0.95, singleStep=0.01, decimals=3, value=threshold)
        self.threshold.setToolTip(why)
        self.check = QPushButton("Check anonymity")
        self.check.clicked.connect(lambda: self._measure(propose=False))
        self.propose = QPushButton("Propose")
        self.propose.clicked.connect(lambda: self._measure(propose=True))
        self.busy = QProgressBar(maximum=0)
        self.busy.hide()
        self.meter = QLabel("")
        self.meter.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.only_segment)
        layout.addLayout(self.grid)
        row = QHBoxLayout()
        row.addWidget(self.saved, 1)
        row.addWidget(save)
        layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(QLabel("GE2E threshold" if self.meter_kind == "ge2e" else "threshold"))
        row.addWidget(self.threshold)
        row.addWidget(self.check)
        row.addWidget(self.propose)
        layout.addLayout(row)
        layout.addWidget(self.busy)
        layout.addWidget(self.meter)
        layout.addStretch(1)
        self._measured.connect(self._show_measure)
        document.changed.connect(lambda _t: self.sync())
        document.reset.connect(lambda: self.show_segment(None))

    # ---- which mix ------------------------------------------------------------------------------------------
    def show_segment(self, segment_id: str | None) -> None:
        self.segment_id = segment_id
        self._rebuild()

    def _segment(self):
        if self.segment_id is None:
            return None
        try:
            return self.document.project.segment(self.segment_id)
        except KeyError:
            return None

    def _speakers(self, seg) -> list[str]:
        voice = self.document.project.track(seg.track_id).voice
        backbone = self.document.voices.ready(voice)
        return [s.id for s in backbone.capabilities().speakers] if backbone else []

    def _rebuild(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.sliders.clear()
        self.shares.clear()
        seg = self._segment()
        if seg is None:
            self.title.setText("Voice mix")
            return
        track = self.document.project.track(seg.track_id)
        self.title.setText(f"Voice mix — {track.name}")
        for row, name in enumerate(self._speakers(seg)):
            slider = QSlider(Qt.Horizontal, minimum=0, maximum=100, singleStep=1, pageStep=5)
            slider.setObjectName(name)
            slider.sliderMoved.connect(lambda _v: self._show_shares())
            slider.sliderReleased.connect(self._released)
            # Clicks on the groove and keys change the value without a drag: those are one step at once.
            slider.valueChanged.connect(lambda _v, s=slider: s.isSliderDown() or self._released())
            share = QLabel("")
            share.setMinimumWidth(share.fontMetrics().horizontalAdvance("100 %") + 4)
            share.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
            self.grid.addWidget(QLabel(name), row, 0)
            self.grid.addWidget(slider, row, 1)
            self.grid.addWidget(share, row, 2)
            self.sliders[name] = slider
            self.shares[name] = share
        self.sync()

    def sync(self) -> None:
        seg = self._segment()
        if seg is None:
            return
        weights = self.document.project.effective_mix(seg).as_dict()
        for name, slider in self.sliders.items():
            slider.blockSignals(True)
            slider.setValue(int(round(100 * weights.get(name, 0.0))))
            slider.blockSignals(False)
        self._show_shares()
        self.only_segment.setChecked(seg.mix is not None)
        self.saved.clear()
        self.saved.addItems(sorted(self.document.project.voice_library))

    def current_mix(self) -> SpeakerMix:
        return SpeakerMix.of({n: s.value() for n, s in self.sliders.items() if s.value() > 0})

    def _show_shares(self) -> None:
        weights = self.current_mix().as_dict()
        for name, label in self.shares.items():
            label.setText(f"{100 * weights.get(name, 0.0):.0f} %")

    def _released(self) -> None:
        """The end of a drag, a click on a groove or a key: one undo step, only if the mix changed."""
        seg = self._segment()
        if seg is None:
            return
        mix = self.current_mix()
        before = self.document.project.effective_mix(seg)
        if mix.is_empty or _same(mix, before):
            self.sync()  # back to the stored mix (all sliders at zero is no mix)
            return
        self.set_mix(mix)

    def set_mix(self, mix: SpeakerMix, merge: bool = False) -> None:
        seg = self._segment()
        if seg is None or mix.is_empty:
            return
        if self.only_segment.isChecked():
            self.document.push(set_segment_mix(seg.id, mix), merge=merge)
        else:
            self.document.push(set_track_mix(seg.track_id, mix), merge=merge)

    # ---- saved mixes ----------------------------------------------------------------------------------------
    def _save(self) -> None:
        name, ok = QInputDialog.getText(self, "Save mix", "Name of this mix:")
        if ok and name.strip():
            self.save_mix(name)

    def save_mix(self, name: str) -> None:
        self.document.push(SetLibraryMix(name, self.current_mix()))

    def _apply_saved(self, index: int) -> None:
        mix = self.document.project.voice_library.get(self.saved.itemText(index))
        if mix is not None:
            self.set_mix(mix)

    # ---- anonymity ------------------------------------------------------------------------------------------
    def _measure(self, propose: bool) -> None:
        seg = self._segment()
        if seg is None:
            return
        mix = self.document.project.effective_mix(seg)
        if len(mix.weights) < 2:
            self.meter.setText("Mix at least two voices to measure anonymity.")
            return
        backbone = self.document.voices.loaded(self.document.project.track(seg.track_id).voice)
        threshold = self.threshold.value()
        kind = self.meter_kind
        self.busy.show()
        self.check.setEnabled(False)
        self.propose.setEnabled(False)

        def work():
            from studio.engine.privacy import anonymity
            try:
                render = anonymity.mix_renderer(backbone)
                model = getattr(backbone, "model", None)
                if propose:
                    found = anonymity.propose(render, mix.weights, threshold, model=model, meter=kind)
                    if found is None:
                        self._measured.emit(None, f"No mix of these voices measured below {threshold:.2f}; add a "
                                                  "more different voice or raise the threshold.")
                    else:
                        self._measured.emit(found[1], found[0])
                else:
                    self._measured.emit(anonymity.measure(render, mix.weights, model, verifier=kind == "ge2e"), None)
            except Exception as exc:  # noqa: BLE001 - one sentence in the panel, never a traceback
                self._measured.emit(None, f"The anonymity check failed: {exc}")
        threading.Thread(target=work, daemon=True).start()

    def _show_measure(self, closeness, extra) -> None:
        self.busy.hide()
        self.check.setEnabled(True)
        self.propose.setEnabled(True)
        if closeness is None:
            self.meter.setText(str(extra))
            return
        threshold = self.threshold.value()
        lines = []
        for c in closeness:
            score = c.verifier if c.verifier is not None else c.acoustic
            bar = "█" * int(round(max(score, 0.0) * 20))
            flag = " ⚠ same speaker" if score >= threshold else ""
            emb = "" if c.embedding is None else f" (embedding {c.embedding:+.2f})"
            lines.append(f"{c.speaker}: {score:.3f} {bar}{flag}{emb}")
        if isinstance(extra, dict):
            lines.insert(0, "Proposed: " + ", ".join(f"{n} {w:.0%}" for n, w in sorted(extra.items())))
            self.set_mix(SpeakerMix.of(extra))
        self.meter.setText("\n".join(lines))


def _same(a: SpeakerMix, b: SpeakerMix) -> bool:
    """Equal to the slider's precision: the sliders hold whole per cents of a stored share."""
    da, db = a.as_dict(), b.as_dict()
    return all(abs(da.get(k, 0.0) - db.get(k, 0.0)) < 0.005 for k in set(da) | set(db))


def _meter() -> tuple[str, float, str]:
    """("ge2e" or "mfcc", default threshold, how it was derived): the trained verifier where its weights and
    calibration are installed, else the MFCC voiceprint. Reads a small JSON file; loads no model."""
    from studio.engine.privacy import verifier

    try:
        verifier.weights_path()
        cal = verifier.calibration()
    except verifier.VerifierError as exc:
        return "mfcc", 0.5, f"MFCC voiceprint closeness (the trained verifier is unavailable: {exc})"
    return "ge2e", cal.threshold, (f"GE2E speaker verifier; same speaker at or above {cal.threshold:.3f}, "
                                   f"calibrated: {cal.method}; EER {cal.eer:.1%}")
