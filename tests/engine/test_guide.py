"""A real recording (CMU ARCTIC a0007) guides a voice of the cast (Mara, designed from the neural voice): its
timing and intonation reach the output, one undo removes it all, and the trained verifier does not link the output to the
recorded speaker."""

from pathlib import Path

import numpy as np
import pytest

from studio.core.history import History
from studio.engine.guide import plan as guide
from studio.engine.privacy import verifier
from studio.engine.errors import AlignmentError
from studio.engine.guide.alignment import read_recording

ROOT = Path(__file__).resolve().parents[2]
ARCTIC = ROOT / "assets" / "speech" / "arctic_a0007.wav"
TEXT = "And you always want to see it in the superlative degree."
# A neural-quality cast voice, not an espeak mix: the mix of the first version (joe with two embedded voices)
# also passed these tests but was barely intelligible (docs/anonymity.md).
VOICE = "Mara"


@pytest.fixture(scope="session")
def arctic():
    return read_recording(ARCTIC)


@pytest.fixture(scope="session")
def registry(neural):
    from studio.engine.voices.registry import NEURAL, VoiceRegistry

    reg = VoiceRegistry()
    reg._backbones[(NEURAL.backbone, NEURAL.model)] = neural  # share the session's loaded voice
    return reg


def _project(text, registry, voice=VOICE):
    from studio.production.speak import build

    return build(text, voice, registry, [])


@pytest.fixture(scope="module")
def guided(arctic, registry):
    """(project, history, plan, unguided phoneme fields, guided render)."""
    from studio.engine.render.pipeline import render_segment

    project = _project(TEXT, registry)
    seg = project.segments[0]
    before = [(p.duration_scale, p.pitch_st, p.energy_db) for p in seg.phonemes()]
    history = History(project)
    history.push(guide.guide_command(project, [seg.id], *arctic, registry))
    plan = guide.plan_segments([seg], *arctic)[0]
    return project, history, plan, before, render_segment(project, seg, registry)


def test_guided_words_last_as_long_as_the_recorded_words(guided):
    project, _, plan, _, out = guided
    seg = project.segments[0]
    i, checked = 0, 0
    aligned = iter(plan.words)
    for w in seg.words:
        n = len(w.phonemes)
        if w.text:
            a = next(aligned)
            said = (out.boundaries[i + n] - out.boundaries[i]) / out.sample_rate
            assert said == pytest.approx(a.end - a.start, rel=0.2), w.text
            checked += 1
        i += n
    assert checked == 11


def test_guided_pitch_follows_the_recording(guided, arctic):
    _, _, plan, _, out = guided
    g, o = guide.anchors(plan, out.boundaries, out.sample_rate)
    r, frames = guide.f0_correlation(*arctic, g, out.audio, out.sample_rate, o)
    assert frames > 80 and r >= 0.7


def test_the_verifier_does_not_link_the_guided_mix_to_the_recorded_speaker(guided, arctic):
    out = guided[4]
    sim = verifier.similarity(verifier.embed(out.audio, out.sample_rate), verifier.embed(*arctic))
    assert sim < verifier.calibration().threshold


def test_one_undo_removes_the_whole_guide_and_every_point_stays_editable(guided):
    from studio.core.commands import SetPhonemes

    project, history, _, before, _ = guided
    seg = project.segments[0]
    after = [(p.duration_scale, p.pitch_st, p.energy_db) for p in seg.phonemes()]
    assert sum(a != b for a, b in zip(after, before)) > 20
    history.push(SetPhonemes(seg.id, [3], "pitch_st", [5.0]))  # a guided point is an ordinary edit
    assert seg.phonemes()[3].pitch_st == 5.0
    assert history.undo() and [(p.duration_scale, p.pitch_st, p.energy_db) for p in seg.phonemes()] == after
    assert history.undo() and [(p.duration_scale, p.pitch_st, p.energy_db) for p in seg.phonemes()] == before
    history.redo()
    history.redo()


def test_a_word_the_recording_does_not_say_is_named_and_nothing_changes(arctic, registry):
    project = _project("And you always want to hear it in the superlative degree.", registry, None)
    seg = project.segments[0]
    before = [(p.duration_scale, p.pitch_st, p.energy_db) for p in seg.phonemes()]
    with pytest.raises(AlignmentError, match="'hear'") as err:
        guide.plan_segments([seg], *arctic)
    assert str(err.value).count(".") == 1
    assert [(p.duration_scale, p.pitch_st, p.energy_db) for p in seg.phonemes()] == before


def test_arpabet_is_matched_to_espeak_phonemes():
    # one to one, with IH -> ᵻ and the flap for T
    assert guide.match_phones(["D", "IH", "G", "R", "IY"], ["d", "ᵻ", "ɡ", "ɹ", "iː"]) == \
        [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]
    assert guide.match_phones(["IH", "T"], ["ɪ", "ɾ"]) == [(0, 1), (1, 2)]
    # two phones onto one r-coloured vowel or syllabic consonant
    assert guide.match_phones(["K", "AA", "R"], ["k", "ɑːɹ"]) == [(0, 1), (1, 3)]
    assert guide.match_phones(["B", "AA", "T", "AH", "L"], ["b", "ɑː", "ɾ", "əl"]) == [(0, 1), (1, 2), (2, 3), (3, 5)]
    # a different pronunciation is not forced: the word is then guided by its duration only
    assert guide.match_phones(["AO", "L", "W", "IY", "Z"], ["ɔː", "l", "w", "eɪ", "z"]) is None
    assert guide.to_arpabet(["k", "ɑːɹ"]) == ["K", "AA", "R"]


def test_a_file_that_is_not_a_recording_gets_one_sentence(tmp_path):
    bad = tmp_path / "take.wav"
    bad.write_bytes(b"RIFF not really")
    with pytest.raises(AlignmentError) as err:
        read_recording(bad)
    assert "take.wav" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(AlignmentError, match="WAV or FLAC"):
        read_recording(tmp_path / "take.mp3")


def test_equal_error_rate_and_its_threshold():
    eer, t = verifier.equal_error_rate([0.8, 0.9, 0.95, 0.6], [0.1, 0.2, 0.7, 0.3])
    assert eer == pytest.approx(0.25) and 0.6 <= t <= 0.7
    eer, t = verifier.equal_error_rate([0.8, 0.9], [0.1, 0.2])
    assert eer == 0.0 and 0.2 < t <= 0.8


def test_the_trained_encoder_loads_safely_and_separates_speakers(neural):
    from studio.engine.privacy import anonymity

    render = anonymity.mix_renderer(neural, "The birch canoe slid on the smooth planks.")
    other = anonymity.mix_renderer(neural, "Glue the sheet to the dark blue background.")
    joe = verifier.embed(*render((("en_US-joe-medium", 1.0),)))
    joe2 = verifier.embed(*other((("en_US-joe-medium", 1.0),)))
    f2 = verifier.embed(*other((("en-us+f2", 1.0),)))
    assert np.linalg.norm(joe) == pytest.approx(1.0, abs=1e-5)
    t = verifier.calibration().threshold
    assert verifier.similarity(joe, joe2) >= t > verifier.similarity(joe, f2)
