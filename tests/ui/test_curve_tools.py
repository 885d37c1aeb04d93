"""Pitch and energy like a curve editor: click a word to select its phonemes, type values in the inspector,
steps from the preferences, an energy scale that silent outliers cannot flatten; line controls and pauses."""


import numpy as np
import pytest

from tests.ui.helpers import click, settle, view_to_widget


def test_click_a_word_then_type_in_the_inspector(window):
    tl = window.timeline
    place = tl.data.placements[0]
    tl.show_range(place.start - 0.1, place.end + 0.1)
    window.repaint()
    start, end, text, si, wi = tl.data.words[1]
    click(tl, view_to_widget(tl, tl.phonemes, (start + end) / 2, 1.5))
    seg = window.document.project.segments[si]
    voiced = [p for p in seg.words[wi].phonemes if p.pitch > 0]  # the pitch lane has a point per voiced phoneme
    assert len(tl.pitch.selection) == len(voiced) > 1 and repr(text) in window.inspector.what.text()
    window.inspector.pitch.setValue(3.0)
    window.inspector.pitch.editingFinished.emit()
    assert [p.pitch_st for p in voiced] == [3.0] * len(voiced)
    assert window.document.undo_stack.text(0) == f"Pitch = +3.00 st on '{text}'"
    # Raise uses the step from the preferences, and says what changed.
    window.settings.setValue("preferences/pitch_step", 0.5)
    window._on_selection("shift", 1.0)
    assert voiced[0].pitch_st == pytest.approx(3.5)
    assert window.document.undo_stack.text(1) == f"Pitch +0.5 st on '{text}'"


def test_energy_scale_ignores_a_silent_outlier(window):
    seg = window.document.project.segments[0]
    seg.words[0].phonemes[0].energy = -120.0  # a silent closure measured at the floor
    window.timeline.refresh()
    (lo, hi) = window.timeline.energy.view.viewRange()[1]
    assert lo > -80 and hi - lo < 70


def test_line_panel_sets_speed_silence_and_pauses(window):
    project = window.document.project
    seg = project.segments[1]
    window.script.select_segment(seg.id)
    panel = window.line_panel
    assert panel.segment_id == seg.id
    before = window.timeline.data.placements[1].duration
    panel.speed.setValue(2.0)
    panel.speed.editingFinished.emit()
    assert seg.controls.speed == 2.0
    panel.after.setValue(1.0)
    panel.after.editingFinished.emit()
    assert seg.gap_after == 1.0
    assert settle(window)
    places = window.timeline.data.placements
    assert places[1].duration < 0.7 * before
    assert places[2].start - places[1].end >= 1.0
    panel.comma_own.setChecked(False)
    panel.comma.setValue(0.6)
    panel.comma.editingFinished.emit()
    assert project.pauses.comma == 0.6
    labels = [window.document.undo_stack.text(i) for i in range(window.document.undo_stack.count())]
    assert labels[:2] == ["Line controls", "Silence around line"] and "Pause lengths" in labels
    window.document.undo_stack.undo()
    window.document.undo_stack.undo()  # the value, then the switch from the voice's own pause
    assert project.pauses.comma is None and panel.comma_own.isChecked()


def test_reference_audio_plays_under_the_voices_muted_or_solo(window, tmp_path):
    import soundfile as sf

    rate = 22050
    sf.write(tmp_path / "ref.wav", np.full(rate * 2, 0.25, np.float32), rate)
    assert window.set_reference_audio(tmp_path / "ref.wav")
    assert window.document.project.reference_audio == "ref.wav"  # beside the project: stored relative
    voices, _ = window.mixdown()
    window.ref_mute_action.trigger()
    muted, _ = window.mixdown()
    window.ref_mute_action.trigger()
    window.ref_solo_action.trigger()
    solo, _ = window.mixdown()
    assert np.allclose(voices[:rate] - muted[:rate], 0.25, atol=1e-3)
    assert np.allclose(solo[:rate], 0.25, atol=1e-3) and not np.any(solo[3 * rate:])
    bad = tmp_path / "bad.wav"
    bad.write_text("not audio")
    assert not window.set_reference_audio(bad)
    assert "could not be read as audio" in window.message.text()
