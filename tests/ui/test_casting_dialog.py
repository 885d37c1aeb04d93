"""The casting dialog at import: several speakers, each shown with the voice it would get; the user's choice is
used, remembered per speaker name, and Cancel leaves the open project as it was."""

from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialogButtonBox

from tests.ui.helpers import answer_next_dialog, press

SHOTS = Path(__file__).resolve().parents[1] / "_screenshots"
SRT = ("1\n00:00:01,000 --> 00:00:02,000\nANNA: Where were you last night?\n\n"
       "2\n00:00:03,000 --> 00:00:04,000\nBEN: Out walking.\n")


def test_casting_dialog_sets_and_remembers_voices(make_window, qtbot, tmp_path):
    from studio.core.voice_library import remembered_voice

    w = make_window()
    (tmp_path / "s.srt").write_text(SRT)
    seen = {}

    def answer(dialog):
        assert dialog.objectName() == "casting-dialog"
        seen.update(dialog.choices())
        SHOTS.mkdir(exist_ok=True)
        dialog.grab().save(str(SHOTS / "casting-dialog.png"))
        box = dialog.boxes["BEN"]
        box.setCurrentIndex(box.findData("Mara"))  # as picking Mara in BEN's row
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok).click()
    answer_next_dialog(answer)
    assert w.open_path(tmp_path / "s.srt")
    assert seen == {"ANNA": "Joe", "BEN": "Hibari"}  # the default cast, in order
    qtbot.waitUntil(lambda: not w.import_job.running and bool(w.document.project.segments), timeout=120_000)
    voices = {t.name: (t.voice.backbone, t.voice.model) for t in w.document.project.tracks}
    assert voices == {"ANNA": ("coqui", "en_US-joe-medium"), "BEN": ("design", "Mara")}
    assert "Mara" in w.document.project.designs
    assert remembered_voice("ben") == "Mara" and remembered_voice("ANNA") == "Joe"
    # The next import proposes what was chosen.
    seen.clear()

    def look(dialog):
        seen.update(dialog.choices())
        press("Cancel")(dialog)
    answer_next_dialog(look)
    assert not w.open_path(tmp_path / "s.srt")
    assert seen == {"ANNA": "Joe", "BEN": "Mara"}


def test_cancel_leaves_the_open_project(window, qtbot, tmp_path):
    before = [s.text for s in window.document.project.segments]
    count = window.document.undo_stack.count()
    (tmp_path / "s.srt").write_text(SRT)
    answer_next_dialog(press("Cancel"))
    assert not window.open_path(tmp_path / "s.srt")
    QApplication.processEvents()
    assert [s.text for s in window.document.project.segments] == before
    assert window.document.undo_stack.count() == count and window.import_job is None
    assert "cancelled" in window.message.text() and "unchanged" in window.message.text()


def test_one_speaker_imports_without_asking(make_window, qtbot, tmp_path):
    w = make_window()
    (tmp_path / "one.txt").write_text("ANNA: Hello there.\nANNA: Goodbye now.\n")
    assert w.open_path(tmp_path / "one.txt")  # no dialog: it would wait here for an answer
    qtbot.waitUntil(lambda: not w.import_job.running and bool(w.document.project.segments), timeout=120_000)
