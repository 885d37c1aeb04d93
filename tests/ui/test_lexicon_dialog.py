"""Edit > Pronunciations…: the whole lexicon in one list, edited, added to and pruned as a user would."""

import json
from pathlib import Path

from PySide6.QtWidgets import QApplication

from studio.ui.user_data import lexicon_path

SHOTS = Path(__file__).resolve().parents[1] / "_screenshots"


def wait_jobs(qtbot, window):
    qtbot.waitUntil(lambda: not window.script_actions.busy, timeout=60000)
    QApplication.processEvents()


def open_list(window):
    action = next(a for a in window.findChildren(type(window.play_action))
                  if a.text().replace("&", "") == "Pronunciations…")
    action.trigger()
    return window.lexicon_dialog


def fill_new_row(dialog, word, pron, scope=0):
    dialog.add_button.click()
    r = dialog.table.currentRow()
    dialog.table.closePersistentEditor(dialog.table.item(r, 0))
    dialog.table.item(r, 0).setText(word)
    dialog.table.item(r, 1).setText(pron)
    dialog.table.cellWidget(r, 2).setCurrentIndex(scope)
    return r


def symbols(segment, text):
    word = next(w for w in segment.words if w.text == text)
    return [p.symbol for p in word.phonemes]


def test_the_list_adds_edits_and_removes_entries_and_re_analyses_the_lines(window, qtbot):
    project, stack = window.document.project, window.document.undo_stack
    line = project.segments[3]  # "It is only the wind, Mara."
    heard = symbols(line, "wind")
    dialog = open_list(window)
    assert dialog.isVisible() and dialog.table.rowCount() == 0

    fill_new_row(dialog, "wind", "wined")  # the verb, not the weather
    fill_new_row(dialog, "Mara", "Marrah", scope=1)
    steps = stack.count()
    dialog.apply_button.click()
    wait_jobs(qtbot, window)
    assert project.lexicon == {"wind": "wined"}
    assert window.document.global_lexicon == {"Mara": "Marrah"}
    assert json.loads(lexicon_path().read_text())["entries"] == {"Mara": "Marrah"}
    line = project.segments[3]
    assert symbols(line, "wind") != heard and symbols(line, "Mara")  # the user's words stay on the timeline
    assert stack.count() == steps + 1 and stack.text(stack.count() - 1) == "Pronunciations: 2 words"

    stack.undo()  # one step takes back the project entry and the re-analysis together
    assert project.lexicon == {} and symbols(project.segments[3], "wind") == heard
    stack.redo()

    dialog.close()
    dialog = open_list(window)  # it shows what is there now, sorted by word
    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())] == ["Mara", "wind"]
    assert dialog.table.cellWidget(0, 2).currentText() == "All my projects"
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "lexicon-dialog.png"))
    dialog.table.item(1, 1).setText("/wɪnd/")  # edit in place
    dialog.apply_button.click()
    wait_jobs(qtbot, window)
    assert project.lexicon == {"wind": "/wɪnd/"}
    assert stack.text(stack.count() - 1) == "Pronounce 'wind' as /wɪnd/"

    dialog.table.selectRow(0)
    dialog.remove_button.click()
    dialog.apply_button.click()
    wait_jobs(qtbot, window)
    assert window.document.global_lexicon == {} and json.loads(lexicon_path().read_text())["entries"] == {}
    assert project.lexicon == {"wind": "/wɪnd/"}


def test_a_bad_row_is_one_sentence_and_changes_nothing(window, qtbot):
    dialog = open_list(window)
    fill_new_row(dialog, "fog", "")
    steps = window.document.undo_stack.count()
    dialog.apply_button.click()
    assert dialog.error.text() == "Row 1: Give 'fog' a respelling or an IPA transcription between slashes."
    fill_new_row(dialog, "Fog", "fawg")
    dialog.table.item(0, 1).setText("fogg")
    dialog.apply_button.click()
    assert dialog.error.text() == "Row 2: 'Fog' is listed twice for the same scope; keep one."
    assert window.document.undo_stack.count() == steps and window.document.project.lexicon == {}
    assert not lexicon_path().exists()
