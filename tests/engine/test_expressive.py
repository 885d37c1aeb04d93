"""Expressive controls measured on real speech from the embedded voice, through the Python API."""

import numpy as np
import pytest

from studio.core.commands import SetPhonemes, set_emotion, set_segment_mix
from studio.core.history import History
from studio.core.model import Emotion, SpeakerMix
from studio.core.script import parse_script
from studio.production.importing import build_project
from studio.engine.voices.backbone import request_for
from studio.engine.render.pipeline import render_segment
from studio.engine.voices.registry import VoiceRegistry
from tests.measure import centroid, f0_track, median_f0, rms, semitones

SENTENCE = "The quick brown fox jumps over the lazy dog."


@pytest.fixture
def setup():
    registry = VoiceRegistry()
    project = build_project(parse_script(SENTENCE), registry, speakers=["en-us"])
    return registry, project, project.segments[0], History(project)


def word_spans(segment, result):
    """(text, start s, end s) of each word of a render, from its phoneme boundaries."""
    out, k, b, sr = [], 0, result.boundaries, result.sample_rate
    for w in segment.words:
        n = len(w.phonemes)
        if not w.is_pause:
            out.append((w.text, b[k] / sr, b[k + n] / sr))
        k += n
    return out


def phoneme_indices(segment, word_index):
    start = sum(len(w.phonemes) for w in segment.words[:word_index])
    return list(range(start, start + len(segment.words[word_index].phonemes)))


def test_plus_4_semitones_on_one_word(setup):
    registry, project, seg, history = setup
    base = render_segment(project, seg, registry)
    target = 2  # "brown"
    idx = phoneme_indices(seg, target)
    history.push(SetPhonemes(seg.id, idx, "pitch_st", [4.0] * len(idx)))
    edited = render_segment(project, seg, registry)
    tb, te = f0_track(base.audio, base.sample_rate), f0_track(edited.audio, edited.sample_rate)
    for i, ((name, a0, b0), (_, a1, b1)) in enumerate(zip(word_spans(seg, base), word_spans(seg, edited))):
        change = semitones(median_f0(None, None, a1, b1, te), median_f0(None, None, a0, b0, tb))
        if i == target:
            assert change == pytest.approx(4.0, abs=0.7), name
        else:
            assert abs(change) < 0.5, f"{name} moved {change:.2f} st"


def test_plus_6_db_on_one_word_doubles_its_rms(setup):
    registry, project, seg, history = setup
    base = render_segment(project, seg, registry)
    idx = phoneme_indices(seg, 5)  # "over"
    history.push(SetPhonemes(seg.id, idx, "energy_db", [6.0] * len(idx)))
    edited = render_segment(project, seg, registry)
    (_, a0, b0), (_, a1, b1) = word_spans(seg, base)[5], word_spans(seg, edited)[5]
    ratio = rms(edited.audio, edited.sample_rate, a1, b1) / rms(base.audio, base.sample_rate, a0, b0)
    assert ratio == pytest.approx(2.0, rel=0.15)
    (_, c0, d0), (_, c1, d1) = word_spans(seg, base)[1], word_spans(seg, edited)[1]
    other = rms(edited.audio, edited.sample_rate, c1, d1) / rms(base.audio, base.sample_rate, c0, d0)
    assert other == pytest.approx(1.0, rel=0.15)


def test_duration_x2_on_a_phoneme_doubles_its_span_and_lengthens_the_file_by_it(setup):
    registry, project, seg, history = setup
    base = render_segment(project, seg, registry)
    i = phoneme_indices(seg, 3)[1]  # the vowel of "fox"
    history.push(SetPhonemes(seg.id, [i], "duration_scale", [2.0]))
    edited = render_segment(project, seg, registry)
    frame = 110  # one WORLD frame at 22050 Hz: the resolution of time-scaling
    span0 = base.boundaries[i + 1] - base.boundaries[i]
    span1 = edited.boundaries[i + 1] - edited.boundaries[i]
    assert abs(span1 - 2 * span0) <= frame
    assert abs((len(edited.audio) - len(base.audio)) - span0) <= 2 * frame
    assert abs((edited.boundaries[-1] - base.boundaries[-1]) - span0) <= frame


