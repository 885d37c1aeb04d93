"""Guiding a line from a recording in the editor: one undo step, a guide waveform lane and a faint pitch curve,
mute and solo; a recording of other words is refused with one sentence and nothing changes."""

from pathlib import Path

import numpy as np

from studio.core.commands import edit_text

from tests.ui.helpers import settle

ARCTIC = Path(__file__).resolve().parents[2] / "assets" / "speech" / "arctic_a0007.wav"
TEXT = "And you always want to see it in the superlative degree."


def _fields(seg):
    return [(p.duration_scale, p.pitch_st, p.energy_db) for p in seg.phonemes()]


def test_guiding_a_line_shows_the_guide_plays_it_and_undoes_in_one_step(window, qtbot):
    doc = window.document
    seg = doc.project.segments[0]
    # a recording of other words is refused with one sentence, and the line is left as it was
    before, steps = _fields(seg), doc.undo_stack.index()
    window.guide_actions.start(seg.id, ARCTIC)
    qtbot.waitUntil(lambda: window.guide_actions.job is None, timeout=120_000)
    assert "does not say" in window.message.text() or "could not be aligned" in window.message.text()
    assert _fields(seg) == before and doc.undo_stack.index() == steps and not window.timeline.guide.guides

    doc.push(edit_text(doc.project, seg.id, TEXT, doc.analyzer))
    before, steps = _fields(seg), doc.undo_stack.index()
    window.guide_actions.start(seg.id, ARCTIC)
    qtbot.waitUntil(lambda: window.guide_actions.job is None, timeout=120_000)
    assert doc.undo_stack.index() == steps + 1 and _fields(seg) != before
    lane = window.timeline.guide
    assert len(lane.wave.x) > 100  # the waveform, warped onto the line's words
    first, last = window.timeline.data.words[0][0], window.timeline.data.words[10][1]
    assert first - 0.01 <= lane.wave.x.min() and lane.wave.x.max() <= last + 0.01
    _, y = lane.pitch.getData()
    assert np.isfinite(y).sum() > 50  # the faint pitch curve in the pitch lane
    assert settle(window)  # the guided line's new render is in: both mixdowns below hear the same voices
    voices, rate = window.mixdown()
    window.guide_actions.solo_action.setChecked(True)
    alone, _ = window.mixdown()
    assert np.abs(alone).max() > 0.1 and not np.allclose(alone[:len(voices)], voices)
    window.guide_actions.solo_action.setChecked(False)
    window.guide_actions.mute_action.setChecked(True)
    muted, _ = window.mixdown()
    assert not np.allclose(muted, voices)  # unmuted, the guide played under the voices
    doc.undo_stack.undo()
    assert _fields(seg) == before
