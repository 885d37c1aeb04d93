"""No lost work and the export dialog, driven through menus, keys and dialogs."""

import shutil

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from studio.core.commands import SetPhonemes
from studio.core.project_io import load
from tests.ui.helpers import answer_next_dialog, press


@pytest.fixture
def demo(window):
    return window


def edit(w):
    seg = w.document.project.segments[0]
    w.document.push(SetPhonemes(seg.id, [2], "pitch_st", [3.0]))


def test_new_and_open_ask_before_dropping_unsaved_changes(demo, tmp_path, monkeypatch):
    edit(demo)
    answer_next_dialog(press("Cancel"))
    assert not demo.new_project()
    assert demo.document.project.segments[0].phonemes()[2].pitch_st == 3.0
    # Discard: the edit is gone, the file on disk is untouched.
    answer_next_dialog(press("Discard"))
    assert demo.new_project() and not demo.document.project.segments
    assert load(tmp_path / "demo.json").segments[0].phonemes()[2].pitch_st == 0.0
    # Open after an edit: Save writes it first.
    assert demo.open_path(tmp_path / "demo.json")
    edit(demo)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "demo.json"), ""))
    answer_next_dialog(press("Save"))
    demo.ask_open()
    assert load(tmp_path / "demo.json").segments[0].phonemes()[2].pitch_st == 3.0


def test_save_as_adds_the_project_extension(demo, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "My take"), ""))
    assert demo.ask_save_as()
    assert (tmp_path / "My take.studio.json").is_file() and demo.document.path.name == "My take.studio.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "kept.json"), ""))
    assert demo.ask_save_as() and (tmp_path / "kept.json").is_file()
    # A project saved under any name opens as a project, never as a script.
    shutil.copy(tmp_path / "kept.json", tmp_path / "odd.txt")
    assert demo.open_path(tmp_path / "odd.txt") and demo.import_job is None


def test_export_selection_with_loudness_and_cancel(demo, qtbot, tmp_path):
    w = demo
    ids = [s.id for s in w.document.project.segments[1:3]]
    # Click the second row, shift-click the third: two lines selected.
    for row, mod in ((1, Qt.NoModifier), (2, Qt.ShiftModifier)):
        rect = w.script.visualItemRect(w.script.item(row, 0))
        qtbot.mouseClick(w.script.viewport(), Qt.LeftButton, mod, rect.center())
    assert w.script.selected_segment_ids() == ids
    w.show_export()
    d = w.export_dialog
    d.folder.setText(str(tmp_path / "out"))
    d.selection.setChecked(True)
    d.lines.setChecked(True)
    d.pattern.setText("{index}-{text}")
    d.loudness.setCurrentIndex(d.loudness.findData(-16.0))
    d.depth.setCurrentIndex(d.depth.findData(16))
    qtbot.mouseClick(d.export_button, Qt.LeftButton)
    assert d.busy and d.cancel_button.text() == "Cancel"  # the window is free while it runs
    qtbot.waitUntil(lambda: not d.busy, timeout=60000)
    assert "Exported" in d.status.text(), d.status.text()
    import pyloudnorm
    mix, rate = sf.read(str(tmp_path / "out" / "mix.wav"))
    assert sf.info(str(tmp_path / "out" / "mix.wav")).subtype == "PCM_16"
    assert pyloudnorm.Meter(rate).integrated_loudness(mix) == pytest.approx(-16.0, abs=1.0) or \
        np.max(np.abs(mix)) > 0.85  # held back only by the peak ceiling
    assert len(list((tmp_path / "out" / "lines").glob("*.wav"))) == 2
    # Settings are remembered for this project.
    d.close()
    w.show_export()
    assert w.export_dialog.pattern.text() == "{index}-{text}" and w.export_dialog.loudness.currentData() == -16.0
    # Cancel stops an export between lines.
    d = w.export_dialog
    d.folder.setText(str(tmp_path / "out2"))
    d.whole.setChecked(True)
    qtbot.mouseClick(d.export_button, Qt.LeftButton)
    qtbot.mouseClick(d.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not d.busy, timeout=60000)
    assert "cancelled" in d.status.text() or "Exported" in d.status.text()
    # A bad naming pattern is one sentence, nothing starts.
    d.pattern.setText("{track}")
    d.lines.setChecked(True)
    qtbot.mouseClick(d.export_button, Qt.LeftButton)
    assert "needs {index}" in d.status.text() and not d.busy
