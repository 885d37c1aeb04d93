"""The hibari voice (hibari-tts): its graph cut in three gives hibari's own samples, every written word keeps its
phonemes, and duration, pitch and energy edits are measured on real renders (pyin and RMS)."""

import numpy as np
import pytest

pytest.importorskip("hibari", reason="hibari-tts is not installed (it is a dependency in pyproject.toml)")

from studio.core.model import SpeakerMix  # noqa: E402
from studio.core.words import words_of  # noqa: E402
from studio.engine.render import render_request  # noqa: E402
from studio.engine.voices import HIBARI, VoiceRegistry, parse_voice  # noqa: E402
from tests.helpers import make_request  # noqa: E402
from tests.measure import rms, word_shifts  # noqa: E402

SENTENCES = ["Please remember to water the garden every morning.",
             "I paid $20.50 on 3/4/2021, didn't I?",
             "Dr. Smith's boat drifted slowly toward the harbour at dawn."]


@pytest.fixture(scope="module")
def hibari():
    return VoiceRegistry().backbone(HIBARI)


@pytest.fixture(scope="module")
def garden(hibari):
    """(text, words, word start indices, unedited render) of the first sentence."""
    text = SENTENCES[0]
    words = hibari.analyze(text, HIBARI, SpeakerMix())
    starts = np.cumsum([0] + [len(w.phonemes) for w in words])
    return text, words, starts, render(hibari, text, words)


def render(backbone, text, words, edits=None, seed=0):
    return render_request(backbone, make_request(backbone, text, words, (), seed, edits))


def test_the_names_resolve_to_hibari():
    assert parse_voice("hibari") == parse_voice("hibari-af-heart") == (HIBARI, SpeakerMix())


def test_the_three_pieces_give_hibaris_own_samples(hibari):
    phonemes = hibari.tts.phonemize(SENTENCES[2])[0]
    ids = hibari.tts.ids(phonemes)
    units = hibari.graph.durations(ids)
    f0, energy = hibari.graph.prosody(ids, units)
    ours = hibari.graph.audio(ids, units, f0, energy, seed=3)
    assert np.array_equal(ours, hibari.tts.from_phonemes(phonemes, seed=3))


@pytest.mark.parametrize("text", SENTENCES)
def test_every_written_word_keeps_a_phoneme_in_order(hibari, text):
    words = hibari.analyze(text, HIBARI, SpeakerMix())
    assert [w.text for w in words if w.text] == words_of(text)
    assert all(w.phonemes for w in words)
    assert all(p.duration > 0 for w in words for p in w.phonemes)
    voiced = [p.pitch for w in words for p in w.phonemes if p.pitch > 0]
    assert 120 < np.median(voiced) < 350  # a female speaking voice, from the model's own F0


def test_boundaries_are_monotone_and_end_with_the_audio(hibari, garden):
    text, words, _, base = garden
    b = np.asarray(base.boundaries)
    assert len(b) == sum(len(w.phonemes) for w in words) + 1
    assert b[0] == 0 and np.all(np.diff(b) > 0) and b[-1] == len(base.audio)
    assert base.sample_rate == 24000


def test_same_request_same_samples_and_the_seed_matters(hibari, garden):
    text, words, _, base = garden
    assert np.array_equal(render(hibari, text, words).audio, base.audio)
    assert not np.array_equal(render(hibari, text, words, seed=1).audio, base.audio)


def test_a_duration_edit_lengthens_that_word_only(hibari, garden):
    text, words, starts, base = garden
    wi = 5  # garden
    longer = render(hibari, text, words, {i: {"duration_scale": 1.5} for i in range(starts[wi], starts[wi + 1])})
    span = lambda r, w: r.boundaries[starts[w + 1]] - r.boundaries[starts[w]]  # noqa: E731
    assert span(longer, wi) / span(base, wi) == pytest.approx(1.5, abs=0.1)
    assert all(span(longer, w) == span(base, w) for w in range(len(words)) if w != wi)
    assert len(longer.audio) - len(base.audio) == pytest.approx(0.5 * span(base, wi), abs=600)


def test_a_pitch_edit_raises_that_word_and_leaves_the_others(hibari, garden):
    text, words, starts, base = garden
    for wi in (1, 5):  # remember, garden
        edited = render(hibari, text, words, {i: {"pitch_st": 3.0} for i in range(starts[wi], starts[wi + 1])})
        assert edited.boundaries == base.boundaries
        shifts = word_shifts(words, base, edited, base.sample_rate)
        assert 2.5 <= shifts[wi] <= 3.5, (words[wi].text, shifts)
        assert all(abs(v) < 0.5 for i, v in shifts.items() if i != wi), shifts


def test_six_decibels_on_a_word(hibari, garden):
    text, words, starts, base = garden
    wi = 3  # water
    louder = render(hibari, text, words, {i: {"energy_db": 6.0} for i in range(starts[wi], starts[wi + 1])})
    sr = base.sample_rate
    a, b = base.boundaries[starts[wi]] / sr + 0.01, base.boundaries[starts[wi + 1]] / sr - 0.01
    assert 20 * np.log10(rms(louder.audio, sr, a, b) / rms(base.audio, sr, a, b)) == pytest.approx(6.0, abs=1.5)
