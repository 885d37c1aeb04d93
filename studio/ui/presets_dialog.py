"""Voice > Presets: create and edit emotion presets and line styles, keep them in the user's library (shared by
every project), use them in this project, and import or export them as files."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from PySide6.QtWidgets import (QComboBox, QDialog, QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QVBoxLayout)

from studio.core import presets as lib_io
from studio.core.commands import Macro, SetEmotionPreset, set_emotion, set_line_controls
from studio.core.emotion import PRESET_BOUNDS, PRESETS, EmotionPreset


LABELS = {"pitch_st": "Pitch (st)", "range_factor": "Pitch range ×", "tempo": "Tempo ×", "energy_db": "Loudness (dB)",
          "pause_factor": "Pauses ×", "breathiness": "Breathiness", "tilt_db_per_octave": "Tilt (dB/octave)",
          "whisper": "Whisper"}


class PresetsDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.window, self.document = window, window.document
        self.setWindowTitle("Presets")
        self.library = lib_io.load_user_library()
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self._emotion_box())
        layout.addWidget(self._style_box())
        files = QHBoxLayout()
        self.import_button, self.export_button = QPushButton("Import presets…"), QPushButton("Export presets…")
        self.import_button.clicked.connect(lambda: self.import_file())
        self.export_button.clicked.connect(lambda: self.export_file())
        files.addWidget(self.import_button)
        files.addWidget(self.export_button)
        files.addStretch(1)
        layout.addLayout(files)
        layout.addWidget(self.status)
        self._fill()
        self.setMinimumWidth(520)

    # ---- building -----------------------------------------------------------------------------------------
    def _emotion_box(self) -> QGroupBox:
        box = QGroupBox("Emotion presets")
        form = QFormLayout(box)
        self.emotion_combo = QComboBox()
        self.emotion_combo.currentTextChanged.connect(self._show_emotion)
        form.addRow("Preset:", self.emotion_combo)
        self.emotion_name = QLineEdit()
        form.addRow("Name:", self.emotion_name)
        self.fields: dict[str, QDoubleSpinBox] = {}
        for f in fields(EmotionPreset):
            spin = QDoubleSpinBox()
            spin.setRange(*PRESET_BOUNDS[f.name])
            spin.setDecimals(2)
            spin.setSingleStep(0.05 if PRESET_BOUNDS[f.name][1] <= 4 else 0.5)
            self.fields[f.name] = spin
            form.addRow(LABELS.get(f.name, f.name) + ":", spin)
        row = QHBoxLayout()
        self.use_emotion = QPushButton("Use in this project")
        self.save_emotion = QPushButton("Save to my library")
        self.use_emotion.clicked.connect(self.use_emotion_in_project)
        self.save_emotion.clicked.connect(self.save_emotion_to_library)
        row.addWidget(self.use_emotion)
        row.addWidget(self.save_emotion)
        form.addRow(row)
        return box

    def _style_box(self) -> QGroupBox:
        box = QGroupBox("Line styles (emotion, intensity, speed, volume, pitch, intonation)")
        form = QFormLayout(box)
        self.style_combo = QComboBox()
        form.addRow("Style:", self.style_combo)
        self.style_name = QLineEdit()
        self.style_name.setPlaceholderText("Name for the selected line's style")
        form.addRow("Name:", self.style_name)
        row = QHBoxLayout()
        self.save_style = QPushButton("Save selected line's style")
        self.apply_style = QPushButton("Apply to selected lines")
        self.save_style.clicked.connect(self.save_style_from_line)
        self.apply_style.clicked.connect(self.apply_style_to_lines)
        row.addWidget(self.save_style)
        row.addWidget(self.apply_style)
        form.addRow(row)
        return box

    def _fill(self, emotion: str | None = None, style: str | None = None) -> None:
        names = [*PRESETS, *sorted(set(self.document.project.emotion_presets) - set(PRESETS)),
                 *sorted(set(self.library.emotions) - set(PRESETS) - set(self.document.project.emotion_presets))]
        self.emotion_combo.blockSignals(True)
        self.emotion_combo.clear()
        self.emotion_combo.addItems(names)
        self.emotion_combo.blockSignals(False)
        self.emotion_combo.setCurrentText(emotion or names[0])
        self._show_emotion(self.emotion_combo.currentText())
        self.style_combo.clear()
        self.style_combo.addItems(sorted(self.library.styles))
        if style:
            self.style_combo.setCurrentText(style)

    def _preset_named(self, name: str) -> EmotionPreset | None:
        return (self.document.project.emotion_presets.get(name) or self.library.emotions.get(name)
                or PRESETS.get(name))

    def _show_emotion(self, name: str) -> None:
        preset = self._preset_named(name)
        if preset is None:
            return
        self.emotion_name.setText(name)
        for key, spin in self.fields.items():
            spin.setValue(getattr(preset, key))

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        (self.window.show_error if error else self.window.show_info)(text)

    def _edited(self) -> tuple[str, EmotionPreset] | None:
        try:
            name = lib_io.check_name(self.emotion_name.text())
        except ValueError as exc:
            self._say(str(exc), error=True)
            return None
        return name, EmotionPreset(**{k: spin.value() for k, spin in self.fields.items()})

    def _save_library(self) -> bool:
        try:
            lib_io.save(self.library, lib_io.user_library_path())
        except OSError as exc:
            self._say(f"The preset library could not be saved ({exc.strerror or exc}); check the config folder.",
                      error=True)
            return False
        return True

    # ---- actions ------------------------------------------------------------------------------------------
    def use_emotion_in_project(self) -> None:
        edited = self._edited()
        if edited:
            self.document.push(SetEmotionPreset(*edited))
            self._fill(emotion=edited[0])
            self._say(f"Emotion preset '{edited[0]}' is saved in this project.")

    def save_emotion_to_library(self) -> None:
        edited = self._edited()
        if edited:
            self.library.emotions[edited[0]] = edited[1]
            if self._save_library():
                self._fill(emotion=edited[0])
                self._say(f"Emotion preset '{edited[0]}' is saved in your library, for every project.")

    def save_style_from_line(self) -> None:
        ids = self.window.script.selected_segment_ids()
        if not ids:
            self._say("Select the line whose style you want to keep.", error=True)
            return
        try:
            name = lib_io.check_name(self.style_name.text())
        except ValueError as exc:
            self._say(str(exc), error=True)
            return
        seg = self.document.project.segment(ids[0])
        self.library.styles[name] = lib_io.StylePreset(seg.emotion, seg.controls)
        if seg.emotion.name in self.document.project.emotion_presets:  # a custom emotion goes with its style
            self.library.emotions[seg.emotion.name] = self.document.project.emotion_presets[seg.emotion.name]
        if self._save_library():
            self._fill(emotion=self.emotion_combo.currentText(), style=name)
            self._say(f"Style '{name}' is saved in your library.")

    def apply_style_to_lines(self) -> None:
        name, ids = self.style_combo.currentText(), self.window.script.selected_segment_ids()
        if not name or not ids:
            self._say("Choose a style and select the lines to give it." if ids else "Select the lines first.",
                      error=True)
            return
        style = self.library.styles[name]
        commands = []
        emotion = style.emotion.name
        if emotion not in PRESETS and emotion not in self.document.project.emotion_presets:
            if emotion not in self.library.emotions:
                self._say(f"The style uses the emotion '{emotion}', which is in no library; import it first.",
                          error=True)
                return
            commands.append(SetEmotionPreset(emotion, self.library.emotions[emotion]))
        for seg_id in ids:
            commands += [set_emotion(seg_id, style.emotion, False), set_line_controls(seg_id, style.controls, False)]
        lines = f"{len(ids)} line{'s' if len(ids) != 1 else ''}"
        self.document.push(Macro(commands, f"Style '{name}' on {lines}"))
        self._say(f"Style '{name}' is on {lines}.")

    def import_file(self, path: Path | None = None) -> None:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "Import presets", "", "Presets (*.json);;All files (*)")
            if not chosen:
                return
            path = Path(chosen)
        try:
            added = self.library.merge(lib_io.load(path))
        except lib_io.PresetFileError as exc:
            self._say(str(exc), error=True)
            return
        if self._save_library():
            self._fill()
            self._say(f"Imported {len(added)} preset{'s' if len(added) != 1 else ''} into your library: "
                      f"{', '.join(added)}.")

    def export_file(self, path: Path | None = None) -> None:
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export presets", "presets.json", "Presets (*.json)")
            if not chosen:
                return
            path = Path(chosen)
        if path.suffix.lower() != ".json":
            path = path.with_name(path.name + ".json")
        library = lib_io.PresetLibrary(dict(self.library.emotions), dict(self.library.styles))
        library.emotions.update(self.document.project.emotion_presets)  # this project's own go with them
        try:
            lib_io.save(library, path)
        except OSError as exc:
            self._say(f"The presets could not be written ({exc.strerror or exc}); choose another folder.", error=True)
            return
        self._say(f"Exported {len(library.emotions)} emotion presets and {len(library.styles)} styles to {path.name}.")