@pytest.mark.parametrize("emotion, higher, faster", [("happy", True, True), ("sad", False, False)])
def test_happy_is_higher_and_faster_sad_is_lower_and_slower(setup, emotion, higher, faster):
    registry, project, seg, history = setup
    base = render_segment(project, seg, registry)
    history.push(set_emotion(seg.id, Emotion(emotion, 1.0)))
    moved = render_segment(project, seg, registry)
    f_base, f_moved = median_f0(base.audio, base.sample_rate), median_f0(moved.audio, moved.sample_rate)
    speech_base = base.boundaries[-1] - base.boundaries[0]
    speech_moved = moved.boundaries[-1] - moved.boundaries[0]
    assert (f_moved > f_base * 1.03) if higher else (f_moved < f_base / 1.03)
    assert (speech_moved < 0.95 * speech_base) if faster else (speech_moved > 1.05 * speech_base)


def test_emotion_intensity_zero_is_neutral_and_two_exaggerates(setup):
    registry, project, seg, history = setup
    base = render_segment(project, seg, registry)
    history.push(set_emotion(seg.id, Emotion("happy", 0.0)))
    assert np.array_equal(render_segment(project, seg, registry).audio, base.audio)
    history.push(set_emotion(seg.id, Emotion("happy", 1.0)))
    r1 = render_segment(project, seg, registry)
    history.push(set_emotion(seg.id, Emotion("happy", 2.0)))
    r2 = render_segment(project, seg, registry)
    one, two = median_f0(r1.audio, r1.sample_rate), median_f0(r2.audio, r2.sample_rate)
    assert two > one * 1.05


def test_a_50_50_mix_lies_between_the_two_voices(setup):
    registry, project, seg, history = setup
    measures = {}
    for name, mix in (("a", {"en-us": 1}), ("b", {"en-us+f2": 1}), ("ab", {"en-us": 1, "en-us+f2": 1})):
        history.push(set_segment_mix(seg.id, SpeakerMix.of(mix)))
        r = render_segment(project, seg, registry)
        measures[name] = (median_f0(r.audio, r.sample_rate), centroid(r.audio, r.sample_rate))
    for k in (0, 1):
        lo, hi = sorted((measures["a"][k], measures["b"][k]))
        assert lo < measures["ab"][k] < hi


def test_the_same_request_twice_gives_bit_identical_audio(setup):
    registry, project, seg, history = setup
    idx = phoneme_indices(seg, 2)
    history.push(SetPhonemes(seg.id, idx, "pitch_st", [3.0] * len(idx)))
    history.push(set_emotion(seg.id, Emotion("angry", 0.7)))
    history.push(set_segment_mix(seg.id, SpeakerMix.of({"en-us": 2, "en+f3": 1})))
    a = render_segment(project, seg, registry)
    b = render_segment(project, seg, VoiceRegistry())
    assert np.array_equal(a.audio, b.audio) and a.boundaries == b.boundaries


def test_edits_reach_a_forward_model_natively_not_through_dsp(tiny_models):
    """On FastPitch the pitch edit goes into the decoder, and the render is the model's own audio."""
    from studio.core.model import VoiceRef
    registry = VoiceRegistry()
    voice = VoiceRef("coqui", str(tiny_models["fastpitch"]))
    project = build_project(parse_script("Hello there."), registry, voice)
    seg = project.segments[0]
    History(project).push(SetPhonemes(seg.id, [1], "pitch_st", [5.0]))
    backbone = registry.backbone(voice)
    result = render_segment(project, seg, registry)
    direct = backbone.render(request_for(project, seg, backbone))
    assert np.array_equal(result.audio, direct.audio)  # no WORLD pass on top of the native edit


def test_an_emotion_curve_varies_word_by_word(setup):
    from studio.core.commands import SetWordEmotion

    registry, project, seg, history = setup
    base = render_segment(project, seg, registry)
    history.push(set_emotion(seg.id, Emotion("happy", 1.0)))
    n = len(seg.words)
    history.push(SetWordEmotion(seg.id, list(range(n)), [0.0] * (n // 2) + [2.0] * (n - n // 2)))
    curved = render_segment(project, seg, registry)
    tb, tc = f0_track(base.audio, base.sample_rate), f0_track(curved.audio, curved.sample_rate)
    spans_b, spans_c = word_spans(seg, base), word_spans(seg, curved)
    first = [semitones(median_f0(None, None, c[1], c[2], tc), median_f0(None, None, b[1], b[2], tb))
             for b, c in zip(spans_b[:2], spans_c[:2])]
    last = [semitones(median_f0(None, None, c[1], c[2], tc), median_f0(None, None, b[1], b[2], tb))
            for b, c in zip(spans_b[-2:], spans_c[-2:])]
    assert max(abs(x) for x in first) < 1.0  # intensity 0 at the start: (almost) neutral
    assert min(last) > 3.0  # intensity 2 at the end: happy's +3 st, doubled, with its wider range
