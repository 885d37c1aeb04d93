"""The editor window opens on the demo project, edits go through the undo stack, and bad files are refused."""

import shutil

import pytest

from studio.cli import DEMO_PROJECT
from studio.core.commands import SetPhonemes
from studio.core.project_io import load
from studio.ui.main_window import MainWindow
from studio.ui.script_panel import COL_TEXT


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "demo.json"
    shutil.copy(DEMO_PROJECT, path)
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    assert w.open_path(path)
    return w


def test_demo_opens_with_its_script_visible(window):
    project = window.document.project
    assert window.script.rowCount() == len(project.segments) > 0
    assert window.script.item(0, COL_TEXT).text() == project.segments[0].text
    assert window.segment_view.segment_id == project.segments[0].id  # first segment shown on the timeline
    assert "demo.json" in window.windowTitle()


def test_edit_undo_redo_and_save(window, tmp_path):
    doc = window.document
    seg = doc.project.segments[0]
    doc.push(SetPhonemes(seg.id, [1], "pitch_st", [3.0]))
    assert "*" in window.windowTitle()
    doc.undo_stack.undo()
    assert seg.phonemes()[1].pitch_st == 0.0
    doc.undo_stack.redo()
    assert seg.phonemes()[1].pitch_st == 3.0
    assert window.save()
    assert load(doc.path).segments[0].phonemes()[1].pitch_st == 3.0
    assert "*" not in window.windowTitle()


def test_a_drag_is_one_undo_step(window):
    doc = window.document
    seg = doc.project.segments[0]
    for v in (0.5, 1.0, 1.5):
        doc.push(SetPhonemes(seg.id, [1], "pitch_st", [v]), merge=True)
    doc.seal()
    doc.push(SetPhonemes(seg.id, [1], "pitch_st", [2.0]), merge=True)
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    assert seg.phonemes()[1].pitch_st == 1.5


def test_editing_text_in_the_script_panel_is_undoable(window):
    doc = window.document
    seg = doc.project.segments[1]
    old = seg.text
    window.script.item(1, COL_TEXT).setText("A completely new line.")
    assert seg.text == "A completely new line."
    assert [w.text for w in seg.words if w.text] == ["A", "completely", "new", "line"]
    doc.undo_stack.undo()
    assert seg.text == old
    assert window.script.item(1, COL_TEXT).text() == old


def test_bad_project_shows_one_sentence_and_keeps_the_open_project(window, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "speech-studio-project", "schema_version": 1, "tracks": [')
    before = window.document.project
    assert not window.open_path(bad)
    assert window.document.project is before
    assert "not valid JSON" in window.message.text()
    assert bad.read_text().endswith("[")


def test_screenshot(window, tmp_path, request):
    from pathlib import Path
    out = Path(__file__).resolve().parents[1] / "_screenshots"
    out.mkdir(exist_ok=True)
    image = window.grab()
    assert image.width() > 600 and image.height() > 400
    assert image.save(str(out / "main_window.png"))
