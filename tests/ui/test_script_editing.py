"""Script structure in the editor: rows are added, split, merged, moved and deleted with the keys a VOICEVOX user
knows, speakers are added, renamed and removed, and an import runs in the background."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication

from studio.core.script import parse_script
from tests.ui.helpers import answer_next_dialog, key, type_and_ok, window_with_script



def test_rows_by_keyboard_insert_split_merge_move_delete(make_window, qtbot):
    w = window_with_script(make_window, qtbot, "First line here. Second one.")
    project = w.document.project
    w.script.select_segment(project.segments[0].id)
    key(qtbot, w, Qt.Key_Return, Qt.ShiftModifier)  # Shift+Enter: a new row after it, open for typing
    qtbot.waitUntil(lambda: len(project.segments) == 3, timeout=30000)
    assert project.segments[1].text == "New line." and w.script.state() == QAbstractItemView.EditingState
    editor = QApplication.focusWidget()
    editor.setText("Third words go here")
    editor.setCursorPosition(len("Third words"))
    key(qtbot, w, Qt.Key_Return, Qt.ControlModifier | Qt.ShiftModifier)  # split at the text cursor
    qtbot.waitUntil(lambda: len(project.segments) == 4 and not w.script_actions.busy, timeout=30000)
    assert [s.text for s in project.segments][1:3] == ["Third words", "go here"]
    w.script.select_segment(project.segments[1].id)
    key(qtbot, w, Qt.Key_J, Qt.ControlModifier | Qt.ShiftModifier)  # merge with the next
    qtbot.waitUntil(lambda: len(project.segments) == 3 and not w.script_actions.busy, timeout=30000)
    merged = project.segments[1]
    key(qtbot, w, Qt.Key_Up, Qt.AltModifier)
    assert project.segments[0] is merged
    w.script.select_segment(merged.id)
    key(qtbot, w, Qt.Key_Delete, Qt.ShiftModifier)
    assert merged not in project.segments and len(project.segments) == 2
    labels = [w.document.undo_stack.text(i) for i in range(w.document.undo_stack.count())]
    assert labels[-5:] == ["Insert 1 line", labels[-4], "Merge lines", "Move segment", "Delete 1 line"]
    assert labels[-4].startswith("Split line at")
    for _ in range(5):
        w.document.undo_stack.undo()
    assert [s.text for s in project.segments] == ["First line here.", "Second one."]


def test_speakers_add_rename_remove_and_pasted_dialogue_makes_tracks(make_window, qtbot):
    w = window_with_script(make_window, qtbot, "ANNA: Hello.\nBEN: Hi there.\nANNA: Bye.")
    project = w.document.project
    # The new project's empty Narrator track is not left behind (issue 24.24).
    assert [t.name for t in project.tracks] == ["ANNA", "BEN"]
    mixes = {t.name: t.mix for t in project.tracks}
    assert mixes["ANNA"] != mixes["BEN"]  # told apart from the start
    voices = {t.name: t.voice for t in project.tracks}  # each by a voice of the cast, none by espeak
    assert len(set(voices.values())) == 2 and {v.backbone for v in voices.values()} <= {"coqui", "hibari", "design"}
    w.script.select_segment(project.segments[1].id)  # BEN's line
    answer_next_dialog(type_and_ok("Benjamin"))
    w.script_actions.ask_rename_track()
    assert project.track(project.segments[1].track_id).name == "Benjamin"
    assert w.script.item(1, 0).text() == "Benjamin"
    w.script_actions.remove_track()
    assert [s.text for s in project.segments] == ["Hello.", "Bye."]
    w.document.undo_stack.undo()
    assert len(project.segments) == 3


def test_import_runs_in_the_background_with_progress(make_window, qtbot, tmp_path):
    w = make_window()
    script = tmp_path / "long.txt"
    script.write_text(" ".join(f"This is sentence number {i}." for i in range(60)))
    assert len(parse_script(script.read_text())) == 60
    seen = []
    assert w.import_script(script)
    w.import_job.progress.connect(lambda done, total, _w: seen.append((done, total)))
    assert w.busy_bar.isVisible() and w.import_job.running  # returned at once: the window is not frozen
    qtbot.waitUntil(lambda: len(w.document.project.segments) == 60, timeout=120000)
    assert seen and seen[-1] == (60, 60) and not w.busy_bar.isVisible()


def test_pasted_lines_are_selected_and_in_view_wherever_they_land(make_window, qtbot):
    """Issue 24.24: after a paste the view showed the first second, not the lines just pasted."""
    w = window_with_script(make_window, qtbot, " ".join(f"This is sentence number {i}." for i in range(14)))
    w.timeline.show_range(0.0, 1.0)
    w.script.select_segment(w.document.project.segments[-1].id)
    w.script_actions.paste_script("A pasted line at the end. And another one.")
    qtbot.waitUntil(lambda: not w.script_actions.busy, timeout=30000)
    project = w.document.project
    pasted = project.segments[-2:]
    assert [s.text for s in pasted] == ["A pasted line at the end.", "And another one."]
    assert w.script.selected_segment_id() == pasted[0].id
    place = dict(zip([s.id for s in project.segments], w.timeline.data.placements))[pasted[0].id]
    assert place.start > 5.0  # it landed well after the first second
    (x0, x1), _ = w.timeline.phonemes.view.viewRange()
    assert x0 <= place.start < x1 and x0 > 1.0

