"""The model picker lists the default cast; a designed cast voice becomes the track's voice in one undo step."""

from studio.engine.render.scheduler import State
from tests.ui.helpers import settle


def test_picking_a_designed_cast_voice(window, qtbot):
    from studio.ui.model_picker import ModelPicker

    seg = window.document.project.segments[0]
    track = window.document.project.track(seg.track_id)
    before = track.voice
    picker = ModelPicker(window.document, track.id, window)
    mara = next(e for e in picker.entries if e["name"] == "Mara")
    assert mara["kind"] == "cast" and "derived" in " ".join(mara["licence_lines"])
    with qtbot.waitSignal(picker._done, timeout=120000):
        picker.choose(mara)
    assert (track.voice.backbone, track.voice.model) == ("design", "Mara")
    assert track.mix.as_dict() == {"Mara": 1.0} and "Mara" in window.document.project.designs
    assert window.document.undo_stack.count() == 1
    assert settle(window)
    assert window.render.status(seg.id).state is State.READY
    window.document.undo_stack.undo()
    assert track.voice == before


def test_a_voice_picked_for_a_character_is_remembered(window, qtbot, tmp_path, monkeypatch):
    from studio.core.voice_library import remembered_voice
    from studio.ui.model_picker import ModelPicker

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    track = window.document.project.tracks[0]
    track.name = "ALICE"
    picker = ModelPicker(window.document, track.id, window)
    with qtbot.waitSignal(picker._done, timeout=120000):
        picker.choose(next(e for e in picker.entries if e["name"] == "Mara"))
    assert remembered_voice("alice") == "Mara"
