"""The hibari voice (hibari-tts): its graph cut in three gives hibari's own samples, every written word keeps its
phonemes, and duration, pitch and energy edits are measured on real renders (pyin and RMS)."""

import numpy as np
import pytest

pytest.importorskip("hibari", reason="hibari-tts is not installed (it is a dependency in pyproject.toml)")

from studio.core.model import SpeakerMix  # noqa: E402
from studio.core.words import words_of  # noqa: E402
from studio.engine.render.pipeline import render_request  # noqa: E402
from studio.engine.voices.registry import HIBARI, VoiceRegistry, parse_voice  # noqa: E402
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


@pytest.mark.parametrize("edit", [{"pitch_st": 3.0}, {"duration_scale": 1.5}])
def test_a_native_edit_changes_nothing_outside_its_word(hibari, garden, edit):
    """The model re-makes the whole line for an edit, but the rest of the line is the unedited render's: within
    0.1 dB log-mel, and sample for sample past the splice's margin and crossfade."""
    from studio.engine.edits.splice import CROSSFADE_MS, MARGIN_MS
    from studio.engine.guide.transparency import measure

    text, words, starts, base = garden
    wi = 3  # water
    edited = render(hibari, text, words, {i: edit for i in range(starts[wi], starts[wi + 1])})
    a, b = base.boundaries[starts[wi]], base.boundaries[starts[wi + 1]]
    ea, eb = edited.boundaries[starts[wi]], edited.boundaries[starts[wi + 1]]
    m = measure(base.audio, edited.audio, base.sample_rate, (a, b), (ea, eb))
    assert m.logmel_out_db <= 0.1, m
    keep = int((MARGIN_MS + CROSSFADE_MS) / 1000 * base.sample_rate)
    assert np.array_equal(edited.audio[:a - keep], base.audio[:a - keep])
    tail = len(base.audio) - (b + keep)
    assert np.array_equal(edited.audio[eb + keep:eb + keep + tail], base.audio[b + keep:])


def test_six_decibels_on_a_word(hibari, garden):
    text, words, starts, base = garden
    wi = 3  # water
    louder = render(hibari, text, words, {i: {"energy_db": 6.0} for i in range(starts[wi], starts[wi + 1])})
    sr = base.sample_rate
    a, b = base.boundaries[starts[wi]] / sr + 0.01, base.boundaries[starts[wi + 1]] / sr - 0.01
    assert 20 * np.log10(rms(louder.audio, sr, a, b) / rms(base.audio, sr, a, b)) == pytest.approx(6.0, abs=1.5)


def test_a_missing_package_is_one_sentence_naming_pip(monkeypatch):
    from studio.engine.voices import hibari as module
    from studio.engine.errors import ModelError

    monkeypatch.setattr(module, "_loaded", None)
    monkeypatch.setattr(module, "installed_version", lambda: None)
    with pytest.raises(ModelError, match=r"pip install hibari-tts==0\.2\.1") as caught:
        module.load()
    assert str(caught.value).count(". ") == 0 and str(caught.value).endswith(".")


def test_a_mix_with_an_embedded_voice_is_morphed_on_hibaris_timing(hibari, garden):
    text, words, _, _ = garden
    request = make_request(hibari, text, words, ((HIBARI.model, 0.6), ("en-us+f2", 0.4)))
    mixed = render_request(hibari, request)
    assert mixed.sample_rate == 24000 and len(mixed.boundaries) == sum(len(w.phonemes) for w in words) + 1
    assert np.isfinite(mixed.audio).all() and np.abs(mixed.audio).max() > 0.05


def _studio(*args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "studio.cli", *args], capture_output=True, text=True, timeout=120)


def test_studio_voices_lists_hibari_with_its_licence():
    result = _studio("voices")
    assert result.returncode == 0, result.stderr
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("hibari-af-heart"))
    assert "ready" in line and "Apache-2.0; trained on audio generated by Kokoro-82M (af_heart)" in line
    assert "non-commercial" not in line


def test_studio_say_with_hibari(tmp_path):
    import soundfile as sf

    result = _studio("say", "The weather is lovely today.", "--voice", "hibari", "-o", str(tmp_path / "a.wav"))
    assert result.returncode == 0, result.stderr
    audio, sr = sf.read(tmp_path / "a.wav", dtype="float32")
    assert sr == 24000 and 1.0 < len(audio) / sr < 4.0 and np.abs(audio).max() > 0.1


@pytest.mark.parametrize("text, says", [("", "no text"), ("...", "hibari found nothing"), ("♪ ♪", "hibari found nothing"),
                                        ("🙂", "hibari found nothing")])
def test_studio_say_refuses_what_hibari_cannot_say_in_one_sentence(tmp_path, text, says):
    result = _studio("say", text, "--voice", "hibari", "-o", str(tmp_path / "a.wav"))
    assert result.returncode == 2 and not (tmp_path / "a.wav").exists()
    message = result.stderr.strip()
    assert message.startswith("studio: ") and "\n" not in message and "Traceback" not in message, message
    assert says in message


def test_a_voice_designed_from_hibari_renders_with_its_pitch_and_hibaris_timing(hibari, garden):
    """Designs are not only Joe's: an inline design of hibari lowers its pitch by the factor asked for, keeps its
    phoneme boundaries, and analyses with the predictions scaled."""
    from studio.engine.edits.pitch import track

    text, words, _, plain = garden
    registry = VoiceRegistry()
    ref, mix = parse_voice("design:hibari-af-heart,timbre=0.9,pitch=0.75")
    designed = registry.backbone(ref)
    designed_words = designed.analyze(text, ref, mix)
    assert [p.symbol for w in designed_words for p in w.phonemes] == [p.symbol for w in words for p in w.phonemes]
    voiced = [(a.pitch, b.pitch) for wa, wb in zip(designed_words, words) for a, b in zip(wa.phonemes, wb.phonemes)
              if a.pitch > 0 and b.pitch > 0]
    assert voiced and all(a == pytest.approx(0.75 * b, abs=0.02) for a, b in voiced)
    request = make_request(designed, text, designed_words, mix.weights, 0, None)
    out = render_request(designed, request)
    assert out.boundaries == plain.boundaries and len(out.audio) == len(plain.audio)

    def median_f0(audio):
        f0 = track(audio, out.sample_rate)
        return float(np.median(f0[f0 > 0]))

    assert median_f0(out.audio) / median_f0(plain.audio) == pytest.approx(0.75, rel=0.08)
