"""The embedded voice's analysis: real espeak-ng phoneme timing, IPA symbols, measured pitch and energy."""

import numpy as np
import pytest

from studio.core.model import PAUSE, SpeakerMix
from studio.engine.voices.embedded.voice import SPEAKERS, EmbeddedVoice, align


@pytest.fixture(scope="module")
def voice():
    return EmbeddedVoice()


def test_words_phonemes_and_ipa(voice):
    words = voice.analyze("The quick brown fox jumps over the lazy dog.")
    assert [w.text for w in words] == ["The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"]
    assert "".join(p.symbol for p in words[1].phonemes) == "kwɪk"
    assert "".join(p.symbol for p in words[0].phonemes) == "ðə"  # IPA, not espeak's ASCII phoneme names


def test_spans_tile_the_speech_and_match_espeak_events(voice):
    text = "Hello there, in 1999 we met."
    synth = voice.synthesize(text, SPEAKERS[0].id)
    aligned = align(text, synth)
    spans = [span for _, phones in aligned for _, span in phones]
    assert all(b.start == a.end for a, b in zip(spans, spans[1:]))  # contiguous, no gaps or overlaps
    assert spans[-1].end <= len(synth.audio)
    assert any(word == "" and phones[0][0] == PAUSE for word, phones in aligned)  # the comma's pause
    assert [w for w, _ in aligned if w] == ["Hello", "there", "in", "1999", "we", "met"]
    # Every phoneme event espeak raised is the start of one of our spans (word-initial ones start earlier).
    starts = {s.start for s in spans}
    firsts = {phones[0][1].start for _, phones in aligned}
    for ev in synth.phonemes:
        if ev.ipa and ev.sample < spans[-1].end:
            assert ev.sample in starts or any(f <= ev.sample for f in firsts)


def test_predicted_pitch_and_energy_are_measured(voice):
    words = voice.analyze("Mary was a very lovely lady.")
    vowels = [p for w in words for p in w.phonemes if p.symbol in ("ɛ", "ʌ", "ɪ", "eɪ", "iː", "i", "ə")]
    assert vowels and all(70 < p.pitch < 200 for p in vowels)  # a male espeak voice
    female = voice.analyze("Mary was a very lovely lady.", mix=SpeakerMix.single("en-us+f2"))
    f_vowels = [p for w in female for p in w.phonemes if p.pitch > 0]
    assert np.median([p.pitch for p in f_vowels]) > 1.5 * np.median([p.pitch for p in vowels])
    assert all(-60 < p.energy < 0 for w in words for p in w.phonemes)


def test_analysis_is_deterministic(voice):
    a = voice.analyze("Same text, same answer.")
    b = EmbeddedVoice().analyze("Same text, same answer.")
    assert a == b
