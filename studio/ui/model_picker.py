"""The model picker: stored neural voices, the embedded voice, Coqui zoo models and local folders, with
capabilities and license; Piper voices are imported into the model store from here.

Choosing a model for a track loads it (downloading a zoo model first) and re-analyses the track's segments on a
background thread; the switch is then one undo step, and edits of phonemes that are still there are kept.
Coqui's downloader reports progress only to its console bar, so the dialog shows a busy bar and a Cancel that
abandons the switch (the download itself finishes in the background and stays in Coqui's cache).
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from studio.core.analysis import analyze_all
from studio.core.commands import EditText, Macro, set_track_mix, set_track_voice
from studio.core.model import SpeakerMix
from studio.core.model import VoiceRef
from studio.core.retext import carry_edits

from studio.ui.document import Document

COLUMNS = ["Model", "Kind", "Status", "Controls", "License"]


def switch_voice_command(document: Document, track_id: str, voice: VoiceRef):
    """Load `voice` and re-analyse the track's segments with it (slow: call off the GUI thread)."""
    project = document.project
    backbone = document.voices.backbone(voice)  # load it (the slow part) before the analysis below
    commands = [set_track_voice(track_id, voice)]
    mix = project.track(track_id).mix
    speakers = [s.id for s in backbone.capabilities().speakers]
    plain = len(mix.weights) <= 1  # one voice, not a mix the user made
    if speakers and (not any(n in speakers for n, _ in mix.weights)
                     or voice.backbone == "design" and plain and mix.weights != ((speakers[0], 1.0),)):
        # The old voice's speakers mean nothing to the new one; a designed voice speaks as itself, its first
        # speaker (its base voice is a speaker too, for mixing).
        mix = SpeakerMix.single(speakers[0])
        commands.append(set_track_mix(track_id, mix, mergeable=False))
    if voice.backbone == "design" and hasattr(backbone, "design") and backbone.design.name:
        # The project keeps the design it speaks with (a plain addition: undo leaves it, unused, in the file).
        project.designs.setdefault(backbone.design.name, backbone.design)
    segments = project.segments_of(track_id)
    # On a GPU the new voice analyses the track's lines in padded batches (core.analysis.prepare).
    analysed = analyze_all(document.analyzer,  # with the lexicon
                           [(seg.text, voice, seg.mix if seg.mix is not None else mix) for seg in segments])
    for seg, words in zip(segments, analysed):
        commands.append(EditText(seg.id, seg.text, carry_edits(seg.words, words)))
    return Macro(commands, f"Voice {voice.model}")


def licence_text(entry: dict) -> str:
    """The licence as the user should read it: a voice fine-tuned from a base of unstated licence says so."""
    if entry.get("commercial_note"):
        return f"{entry['license']} (commercial use: {entry['commercial_note']})"
    return entry["license"] + ("" if entry["commercial_use"] else " (non-commercial)")


