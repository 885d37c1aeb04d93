"""Voice > Design a voice…: preview in the background, use for the track in one undo step, save to the library."""

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from studio.core.design import Design, DesignError
from tests.ui.helpers import answer_next_dialog, settle

SHOTS = Path(__file__).resolve().parents[1] / "_screenshots"


def open_dialog(window):
    from studio.ui.design_dialog import DesignDialog

    seg = window.document.project.segments[0]
    window.script.select_segment(seg.id)
    return DesignDialog(window, seg.track_id)


def test_design_preview_use_and_save(window, qtbot, tmp_path):
    import pytest

    from studio.core.voice_library import load_designs
    from studio.engine.voices.catalog import catalog

    d = open_dialog(window)
    qtbot.addWidget(d)
    d.show()
    assert d.base.currentData() == "en_US-joe-medium"
    d.timbre.setValue(1.2)
    d.pitch.setValue(1.6)
    d.breath.setValue(0.1)
    d.name.setText("Kim")
    d.preview_button.click()
    assert d.busy and not d.preview_button.isEnabled()  # the render runs off the GUI thread
    qtbot.waitUntil(lambda: not d.busy, timeout=120_000)
    audio, rate = d.preview_audio
    assert len(audio) / rate > 1.0 and d.status.text().startswith("Preview:")
    assert window.player.playing
    window.player.stop()
    SHOTS.mkdir(exist_ok=True)
    d.grab().save(str(SHOTS / "design-dialog.png"))
    d.name.setText("")
    # An empty name is one sentence, nothing changes.
    d.use_button.click()
    assert d.status.text() == "Give the voice a name first." and window.document.undo_stack.count() == 0
    d.name.setText("Mara")  # a cast voice's name is taken
    d.save_button.click()
    assert "default cast" in d.status.text() and not load_designs()
    d.name.setText("Kim")
    d.save_button.click()
    assert load_designs()["Kim"] == Design("en_US-joe-medium", 1.2, 1.6, 0.1, "Kim")
    kim = next(e for e in catalog() if e["name"] == "Kim")
    assert kim["kind"] == "library" and kim["voice"] == {"backbone": "design", "model": "Kim"}
    # Saving a changed Kim asks; No keeps the old one.
    d.pitch.setValue(1.4)
    answer_next_dialog(lambda box: box.button(QMessageBox.No).click())
    assert not d.save_to_library()
    assert load_designs()["Kim"].pitch == 1.6 and "not saved" in d.status.text()
    d.pitch.setValue(1.6)
    track = window.document.project.track(window.document.project.segments[0].track_id)
    before = track.voice
    with qtbot.waitSignal(d.finished, timeout=120_000):
        d.use_button.click()
    assert track.voice.backbone == "design" and track.voice.model == "Kim"
    assert window.document.project.designs["Kim"].pitch == 1.6
    assert window.document.undo_stack.count() == 1
    assert settle(window)
    window.document.undo_stack.undo()
    assert track.voice == before
    with pytest.raises(DesignError):
        from studio.ui.design_dialog import design_from
        design_from("en_US-joe-medium", 3.0, 1.0, 0.0, "Kim")


def test_a_bad_name_is_one_sentence(window, qtbot):
    d = open_dialog(window)
    qtbot.addWidget(d)
    d.name.setText("9 lives")
    d.save_button.click()
    assert d.status.text().startswith("\"9 lives\" cannot name a voice") and "Traceback" not in d.status.text()


def test_a_library_design_is_loaded_to_change_and_can_be_deleted(window, qtbot):
    from studio.core.voice_library import load_designs, save_design

    save_design(Design("en_US-joe-medium", 1.15, 1.3, 0.2, "Ida"))
    d = open_dialog(window)
    qtbot.addWidget(d)
    assert not d.delete_button.isEnabled()  # "A new voice": nothing to delete
    d.start.setCurrentIndex(d.start.findData("Ida"))
    assert (d.base.currentData(), d.timbre.value(), d.pitch.value(), d.breath.value(), d.name.text()) == \
        ("en_US-joe-medium", 1.15, 1.3, 0.2, "Ida")
    d.pitch.setValue(1.5)
    answer_next_dialog(lambda box: box.button(QMessageBox.Yes).click())  # replace Ida
    assert d.save_to_library() and load_designs()["Ida"].pitch == 1.5
    assert d.start.currentData() == "Ida" and d.delete_button.isEnabled()
    answer_next_dialog(lambda box: box.button(QMessageBox.No).click())
    assert not d.delete_from_library() and "Ida" in load_designs()  # No keeps it
    answer_next_dialog(lambda box: box.button(QMessageBox.Yes).click())
    assert d.delete_from_library() and "Ida" not in load_designs()
    assert d.start.currentData() is None and "Removed Ida" in d.status.text()
