"""The model picker offers the hibari voice and switches a track to it; the project saves and reopens with it."""

import pytest

pytest.importorskip("hibari", reason="hibari-tts is not installed (it is a dependency in pyproject.toml)")

from studio.engine.render.scheduler import State  # noqa: E402
from tests.ui.helpers import settle  # noqa: E402


def test_model_picker_switches_a_track_to_hibari_and_the_project_reopens(window, make_window, qtbot, tmp_path):
    from studio.core.project_io import save
    from studio.ui.model_picker import ModelPicker

    seg = window.document.project.segments[1]
    track = window.document.project.track(seg.track_id)
    picker = ModelPicker(window.document, track.id, window)
    entry = next(e for e in picker.entries if e["name"] == "hibari-af-heart")
    assert entry["kind"] == "hibari" and entry["status"] == "ready" and "Kokoro-82M" in entry["license"]
    with qtbot.waitSignal(picker._done, timeout=60000):
        picker.choose(entry)
    assert (track.voice.backbone, track.voice.model) == ("hibari", "hibari-af-heart")
    assert window.document.undo_stack.count() == 1
    assert settle(window)
    assert window.render.status(seg.id).state is State.READY
    assert window.render.result(seg.id).sample_rate == 24000
    save(window.document.project, tmp_path / "hibari.json")
    reopened = make_window()
    assert reopened.open_path(tmp_path / "hibari.json")
    assert settle(reopened)
    assert reopened.document.project.track(seg.track_id).voice.backbone == "hibari"