class ModelPicker(QDialog):
    _done = Signal(object, str)  # (command or None, error sentence)
    _imported = Signal(str)  # error sentence, or "" when the voice is in the store

    def __init__(self, document: Document, track_id: str, parent=None, folders: list[str] | None = None):
        super().__init__(parent)
        self.setWindowTitle("Choose a voice model")
        self.document, self.track_id = document, track_id
        self.folders = list(folders or [])
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.progress = QProgressBar(maximum=0)
        self.progress.hide()
        folder = QPushButton("Add model folder…")
        folder.clicked.connect(self._add_folder)
        self.import_button = QPushButton("Import Piper voice…")
        self.import_button.clicked.connect(self._ask_piper)
        self.use = QPushButton("Use for this track")
        self.use.clicked.connect(self.choose_selected)
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(self._cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(folder)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        buttons.addWidget(self.use)
        buttons.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(900, 520)
        self._job = 0
        self._done.connect(self._finished)
        self._imported.connect(self._import_finished)
        self.refill()

    def refill(self) -> None:
        from studio.engine.voices.catalog import catalog

        self.entries = catalog(self.folders)
        self.table.setRowCount(len(self.entries))
        for row, e in enumerate(self.entries):
            controls = ", ".join(k for k in ("pitch", "energy", "duration", "mix") if e.get(k)) or "—"
            for col, text in enumerate([e["name"], e["kind"], e["status"], controls, licence_text(e)]):
                item = QTableWidgetItem(text)
                if e["status"] in ("unsupported", "unusable"):
                    item.setForeground(Qt.gray)
                    item.setToolTip(e.get("reason", ""))
                elif e.get("licence_lines"):
                    item.setToolTip("\n".join([e.get("label") or e["name"], *e["licence_lines"]]))
                self.table.setItem(row, col, item)

    def _add_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Coqui model folder")
        if path:
            self.folders.append(path)
            self.refill()

    def _ask_piper(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Piper voice", "", "Piper voices (*.onnx)")
        if path:
            self.import_piper(path)

    def import_piper(self, path: str, name: str | None = None) -> None:
        """Convert a Piper voice into the model store on a background thread; the list then shows it."""
        from studio.engine.voices.coqui import store

        self.progress.show()
        self.import_button.setEnabled(False)
        self.status.setText("Converting the Piper voice into a Coqui model…")

        def work():
            try:
                store.import_voice(path, name)
                self._imported.emit("")
            except Exception as exc:  # noqa: BLE001 - one sentence, never a traceback
                self._imported.emit(str(exc))
        threading.Thread(target=work, daemon=True).start()

    def _import_finished(self, error: str) -> None:
        self.progress.hide()
        self.import_button.setEnabled(True)
        self.status.setText(error or "Imported; choose it in the list.")
        if not error:
            self.refill()

    def choose_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.choose(self.entries[rows[0].row()])

    def choose(self, entry: dict) -> None:
        if entry["status"] == "unusable":  # a damaged folder: the reason is a whole sentence
            self.status.setText(entry["reason"])
            return
        if entry["status"] == "unsupported":
            self.status.setText(f"{entry['name']} cannot be edited: {entry.get('reason', 'unsupported')}.")
            return
        from studio.engine.voices.catalog import voice_of

        voice = voice_of(entry)
        if entry.get("commercial_note"):
            self.status.setText(f"Note: {entry['license']}. Commercial use: {entry['commercial_note']}.")
        elif not entry["commercial_use"]:
            self.status.setText(f"Note: {entry['license']} does not allow commercial use of the audio.")
        self._job += 1
        job = self._job
        self.progress.show()
        self.use.setEnabled(False)

        def work():
            try:
                command = switch_voice_command(self.document, self.track_id, voice)
                self._done.emit((job, command), "")
            except Exception as exc:  # noqa: BLE001 - one sentence, never a traceback
                self._done.emit((job, None), str(exc))
        threading.Thread(target=work, daemon=True).start()

    def _cancel(self) -> None:
        if self.progress.isVisible():
            self._job += 1  # the running load's result will be ignored
            self.progress.hide()
            self.use.setEnabled(True)
            self.status.setText("Cancelled; a download in progress finishes in the background.")
        else:
            self.reject()

    def _finished(self, job_and_command, error: str) -> None:
        job, command = job_and_command
        if job != self._job:
            return
        self.progress.hide()
        self.use.setEnabled(True)
        if command is None:
            self.status.setText(f"{error} The track keeps its voice.")
            return
        self.document.push(command)
        self._remember_choice()
        self.accept()

    def _remember_choice(self) -> None:
        """A character's new voice is what its next import gets (remembered casting, as `--cast` does)."""
        from studio.core.script import NARRATOR
        from studio.core.voice_library import remember_casting
        from studio.production.casting import spec_of

        track = self.document.project.track(self.track_id)
        if track.name == NARRATOR or "(" in track.name:
            return
        try:
            remember_casting({track.name: spec_of(track.voice, track.mix)})
        except OSError:
            pass  # a convenience: the track has its voice either way
