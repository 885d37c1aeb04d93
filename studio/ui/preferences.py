"""Edit > Preferences: the audio output, default export settings, pitch and energy steps, autosave interval,
a default voice per speaker name, keyboard shortcuts, and content credentials (on or off, which certificate).
Everything is kept in the app's QSettings, except the credentials (the user's config folder, shared with the CLI),
and takes effect when OK is pressed."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QHBoxLayout, QKeySequenceEdit, QLabel, QLineEdit, QPushButton, QSpinBox, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from studio.core.model import SpeakerMix
from studio.engine.voices.embedded.voice import SPEAKERS
from studio.engine.voices.registry import EMBEDDED
from studio.production.export_job import ExportSettings

from studio.ui.export_dialog import DEFAULTS_KEY, LOUDNESS, RATES

DEVICE_KEY = "preferences/audio_device"
# Speaker voices were once kept here ({"ALICE": "en-us+f2"}); they now live with the remembered casting
# (core/voice_library.py, shared with imports and `studio render --cast`), and this key is read only to carry
# them over.
VOICES_KEY = "preferences/speaker_voices"
SHORTCUTS_KEY = "preferences/shortcuts"  # {"Play": "Space", ...}


def speaker_voices(settings: QSettings) -> dict[str, str]:
    """Speaker name -> voice spec: the remembered casting, over any pairs left in the old settings key."""
    from studio.core.voice_library import load_casting

    value = settings.value(VOICES_KEY) or {}
    old = {k.strip().upper(): v for k, v in value.items()} if isinstance(value, dict) else {}
    return {**old, **load_casting()}


def voice_for_speaker(settings: QSettings, name: str):
    """(voice, mix) of an embedded voice chosen for this speaker name, or None. Any other voice (a cast or
    designed voice) needs loading, which the import and paste do off the GUI thread through the casting."""
    speaker = speaker_voices(settings).get(" ".join(name.split()).upper())
    known = {s.id for s in SPEAKERS}
    return (EMBEDDED, SpeakerMix.single(speaker)) if speaker in known else None


def apply_shortcuts(window, settings: QSettings) -> None:
    custom = settings.value(SHORTCUTS_KEY) or {}
    for action in window.actions():
        key = action.text().replace("&", "")
        if isinstance(custom, dict) and key in custom:
            action.setShortcut(QKeySequence(custom[key]))


def chosen_sink(settings: QSettings):
    """A sink factory for the output device chosen in the preferences (the system default if it is gone)."""
    def make(fmt):
        from PySide6.QtMultimedia import QAudioSink, QMediaDevices

        wanted = settings.value(DEVICE_KEY, "")
        device = next((d for d in QMediaDevices.audioOutputs() if d.id().data().decode("utf-8", "replace") == wanted),
                      QMediaDevices.defaultAudioOutput())
        return None if device.isNull() else QAudioSink(device, fmt)
    return make


class PreferencesDialog(QDialog):
    def __init__(self, window, settings: QSettings):
        super().__init__(window)
        self.setObjectName("preferences-dialog")
        self.setWindowTitle("Preferences")
        self.setMinimumWidth(560)
        self.window_, self.settings = window, settings
        tabs = QTabWidget()

        general = QWidget()
        form = QFormLayout(general)
        self.device = QComboBox()
        self.device.addItem("System default", "")
        try:
            from PySide6.QtMultimedia import QMediaDevices

            for dev in QMediaDevices.audioOutputs():
                self.device.addItem(dev.description(), dev.id().data().decode("utf-8", "replace"))
        except ImportError:
            pass
        self.device.setCurrentIndex(max(0, self.device.findData(settings.value(DEVICE_KEY, ""))))
        self.pitch_step = QDoubleSpinBox(decimals=2, minimum=0.05, maximum=12.0, suffix=" st")
        self.pitch_step.setValue(float(settings.value("preferences/pitch_step", 1.0)))
        self.energy_step = QDoubleSpinBox(decimals=1, minimum=0.1, maximum=12.0, suffix=" dB")
        self.energy_step.setValue(float(settings.value("preferences/energy_step", 2.0)))
        self.autosave = QSpinBox(minimum=1, maximum=600, suffix=" s after the last change")
        self.autosave.setValue(int(settings.value("preferences/autosave_s", 3)))
        defaults = ExportSettings.from_json(settings.value(DEFAULTS_KEY))
        self.rate, self.loudness = QComboBox(), QComboBox()
        for box, items, value in ((self.rate, RATES, defaults.sample_rate), (self.loudness, LOUDNESS,
                                                                             defaults.loudness_lufs)):
            for label, v in items:
                box.addItem(label, v)
            box.setCurrentIndex(max(0, box.findData(value)))
        form.addRow("Audio output", self.device)
        form.addRow("Pitch step", self.pitch_step)
        form.addRow("Energy step", self.energy_step)
        form.addRow("Autosave", self.autosave)
        form.addRow("Export sample rate", self.rate)
        form.addRow("Export loudness", self.loudness)
        tabs.addTab(general, "General")

        self.voices = QTableWidget(0, 2)
        self.voices.setHorizontalHeaderLabels(["Speaker name", "Voice"])
        self.voices.horizontalHeader().setStretchLastSection(True)
        self.voices.setSelectionBehavior(QTableWidget.SelectRows)
        for name, speaker in sorted(speaker_voices(settings).items()):
            self._add_voice_row(name, speaker)
        self._add_voice_row("", "")
        self.remove_voice = QPushButton("Remove")
        self.remove_voice.clicked.connect(self._remove_voice_rows)
        self.voices_note = QLabel("The voice each speaker name gets at import and paste; choosing a voice for a "
                                  "character's track remembers it here too.")
        self.voices_note.setWordWrap(True)
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(self.voices_note)
        box.addWidget(self.voices)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.remove_voice)
        box.addLayout(row)
        tabs.addTab(page, "Voices")

        self.keys = QTableWidget(0, 2)
        self.keys.setHorizontalHeaderLabels(["Command", "Shortcut"])
        self.keys.horizontalHeader().setStretchLastSection(True)
        self._key_edits: dict[str, QKeySequenceEdit] = {}
        for action in sorted(window.actions(), key=lambda a: a.text()):
            name = action.text().replace("&", "")
            if not name or name in self._key_edits:
                continue
            row = self.keys.rowCount()
            self.keys.insertRow(row)
            self.keys.setItem(row, 0, QTableWidgetItem(name))
            edit = QKeySequenceEdit(action.shortcut())
            self.keys.setCellWidget(row, 1, edit)
            self._key_edits[name] = edit
        tabs.addTab(self.keys, "Shortcuts")

        # Content credentials live in the user's config folder (production.credentials.identity), not QSettings:
        # `studio say` and `studio render` honour the same choice.
        from studio.production.credentials.identity import preferences as credential_prefs

        prefs = credential_prefs()
        page = QWidget()
        cform = QFormLayout(page)
        self.sign = QCheckBox("Sign every exported audio file with content credentials (C2PA)")
        self.sign.setChecked(prefs.get("enabled", True) is not False)
        self.sign_cert = QLineEdit(str(prefs.get("cert", "")))
        self.sign_cert.setPlaceholderText("empty: a local identity made on this computer (untrusted)")
        self.sign_key = QLineEdit(str(prefs.get("key", "")))
        self.sign_key.setPlaceholderText("the certificate's ES256 private key (PEM)")
        self.credentials_note = QLabel("The credentials say the audio is synthetic and which voices made it, and "
                                       "break when the audio is changed. A certificate from a CA (PEM chain, leaf "
                                       "first) makes the signature trusted by others.")
        self.credentials_note.setWordWrap(True)
        cform.addRow(self.sign)
        cform.addRow("Certificate", self.sign_cert)
        cform.addRow("Private key", self.sign_key)
        cform.addRow(self.credentials_note)
        tabs.addTab(page, "Credentials")

        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        self.tabs = tabs

    def _add_voice_row(self, name: str, speaker: str) -> None:
        from studio.ui.casting_dialog import voice_box

        row = self.voices.rowCount()
        self.voices.insertRow(row)
        self.voices.setItem(row, 0, QTableWidgetItem(name))
        self.voices.setCellWidget(row, 1, voice_box(speaker, ("next free voice", "")))

    def _remove_voice_rows(self) -> None:
        rows = sorted({i.row() for i in self.voices.selectionModel().selectedRows()}, reverse=True)
        for row in rows:
            self.voices.removeRow(row)
        if not self.voices.rowCount() or self.voices.item(self.voices.rowCount() - 1, 0).text():
            self._add_voice_row("", "")  # always a blank row to type a new name into

    def set_voice(self, name: str, speaker: str) -> None:
        """Fill the empty last row (as typing a name and picking a voice would)."""
        row = self.voices.rowCount() - 1
        self.voices.item(row, 0).setText(name)
        box = self.voices.cellWidget(row, 1)
        box.setCurrentIndex(box.findData(speaker))
        self._add_voice_row("", "")

    def _save_voices(self) -> bool:
        """The table becomes the remembered casting (the old settings key is emptied: carried over)."""
        from studio.core.voice_library import set_casting

        voices = {}
        for row in range(self.voices.rowCount()):
            name = " ".join((self.voices.item(row, 0).text() if self.voices.item(row, 0) else "").split()).upper()
            speaker = self.voices.cellWidget(row, 1).currentData()
            if name and speaker:
                voices[name] = speaker
        try:
            set_casting(voices)
        except OSError as exc:
            self.tabs.setCurrentIndex(1)
            self.voices_note.setText(f"The speaker voices could not be saved ({exc.strerror or exc}); try again "
                                     "or press Cancel.")
            self.voices_note.setStyleSheet("color: #ff8080;")
            return False
        self.settings.setValue(VOICES_KEY, {})
        return True

    def _save_credentials(self) -> bool:
        """Checked before it is kept: a certificate that cannot sign is one sentence here, not at export."""
        from studio.core.errors import UserError
        from studio.production.credentials.identity import load, save_preferences

        cert, key = self.sign_cert.text().strip(), self.sign_key.text().strip()
        try:
            if bool(cert) != bool(key):
                raise UserError("Give both the certificate and its private key, or leave both empty for the "
                                "local identity.")
            if cert and self.sign.isChecked():
                load(cert, key)
            save_preferences(self.sign.isChecked(), cert, key)
        except (UserError, OSError) as exc:
            self.tabs.setCurrentIndex(self.tabs.count() - 1)
            self.credentials_note.setText(str(exc) if isinstance(exc, UserError) else
                                          f"The credentials setting could not be saved ({exc}); try again.")
            self.credentials_note.setStyleSheet("color: #ff8080;")
            return False
        return True

    def accept(self) -> None:
        if not self._save_voices() or not self._save_credentials():
            return
        s = self.settings
        s.setValue(DEVICE_KEY, self.device.currentData())
        s.setValue("preferences/pitch_step", self.pitch_step.value())
        s.setValue("preferences/energy_step", self.energy_step.value())
        s.setValue("preferences/autosave_s", self.autosave.value())
        defaults = ExportSettings.from_json(s.value(DEFAULTS_KEY), sample_rate=self.rate.currentData(),
                                            loudness_lufs=self.loudness.currentData())
        s.setValue(DEFAULTS_KEY, defaults.to_json())
        s.setValue(SHORTCUTS_KEY, {name: edit.keySequence().toString() for name, edit in self._key_edits.items()})
        apply_shortcuts(self.window_, s)
        self.window_.apply_preferences()
        super().accept()
