"""Voice > Design a voice…: a neural voice changed by timbre, pitch and breath, heard before it is used.

Preview renders a sample sentence on a worker thread and plays it; "Use for this track" switches the selected
track to the design as one undo step (the project keeps the design, so it sounds the same elsewhere); "Save to my
voices" writes it to the user's library, where the model picker, `studio voices` and `--voice NAME` find it.
"Start from" loads one of the library's designs to change it (saved again under its name, it is replaced after a
question) and "Delete" removes it from the library (projects keep their own copy).
The spin boxes span a narrower range than core.design allows: beyond it the voices stop sounding human.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QMessageBox, QProgressBar, QPushButton, QVBoxLayout)

from studio.core.design import Design, DesignError, check_name
from studio.core.errors import UserError
from studio.core.model import VoiceRef

from studio.ui.background import Job

SAMPLE = "Hello, this is how I sound. Do you like my voice?"
TIMBRE = (0.85, 1.35)
PITCH = (0.6, 2.0)
BREATH = (0.0, 0.5)


def base_voices() -> list[tuple[str, str]]:
    """(label, model) of the neural voices a design can start from: the cast's own voices, then the bases of the
    user's designs."""
    from studio.core.voice_library import load_designs
    from studio.engine.voices.cast import cast

    out = {v.voice.model: f"{v.name} ({v.voice.model})" for v in cast() if v.design is None}
    for d in load_designs().values():
        out.setdefault(d.base, d.base)
    return [(label, model) for model, label in out.items()]


def design_from(base: str, timbre: float, pitch: float, breath: float, name: str) -> Design:
    """The design the fields describe; DesignError with one sentence when a value or the name will not do."""
    for what, value, (lo, hi) in (("timbre", timbre, TIMBRE), ("pitch", pitch, PITCH), ("breath", breath, BREATH)):
        if not lo <= value <= hi:
            raise DesignError(f"The {what} must be from {lo:g} to {hi:g}; {value:g} is out of range.")
    if not name.strip():
        raise DesignError("Give the voice a name first.")
    return Design(base, timbre, pitch, breath, check_name(name))


