"""Edit > Preferences: steps, autosave, export defaults, a voice per speaker name, and shortcuts."""

from PySide6.QtGui import QKeySequence

from tests.ui.helpers import answer_next_dialog, press


def test_preferences_set_steps_voices_and_shortcuts(make_window, qtbot, tmp_path):
    w = make_window()

    def answer(dialog):
        assert dialog.objectName() == "preferences-dialog"
        dialog.pitch_step.setValue(0.25)
        dialog.autosave.setValue(10)
        dialog.rate.setCurrentIndex(dialog.rate.findData(44100))
        dialog.set_voice("alice", "en-us+f2")
        dialog.set_voice("BOB", "en-us")
        dialog._key_edits["Play segment"].setKeySequence(QKeySequence("Ctrl+Shift+P"))
        dialog.accept()
    answer_next_dialog(answer)
    w.show_preferences()
    assert w.pitch_step == 0.25 and w.inspector.pitch.singleStep() == 0.25
    assert w.autosave.timer.interval() == 10000
    play_segment = next(a for a in w.actions() if a.text() == "Play segment")
    assert play_segment.shortcut().toString() == "Ctrl+Shift+P"
    # Subtitles with ALICE and BOB: each gets the voice chosen for the name, not the next one by turn.
    srt = tmp_path / "s.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\nBOB: Where were you?\n\n"
                   "2\n00:00:03,000 --> 00:00:04,000\nALICE: Out walking.\n")
    answer_next_dialog(press("Import"))  # the casting dialog shows the preferred voices
    assert w.open_path(srt)
    qtbot.waitUntil(lambda: bool(w.document.project.segments), timeout=60000)
    mixes = {t.name: t.mix.weights[0][0] for t in w.document.project.tracks}
    assert mixes == {"BOB": "en-us", "ALICE": "en-us+f2"}
    # The export dialog starts from the default rate.
    w.show_export()
    assert w.export_dialog.rate.currentData() == 44100
    # Settings survive a restart (a new window on the same settings file).
    w.settings.sync()
    from PySide6.QtCore import QSettings
    again = QSettings(w.settings.fileName(), QSettings.IniFormat)
    assert float(again.value("preferences/pitch_step")) == 0.25


def test_preferences_edit_and_remove_remembered_speaker_voices(make_window, qtbot):
    from pathlib import Path

    from studio.core.design import Design
    from studio.core.voice_library import load_casting, remember_casting, save_design

    save_design(Design("en_US-joe-medium", 1.1, 1.3, 0.0, "Kim"))
    remember_casting({"ALICE": "Mara", "BOB": "Joe"})  # as an import or the model picker left them
    w = make_window()

    def answer(dialog):
        dialog.tabs.setCurrentIndex(1)
        table = dialog.voices
        rows = {table.item(r, 0).text(): table.cellWidget(r, 1) for r in range(table.rowCount())}
        assert rows["ALICE"].currentData() == "Mara" and rows["BOB"].currentData() == "Joe"
        offered = [rows["ALICE"].itemData(i) for i in range(rows["ALICE"].count())]
        assert {"Joe", "Mara", "Theo", "Kim", "en-us+f2"} <= set(offered)  # cast, library and embedded voices
        rows["ALICE"].setCurrentIndex(rows["ALICE"].findData("Kim"))
        dialog.set_voice("carol", "Theo")
        table.selectRow(list(rows).index("BOB"))
        dialog.remove_voice.click()
        shots = Path(__file__).resolve().parents[1] / "_screenshots"
        shots.mkdir(exist_ok=True)
        dialog.grab().save(str(shots / "preferences-voices.png"))
        dialog.accept()
    answer_next_dialog(answer)
    w.show_preferences()
    assert load_casting() == {"ALICE": "Kim", "CAROL": "Theo"}
