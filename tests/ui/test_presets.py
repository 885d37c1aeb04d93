"""Presets: an emotion preset edited and kept in the user's library, a line's style saved and put on other lines
as one undo step, a second project that finds them, and presets exported and imported as a file."""

import json
from pathlib import Path

from PySide6.QtCore import Qt

from studio.core.presets import user_library_path
from tests.ui.helpers import window_with_script

# Screenshots go beside the other test screenshots (ignored by git), not into docs/: a test run must not
# change the tree; the copies in docs/ were taken from there.
DOCS = Path(__file__).resolve().parents[1] / "_screenshots"


def action(window, text):
    return next(a for a in window.findChildren(type(window.pen_action)) if a.text().replace("&", "") == text)


def test_presets_created_saved_shared_applied_and_exported(window, make_window, qtbot, tmp_path):
    w = window
    action(w, "Presets…").trigger()
    d = w.presets_dialog
    # Start from "sad", make it darker, and keep it under a new name in the library.
    d.emotion_combo.setCurrentText("sad")
    assert d.fields["pitch_st"].value() == -2.0
    d.emotion_name.setText("Grief")
    d.fields["pitch_st"].setValue(-4.0)
    d.fields["breathiness"].setValue(0.4)
    qtbot.mouseClick(d.save_emotion, Qt.LeftButton)
    saved = json.loads(user_library_path().read_text())
    assert saved["emotions"]["Grief"]["pitch_st"] == -4.0 and "Grief" in [d.emotion_combo.itemText(i)
                                                                          for i in range(d.emotion_combo.count())]
    qtbot.mouseClick(d.use_emotion, Qt.LeftButton)
    project = w.document.project
    assert project.emotion_presets["Grief"].breathiness == 0.4
    # A line's delivery becomes a style: give line 1 the Grief emotion and slow speed, save, apply to lines 2-3.
    from studio.core.commands import set_emotion, set_line_controls
    from studio.core.model import Emotion, LineControls

    first, second, third = project.segments[:3]
    w.document.push(set_emotion(first.id, Emotion("Grief", 1.2), False))
    w.document.push(set_line_controls(first.id, LineControls(speed=0.8, volume_db=-2.0), False))
    w.script.select_segment(first.id)
    d.style_name.setText("Mourning")
    qtbot.mouseClick(d.save_style, Qt.LeftButton)
    assert json.loads(user_library_path().read_text())["styles"]["Mourning"]["speed"] == 0.8
    w.script.select_segment(second.id)  # then shift-click the third row, as a user selects two lines
    rect = w.script.visualRect(w.script.model().index(2, 1))
    qtbot.mouseClick(w.script.viewport(), Qt.LeftButton, Qt.ShiftModifier, rect.center())
    assert w.script.selected_segment_ids() == [second.id, third.id]
    steps = w.document.undo_stack.count()
    d.style_combo.setCurrentText("Mourning")
    qtbot.mouseClick(d.apply_style, Qt.LeftButton)
    assert w.document.undo_stack.count() == steps + 1
    assert w.document.undo_stack.text(steps) == "Style 'Mourning' on 2 lines"
    assert [s.emotion for s in (second, third)] == [Emotion("Grief", 1.2)] * 2
    assert second.controls.speed == 0.8 and third.controls.volume_db == -2.0
    DOCS.mkdir(exist_ok=True)
    d.grab().save(str(DOCS / "presets-dialog.png"))
    # Export to a file; a bad file is refused with one sentence.
    out = tmp_path / "shared-presets"
    d.export_file(out)
    exported = json.loads((tmp_path / "shared-presets.json").read_text())
    assert "Grief" in exported["emotions"] and "Mourning" in exported["styles"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "speech-studio-presets", "emotions": {"Loud": {"energy_db": 99}}}')
    d.import_file(bad)
    assert d.status.text().startswith("The emotion preset 'Loud' cannot be read")
    # A second project (a new window) finds the library; importing the exported file into an empty library
    # brings the presets back; applying the style brings its emotion into that project too.
    user_library_path().unlink()
    w2 = window_with_script(make_window, qtbot, "Another project. Its second line.")
    action(w2, "Presets…").trigger()
    d2 = w2.presets_dialog
    assert d2.style_combo.count() == 0
    d2.import_file(tmp_path / "shared-presets.json")
    assert "Imported" in d2.status.text() and d2.style_combo.findText("Mourning") >= 0
    w2.script.select_segment(w2.document.project.segments[0].id)
    d2.style_combo.setCurrentText("Mourning")
    qtbot.mouseClick(d2.apply_style, Qt.LeftButton)
    p2 = w2.document.project
    assert p2.segments[0].emotion.name == "Grief" and p2.emotion_presets["Grief"].pitch_st == -4.0
