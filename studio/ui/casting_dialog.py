"""The casting dialog at import: each speaker of a dialogue script, subtitle file or SSML gets a voice, pre-filled
with what the import would choose (remembered, else the next cast voice), before anything is analysed.

The voices offered are named by the same strings as `--cast NAME=VOICE`: the cast, the user's designed voices
and the embedded espeak-ng voices. `voice_choices` is shared with the preferences' table of speaker voices.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)


def voice_choices() -> list[tuple[str, str]]:
    """(label, spec) of every voice a speaker can be given without a download."""
    from studio.core.voice_library import load_designs
    from studio.engine.voices.cast import cast
    from studio.engine.voices.embedded.voice import SPEAKERS

    out = [(f"{v.name} — {v.label}" if v.label else v.name, v.name) for v in cast()]
    names = {v.name.lower() for v in cast()}
    out += [(f"{n} — your voice, from {d.base}", n) for n, d in sorted(load_designs().items())
            if n.lower() not in names]
    out += [(f"{s.label} (embedded)", s.id) for s in SPEAKERS]
    return out


def voice_box(spec: str, first: tuple[str, str] | None = None) -> QComboBox:
    """A combo box of voice_choices with `spec` chosen (added if it names another voice, such as a store voice)."""
    box = QComboBox()
    if first is not None:
        box.addItem(*first)
    for label, value in voice_choices():
        box.addItem(label, value)
    if spec and box.findData(spec) < 0:
        box.addItem(spec, spec)
    box.setCurrentIndex(max(0, box.findData(spec)))
    return box


class CastingDialog(QDialog):
    def __init__(self, file_name: str, proposed: dict[str, str], parent=None):
        super().__init__(parent)
        self.setObjectName("casting-dialog")
        self.setWindowTitle("Cast the speakers")
        intro = QLabel(f"{file_name} has {len(proposed)} speakers. Choose a voice for each; the choice is "
                       "remembered for the next import.")
        intro.setWordWrap(True)
        self.table = QTableWidget(len(proposed), 2)
        self.table.setHorizontalHeaderLabels(["Speaker", "Voice"])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.verticalHeader().hide()
        self.boxes: dict[str, QComboBox] = {}
        for row, (name, spec) in enumerate(proposed.items()):
            item = QTableWidgetItem(name)
            item.setFlags(item.flags() & ~Qt.ItemIsEditable)
            self.table.setItem(row, 0, item)
            self.boxes[name] = voice_box(spec)
            self.table.setCellWidget(row, 1, self.boxes[name])
        self.table.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 120 + 32 * min(len(proposed), 12))

    def choose(self, name: str, spec: str) -> None:
        """Give `name` the voice `spec` (as picking it in the speaker's row would)."""
        box = self.boxes[name]
        box.setCurrentIndex(box.findData(spec))

    def choices(self) -> dict[str, str]:
        return {name: box.currentData() for name, box in self.boxes.items()}