class DesignDialog(QDialog):
    def __init__(self, window, track_id: str | None, parent=None):
        super().__init__(parent or window)
        self.setObjectName("design-dialog")
        self.setWindowTitle("Design a voice")
        self.window_, self.document, self.track_id = window, window.document, track_id
        self.start = QComboBox()
        self.start.addItem("A new voice", None)
        self.start.currentIndexChanged.connect(self._load_start)
        self.base = QComboBox()
        for label, model in base_voices():
            self.base.addItem(label, model)
        self.timbre = self._spin(*TIMBRE, 1.0, "Above 1 moves the formants up (a shorter vocal tract), below 1 down.")
        self.pitch = self._spin(*PITCH, 1.0, "A factor on the voice's pitch: 1.5 speaks half again as high.")
        self.breath = self._spin(*BREATH, 0.0, "0 is the base voice; higher is breathier.")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Kim")
        form = QFormLayout()
        form.addRow("Start from", self.start)
        form.addRow("Base voice", self.base)
        form.addRow("Timbre", self.timbre)
        form.addRow("Pitch", self.pitch)
        form.addRow("Breath", self.breath)
        form.addRow("Name", self.name)
        self.status = QLabel("Preview a sentence, then use the voice for this track or save it to your voices.")
        self.status.setWordWrap(True)
        self.progress = QProgressBar(maximum=0)
        self.progress.hide()
        self.preview_button = QPushButton("Preview")
        self.preview_button.clicked.connect(self.preview)
        self.use_button = QPushButton("Use for this track")
        self.use_button.clicked.connect(self.use_for_track)
        if track_id is None:
            self.use_button.setEnabled(False)
            self.use_button.setToolTip("Select a line of the track first.")
        self.save_button = QPushButton("Save to my voices")
        self.save_button.clicked.connect(self.save_to_library)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Remove the voice chosen under 'Start from' from your voices")
        self.delete_button.clicked.connect(self.delete_from_library)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for b in (self.preview_button, self.use_button, self.save_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)
        self.job: Job | None = None
        self.preview_audio = None  # (audio, rate) of the last preview
        self._fill_start()

    def _fill_start(self, select: str | None = None) -> None:
        """The library's designs under "Start from"; `select` picks one by name."""
        from studio.core.voice_library import load_designs

        self.start.blockSignals(True)
        while self.start.count() > 1:
            self.start.removeItem(1)
        for name in sorted(load_designs(), key=str.lower):
            self.start.addItem(name, name)
        index = self.start.findData(select) if select else 0
        self.start.setCurrentIndex(max(0, index))
        self.start.blockSignals(False)
        self.delete_button.setEnabled(self.start.currentData() is not None)

    def _load_start(self, _index: int) -> None:
        from studio.core.voice_library import load_designs

        name = self.start.currentData()
        self.delete_button.setEnabled(name is not None)
        design = load_designs().get(name) if name else None
        if design is None:
            return
        if self.base.findData(design.base) < 0:
            self.base.addItem(design.base, design.base)
        self.base.setCurrentIndex(self.base.findData(design.base))
        self.timbre.setValue(design.timbre)
        self.pitch.setValue(design.pitch)
        self.breath.setValue(design.breath)
        self.name.setText(design.name)
        self.say(f"{design.name} from your voices: change it and save it again, or use it for this track.")

    def delete_from_library(self) -> bool:
        from studio.core.voice_library import delete_design

        name = self.start.currentData()
        if name is None:
            return False
        answer = QMessageBox.question(self, "Delete voice", f"Remove {name} from your voices? Projects that use it "
                                                            "keep their own copy.")
        if answer != QMessageBox.Yes:
            return False
        try:
            delete_design(name)
        except OSError as exc:
            self.say(f"{name} could not be removed ({exc.strerror or exc}); try again.", error=True)
            return False
        self._fill_start()
        self.say(f"Removed {name} from your voices.")
        return True

    def _spin(self, lo: float, hi: float, value: float, tip: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox(decimals=2, minimum=lo, maximum=hi, singleStep=0.05)
        box.setValue(value)
        box.setToolTip(tip)
        return box

    def design(self) -> Design | None:
        """The design in the fields, or None with the reason shown."""
        try:
            return design_from(self.base.currentData() or "", self.timbre.value(), self.pitch.value(),
                               self.breath.value(), self.name.text())
        except DesignError as exc:
            self.say(str(exc), error=True)
            return None

    def say(self, message: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #ff8080;" if error else "")
        self.status.setText(message)

    @property
    def busy(self) -> bool:
        return self.job is not None and self.job.running

    def _start(self, work, done, what: str) -> None:
        self.job = Job(work, errors=(UserError, ValueError, OSError), parent=self)
        self.job.finished.connect(done)
        self.job.failed.connect(self._failed)
        for b in (self.preview_button, self.use_button, self.save_button, self.delete_button):
            b.setEnabled(False)
        self.progress.show()
        self.say(what)
        self.job.start()

    def _idle(self) -> None:
        self.progress.hide()
        self.preview_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.use_button.setEnabled(self.track_id is not None)
        self.delete_button.setEnabled(self.start.currentData() is not None)

    def _failed(self, message: str) -> None:
        self._idle()
        self.say(message, error=True)

    # ---- preview ----------------------------------------------------------------------------------------------
    def preview(self) -> None:
        """Render the sample sentence with the design (the name is not needed to hear it) and play it."""
        try:
            design = Design(self.base.currentData() or "", self.timbre.value(), self.pitch.value(),
                            self.breath.value())
        except DesignError as exc:
            self.say(str(exc), error=True)
            return
        voices = self.document.voices

        def work(job):
            from studio.production.speak import build, render_in_sequence

            notes: list[str] = []
            project = build(SAMPLE, f"design:{design.spec}", voices, notes)
            spoken = render_in_sequence(project, voices, notes)
            return spoken.audio, spoken.sample_rate
        self._start(work, self._previewed, "Rendering a preview…")

    def _previewed(self, result) -> None:
        self._idle()
        self.preview_audio = result
        audio, rate = result
        self.say(f"Preview: {len(audio) / rate:.1f} s of \"{SAMPLE}\"")
        player = getattr(self.window_, "player", None)
        if player is not None:
            player.play(audio, rate)

    # ---- use and save ----------------------------------------------------------------------------------------
    def _name_clash(self, design: Design) -> str | None:
        from studio.engine.voices.cast import find

        if find(design.name) is not None:
            return f"{design.name} is a voice of the default cast; give your voice another name."
        own = self.document.project.designs.get(design.name)
        if own is not None and own != design:
            return (f"This project already has a voice called {design.name} with other settings; give this one "
                    "another name.")
        return None

    def use_for_track(self) -> None:
        """The selected track speaks with the design: one undo step, the design kept in the project."""
        from studio.ui.model_picker import switch_voice_command

        design = self.design()
        if design is None or self.track_id is None:
            return
        clash = self._name_clash(design)
        if clash:
            self.say(clash, error=True)
            return
        self.document.voices.use_designs({design.name: design})
        document, track_id = self.document, self.track_id
        self._start(lambda job: switch_voice_command(document, track_id, VoiceRef("design", design.name)),
                    self._used, f"Giving the track the voice {design.name}…")

    def _used(self, command) -> None:
        self._idle()
        self.document.push(command)
        self.say(f"The track now speaks as {self.name.text().strip()}.")
        self.accept()

    def save_to_library(self) -> bool:
        from studio.core.voice_library import load_designs, save_design

        design = self.design()
        if design is None:
            return False
        clash = self._name_clash(design)
        if clash and "default cast" in clash:
            self.say(clash, error=True)
            return False
        old = load_designs().get(design.name)
        if old is not None and old != design:
            answer = QMessageBox.question(self, "Replace voice",
                                          f"Your voices already have {design.name}; replace it with this one?")
            if answer != QMessageBox.Yes:
                self.say(f"{design.name} was not saved; give it another name to keep both.")
                return False
        try:
            save_design(design)
        except (OSError, UserError) as exc:
            self.say(f"{design.name} could not be saved ({getattr(exc, 'strerror', None) or exc}); your settings "
                     "are still here, try again.", error=True)
            return False
        self._fill_start(select=design.name)
        self.say(f"Saved {design.name} to your voices; the model picker and `studio voices` list it.")
        return True

    def reject(self) -> None:
        if self.busy:
            self.job.cancel()  # the result is dropped: Job emits cancelled instead of finished
        super().reject()
