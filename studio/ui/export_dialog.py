"""File > Export…: one dialog for the mix, stems, one file per line, subtitles and timing files.

The dialog is not modal and the export runs on a worker thread with a progress bar and Cancel, so the editor
stays usable. Settings are remembered per project (by its path) and start from the preferences' defaults.
Lines are rendered exactly (no windowed vocoding) and reuse the editor's render cache where the audio is the same.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QProgressBar, QPushButton, QRadioButton, QVBoxLayout)

from studio.engine.voices.backbone import request_for
from studio.engine.render.pipeline import render_request
from studio.core.errors import UserError
from studio.production.credentials.manifest import declaration
from studio.production.credentials.sign import Signing, choose
from studio.production.export_job import (ExportError, ExportSettings, check_pattern, run_export,
                                           selection_project)

from studio.ui.background import Job

RATES = [("Voice's own rate", 0), ("22050 Hz", 22050), ("44100 Hz", 44100), ("48000 Hz (video)", 48000)]
DEPTHS = [("16-bit", 16), ("24-bit", 24), ("32-bit float", 32)]
LOUDNESS = [("Leave as is", None), ("-23 LUFS (EBU R128, broadcast)", -23.0), ("-16 LUFS (podcast)", -16.0),
            ("-14 LUFS (streaming)", -14.0)]
DEFAULTS_KEY = "preferences/export"


def settings_key(path: Path | None) -> str:
    return "export/" + (str(Path(path).resolve()).replace("/", "|") if path else "untitled")


class ExportDialog(QDialog):
    done = Signal(list)  # the files written

    def __init__(self, window, selected_ids: list[str], settings: QSettings):
        super().__init__(window)
        self.setWindowTitle("Export")
        self.setMinimumWidth(640)
        self.setObjectName("export-dialog")
        self.window_, self.document, self.settings = window, window.document, settings
        self.selected_ids = selected_ids
        self.job: Job | None = None
        self._busy = False  # until the result is shown here, not just until the worker returns
        saved = settings.value(settings_key(self.document.path)) or settings.value(DEFAULTS_KEY)
        s = ExportSettings.from_json(saved)
        if not s.folder and self.document.path:
            s = ExportSettings.from_json(s.to_json(), folder=str(self.document.path.parent / "export"))

        self.folder = QLineEdit(s.folder)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.rate, self.depth, self.loudness = QComboBox(), QComboBox(), QComboBox()
        for box, items, value in ((self.rate, RATES, s.sample_rate), (self.depth, DEPTHS, s.bit_depth),
                                  (self.loudness, LOUDNESS, s.loudness_lufs)):
            for label, v in items:
                box.addItem(label, v)
            box.setCurrentIndex(max(0, [v for _, v in items].index(value) if value in [v for _, v in items] else 0))
        form = QFormLayout()
        form.addRow("Folder", row)
        form.addRow("Sample rate", self.rate)
        form.addRow("Bit depth", self.depth)
        form.addRow("Loudness", self.loudness)

        what = QGroupBox("Write")
        grid = QVBoxLayout(what)
        self.mix = QCheckBox("Mix (mix.wav)")
        self.stems = QCheckBox("One stem per track (stems/)")
        self.lines = QCheckBox("One file per line (lines/), named")
        self.pattern = QLineEdit(s.line_pattern)
        self.pattern.setToolTip("Fields: {index} {track} {text} {start} {id}")
        self.line_text = QCheckBox("with the line's text in a .txt beside each")
        self.subtitles = QCheckBox("Subtitles (SRT and WebVTT)")
        self.textgrid = QCheckBox("Praat TextGrid")
        self.labels = QCheckBox("Audacity labels")
        self.otio = QCheckBox("OpenTimelineIO timeline")
        self.alignment = QCheckBox("Alignment JSON (words and phonemes)")
        for box, on in ((self.mix, s.mix), (self.stems, s.stems), (self.lines, s.lines), (self.line_text, s.line_text),
                        (self.subtitles, s.subtitles), (self.textgrid, s.textgrid), (self.labels, s.labels),
                        (self.otio, s.otio), (self.alignment, s.alignment)):
            box.setChecked(on)
        grid.addWidget(self.mix)
        grid.addWidget(self.stems)
        line_row = QHBoxLayout()
        line_row.addWidget(self.lines)
        line_row.addWidget(self.pattern, 1)
        grid.addLayout(line_row)
        grid.addWidget(self.line_text)
        for box in (self.subtitles, self.textgrid, self.labels, self.otio, self.alignment):
            grid.addWidget(box)

        scope = QGroupBox("Export")
        srow = QHBoxLayout(scope)
        self.whole = QRadioButton("The whole project")
        self.selection = QRadioButton(f"The selected lines ({len(selected_ids)})")
        self.selection.setEnabled(bool(selected_ids))
        self.whole.setChecked(True)
        srow.addWidget(self.whole)
        srow.addWidget(self.selection)
        self.overwrite = QCheckBox("Overwrite files that exist")
        self.overwrite.setChecked(s.overwrite)
        # Content credentials: decided once when the dialog opens (preferences, certificate), shown before export.
        self.credentials = QLabel("")
        self.credentials.setObjectName("export-credentials")
        self.credentials.setWordWrap(True)
        self.signing, self.signing_error = credentials_state()
        self.credentials.setText(credentials_text(self.signing, self.signing_error))
        if self.signing_error:
            self.credentials.setStyleSheet("color: #ff8080;")

        self.progress = QProgressBar()
        self.progress.setValue(0)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Close")
        self.cancel_button.clicked.connect(self.cancel_or_close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(what)
        layout.addWidget(scope)
        layout.addWidget(self.overwrite)
        layout.addWidget(self.credentials)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export into", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def current(self) -> ExportSettings:
        return ExportSettings(
            folder=self.folder.text().strip(), sample_rate=self.rate.currentData(), bit_depth=self.depth.currentData(),
            mix=self.mix.isChecked(), stems=self.stems.isChecked(), lines=self.lines.isChecked(),
            line_pattern=self.pattern.text().strip(), line_text=self.line_text.isChecked(),
            subtitles=self.subtitles.isChecked(), textgrid=self.textgrid.isChecked(), labels=self.labels.isChecked(),
            otio=self.otio.isChecked(), alignment=self.alignment.isChecked(),
            loudness_lufs=self.loudness.currentData(), overwrite=self.overwrite.isChecked())

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #ff8080;" if error else "")
        self.status.setText(text)

    def start(self) -> None:
        if self._busy:
            return
        s = self.current()
        try:
            if s.lines:
                check_pattern(s.line_pattern)
        except ExportError as exc:
            self._say(str(exc), True)
            return
        if self.signing_error:
            self._say(self.signing_error, True)  # nothing is written under a broken identity
            return
        self.settings.setValue(settings_key(self.document.path), s.to_json())
        ids = self.selected_ids if self.selection.isChecked() else None
        project = selection_project(self.document.project, ids, self.document.global_lexicon)
        if not project.segments:
            self._say("The project has no lines to export; write or paste a script first.", True)
            return
        voices, cache = self.document.voices, self.window_.render.cache

        def render(seg_id: str):
            seg = project.segment(seg_id)
            backbone = voices.backbone(project.track(seg.track_id).voice)
            request = request_for(project, seg, backbone)
            hit = cache.get(request.key())
            if hit is None:
                hit = render_request(backbone, request)
                cache.put(request.key(), hit)
            return hit

        signing = self.signing

        def work(job: Job):
            return run_export(project, s, render, job.report, lambda: job.cancelled, signing=signing,
                              declaration=lambda: declaration(project, voices))

        self.job = Job(work, parent=self)
        self.job.progress.connect(self._on_progress)
        self.job.finished.connect(self._on_finished)
        self.job.failed.connect(lambda msg: self._stopped(msg, True))
        self.job.cancelled_.connect(lambda: self._stopped("Export cancelled; files already written are kept.", True))
        self._busy = True
        self.export_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self._say("Starting…")
        self.job.start()

    def _on_progress(self, done: int, total: int, what: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self._say(what)

    def _on_finished(self, files: list) -> None:
        self.progress.setValue(self.progress.maximum())
        self._stopped(f"Exported {len(files)} files to {self.current().folder}.", False)
        self.done.emit(files)

    def _stopped(self, message: str, error: bool) -> None:
        self._busy = False
        self.export_button.setEnabled(True)
        self.cancel_button.setText("Close")
        self._say(message, error)

    def cancel_or_close(self) -> None:
        if self._busy and self.job is not None:
            self.job.cancel()
        else:
            self.close()

    @property
    def busy(self) -> bool:
        return self._busy


def credentials_state() -> tuple[Signing | None, str]:
    """The signing the preferences ask for, or the one sentence saying why it cannot be had."""
    try:
        return choose(), ""
    except UserError as exc:
        return None, str(exc)


def credentials_text(signing: Signing | None, error: str) -> str:
    if error:
        return f"Content credentials: {error}"
    if not signing.on:
        return f"Content credentials: off ({signing.off_reason}); the audio files will not say they are synthetic."
    if signing.who.local:
        return (f"Content credentials: on, signed by {signing.who.name}, a local identity made on this computer "
                "(valid, but not trusted by others; set a certificate from a CA in the preferences).")
    return f"Content credentials: on, signed by {signing.who.describe()}."
