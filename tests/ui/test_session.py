"""The whole session a user would run, start to finish, through menus, keys, dialogs and mouse drags: new
project, paste a script, add a speaker, fix a pronunciation, draw a pitch curve, set pauses, import reference
audio, export stems and per-line files from the dialog, then close with unsaved changes and answer the prompt."""

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from studio.core.project_io import load
from tests.ui.helpers import answer_next_dialog, drag, press, settle, type_and_ok, view_to_widget

SCRIPT = "The ship left at dawn. Nobody saw Nguyen go.\n\nHe came back at night?"
# Screenshots go beside the other test screenshots (ignored by git); docs/session.png and docs/export-dialog.png
# are copies of these, refreshed by hand when the screens change.
DOCS = Path(__file__).resolve().parents[1] / "_screenshots"


def action(window, text):
    return next(a for a in window.findChildren(type(window.pen_action)) if a.text().replace("&", "") == text)


def key(qtbot, window, k, modifier=Qt.NoModifier):
    """A shortcut, as typed: the window must be the active one, as it is for a user at the keyboard."""
    window.activateWindow()
    QApplication.processEvents()
    qtbot.keyClick(window, k, modifier)


def wait_jobs(qtbot, window):
    qtbot.waitUntil(lambda: not window.script_actions.busy, timeout=60000)
    QApplication.processEvents()


def double_click(timeline, pos):
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent

    vp = timeline.viewport()
    for kind, buttons in ((QEvent.MouseButtonPress, Qt.LeftButton), (QEvent.MouseButtonRelease, Qt.NoButton),
                          (QEvent.MouseButtonDblClick, Qt.LeftButton), (QEvent.MouseButtonRelease, Qt.NoButton)):
        QApplication.sendEvent(vp, QMouseEvent(kind, QPointF(pos), QPointF(vp.mapToGlobal(pos)), Qt.LeftButton,
                                               buttons, Qt.NoModifier))
    QApplication.processEvents()


@pytest.fixture
def reference_wav(tmp_path):
    rate = 16000
    t = np.arange(int(rate * 6.0)) / rate
    path = tmp_path / "original_dialogue.wav"
    sf.write(path, (0.3 * np.sin(2 * np.pi * 180 * t) * (np.sin(2 * np.pi * 0.5 * t) > 0)).astype(np.float32), rate)
    return path


def test_a_whole_session_from_new_project_to_export_and_close(make_window, qtbot, tmp_path, monkeypatch,
                                                              reference_wav):
    w = make_window()
    w.new_project()
    assert [t.name for t in w.document.project.tracks] == ["Narrator"] and not w.document.project.segments

    # Paste a script: Ctrl+V on the rows splits the paragraphs into sentences.
    QApplication.clipboard().setText(SCRIPT)
    w.script.setFocus()
    qtbot.keyClick(w.script, Qt.Key_V, Qt.ControlModifier)
    wait_jobs(qtbot, w)
    project = w.document.project
    assert [s.text for s in project.segments] == ["The ship left at dawn.", "Nobody saw Nguyen go.",
                                                  "He came back at night?"]
    assert project.segments[2].paragraph_start

    # Add a speaker, then give the last line to her (Ctrl+K asks whom).
    answer_next_dialog(type_and_ok("Mara"))
    action(w, "Add speaker…").trigger()
    assert w.document.project.track_named("Mara") is not None
    w.script.select_segment(project.segments[2].id)
    answer_next_dialog(type_and_ok("Mara"))
    key(qtbot, w, Qt.Key_K, Qt.ControlModifier)
    wait_jobs(qtbot, w)
    assert project.track(project.segments[2].track_id).name == "Mara"
    assert settle(w)

    # Fix a pronunciation: double-click "Nguyen" on the timeline and type IPA.
    tl = w.timeline
    tl.show_range(0, tl.data.total + 0.2)
    w.repaint()
    start, end, *_ = next(x for x in tl.data.words if x[2] == "Nguyen")
    nguyen = next(i for i, wd in enumerate(project.segments[1].words) if wd.text == "Nguyen")
    heard = [p.symbol for p in project.segments[1].words[nguyen].phonemes]

    def fix(dialog):
        assert dialog.objectName() == "pronunciation-dialog"
        dialog.pron.setText("/ˈwɪn/")
        press("OK")(dialog)
    answer_next_dialog(fix)
    double_click(tl, view_to_widget(tl, tl.phonemes, (start + end) / 2, 1.5))
    wait_jobs(qtbot, w)
    word = project.segments[1].words[nguyen]
    assert project.lexicon == {"Nguyen": "/ˈwɪn/"} and word.text == "Nguyen"
    assert [p.symbol for p in word.phonemes] == ["w", "ɪ", "n"] != heard
    assert settle(w)

    # Draw a pitch curve with the pen across the first line: a rising line.
    key(qtbot, w, Qt.Key_P)
    assert tl.pen_on
    first = tl.data.placements[0]
    tl.show_range(first.start - 0.1, first.end + 0.1)
    w.repaint()
    lane = tl.pitch
    y0 = float(np.nanmedian(lane._base[tl.data.seg_index[lane._index] == 0]))
    drag(tl, view_to_widget(tl, lane, first.start, y0 - 4), view_to_widget(tl, lane, first.end, y0 + 6), steps=20)
    drawn = [p.pitch_st for p in project.segments[0].phonemes() if p.pitch > 0]
    assert sum(1 for v in drawn if v != 0) >= len(drawn) - 1
    assert "Draw pitch on 'The', 'ship'" in w.document.undo_stack.text(w.document.undo_stack.index() - 1)
    key(qtbot, w, Qt.Key_P)
    assert not tl.pen_on

    # Pauses: a longer pause after a sentence, from the line panel.
    w.line_panel.sentence.setValue(0.9)
    w.line_panel.sentence.editingFinished.emit()
    assert project.pauses.sentence == 0.9
    assert settle(w)
    places = tl.data.placements
    assert places[1].start - places[0].end == pytest.approx(0.9, abs=0.02)

    # Reference audio: File > Import reference audio…, the file chooser answers with the recording.
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(reference_wav), ""))
    action(w, "Import reference audio…").trigger()
    assert tl.reference.audio is not None and len(tl.reference.wave.x) > 100
    assert project.reference_audio == str(reference_wav)
    tl.show_range(0, tl.data.total + 0.5)
    w.repaint()
    DOCS.mkdir(exist_ok=True)
    assert w.grab().save(str(DOCS / "session.png"))

    # Export stems and per-line files from the dialog (Ctrl+E), in the background.
    key(qtbot, w, Qt.Key_E, Qt.ControlModifier)
    dialog = w.export_dialog
    assert dialog.isVisible() and not dialog.isModal()
    out = tmp_path / "delivery"
    dialog.folder.setText(str(out))
    for box, on in ((dialog.mix, False), (dialog.stems, True), (dialog.lines, True), (dialog.line_text, True),
                    (dialog.subtitles, True)):
        box.setChecked(on)
    dialog.rate.setCurrentIndex(dialog.rate.findData(48000))
    assert dialog.grab().save(str(DOCS / "export-dialog.png"))
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60000)
    assert "Exported" in dialog.status.text(), dialog.status.text()
    stems = sorted(p.name for p in (out / "stems").iterdir())
    assert stems == ["Mara.wav", "Narrator.wav"]
    lines = sorted(p.name for p in (out / "lines").iterdir())
    assert lines[:2] == ["001_Narrator_The_ship_left_at_dawn.txt", "001_Narrator_The_ship_left_at_dawn.wav"]
    assert len(lines) == 6 and (out / "lines" / "003_Mara_He_came_back_at_night.txt").read_text().strip() == \
        "He came back at night?"
    assert sf.info(str(out / "stems" / "Mara.wav")).samplerate == 48000
    assert (out / "subtitles.srt").read_text().count("-->") == 3
    assert not (out / "mix.wav").exists()
    # A second export into the same folder is refused until Overwrite is ticked.
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60000)
    assert "exist already" in dialog.status.text()
    dialog.close()

    # Close with unsaved changes: Cancel keeps the window, Save asks for a name and adds .studio.json.
    assert not w.document.undo_stack.isClean()
    answer_next_dialog(press("Cancel"))
    assert not w.close() and w.isVisible()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "session"), ""))
    answer_next_dialog(press("Save"))
    assert w.close()
    saved = load(tmp_path / "session.studio.json")
    assert saved.lexicon == {"Nguyen": "/ˈwɪn/"} and saved.pauses.sentence == 0.9
    assert [t.name for t in saved.tracks] == ["Narrator", "Mara"]
    assert any(p.pitch_st for p in saved.segments[0].phonemes())
    assert saved.reference_audio == str(reference_wav)
