"""Coqui backbones on tiny random-weight models loaded from ordinary model folders.

Random weights make noise, so these tests check equality with Coqui's own Synthesizer, shapes, timing and that
edits reach the model's internals; prosody is measured on the embedded voice elsewhere.
"""

import numpy as np
import pytest
import torch

from studio.core.model import SpeakerMix, VoiceRef
from studio.engine.voices import coqui
from studio.engine.voices.coqui.frontend import tokenize
from tests.helpers import make_request

TEXT = "Hello world, this is a test."


def request(backbone, words, mix=(), seed=0, edits=None):
    return make_request(backbone, TEXT, words, mix, seed, edits)


def synthesizer(folder, vocoder=None):
    from TTS.utils.synthesizer import Synthesizer

    kw = {}
    if vocoder is not None:
        kw = {"vocoder_checkpoint": str(vocoder / "model.pth"), "vocoder_config": str(vocoder / "config.json")}
    return Synthesizer(tts_checkpoint=folder / "model.pth", tts_config_path=folder / "config.json", **kw)


PAD = 10000  # Synthesizer.tts appends this many zeros after each sentence


@pytest.mark.parametrize("name, speaker", [("fastpitch", None), ("fastspeech2", "cleo")])
def test_forward_tts_with_no_edits_equals_coqui_synthesizer(tiny_models, name, speaker):
    folder = tiny_models[name]
    backbone = coqui.load(str(folder))
    mix = SpeakerMix.single(speaker) if speaker else SpeakerMix()
    words = backbone.analyze(TEXT, VoiceRef("coqui", str(folder)), mix)
    result = backbone.render(request(backbone, words, mix.weights))
    ours = result.audio
    theirs = np.asarray(synthesizer(folder, tiny_models["hifigan"]).tts(
        TEXT, speaker_name=speaker or "", split_sentences=False), dtype=np.float32)
    assert len(theirs) == len(ours) + PAD
    np.testing.assert_allclose(ours, theirs[:len(ours)], atol=1e-5)
    assert result.notes == ()  # the folder's vocoder/ was found, no Griffin-Lim


def test_vits_with_fixed_noise_equals_coqui_synthesizer(tiny_models):
    folder = tiny_models["vits_multispeaker"]
    backbone = coqui.load(str(folder))
    mix = SpeakerMix.single("ben")
    words = backbone.analyze(TEXT, VoiceRef("coqui", str(folder)), mix)
    result = backbone.render(request(backbone, words, mix.weights, seed=11))
    synth = synthesizer(folder)  # built before seeding: building a model draws random numbers too
    torch.manual_seed(11)
    theirs = np.asarray(synth.tts(TEXT, speaker_name="ben", split_sentences=False), dtype=np.float32)
    assert len(theirs) == len(result.audio) + PAD
    np.testing.assert_allclose(result.audio, theirs[:len(result.audio)], atol=1e-5)
    again = backbone.render(request(backbone, words, mix.weights, seed=11))
    assert np.array_equal(again.audio, result.audio)  # deterministic for a seed
    other = backbone.render(request(backbone, words, mix.weights, seed=12))
    assert not np.array_equal(other.audio, result.audio)


def test_phoneme_boundaries_cover_the_audio(tiny_models):
    backbone = coqui.load(str(tiny_models["fastpitch"]))
    words = backbone.analyze(TEXT, VoiceRef(), SpeakerMix())
    result = backbone.render(request(backbone, words))
    b = result.boundaries
    assert len(b) == sum(len(w.phonemes) for w in words) + 1
    assert all(x < y for x, y in zip(b, b[1:]))
    # HiFiGAN pads 5 frames on each side; the phonemes sit between the pads.
    assert b[0] == 5 * 256 and len(result.audio) - b[-1] == 5 * 256
    durations = np.diff(b) / result.sample_rate
    np.testing.assert_allclose(durations, [p.duration for w in words for p in w.phonemes], atol=1e-9)


def test_forward_edits_reach_the_decoder_natively(tiny_models):
    backbone = coqui.load(str(tiny_models["fastspeech2"]))
    mix = SpeakerMix.single("ada")
    words = backbone.analyze(TEXT, VoiceRef(), mix)
    backbone.render(request(backbone, words, mix.weights))
    base = backbone.last_decoder_inputs
    groups = [g.tokens for w in backbone.front(TEXT, mix.weights).tokens.words for g in w.phonemes]
    edited = backbone.render(request(backbone, words, mix.weights,
                                     edits={3: {"pitch_st": 12.0, "energy_db": 6.0, "duration_scale": 2.0}}))
    got = backbone.last_decoder_inputs
    toks = list(groups[3])
    others = [t for t in range(len(base["pitch"])) if t not in toks]
    stats = backbone.stats
    hz = base["pitch"][toks] * stats["pitch_std_hz"] + stats["pitch_mean_hz"]
    np.testing.assert_allclose(got["pitch"][toks] * stats["pitch_std_hz"] + stats["pitch_mean_hz"], 2 * hz, rtol=1e-5)
    np.testing.assert_array_equal(got["pitch"][others], base["pitch"][others])
    assert got["durations"][toks].sum() == 2 * base["durations"][toks].sum()
    np.testing.assert_array_equal(got["durations"][others], base["durations"][others])
    assert not np.allclose(got["energy"][toks], base["energy"][toks])
    assert len(edited.audio) > len(backbone.render(request(backbone, words, mix.weights)).audio)


def test_vits_duration_edit_reaches_the_flow(tiny_models):
    backbone = coqui.load(str(tiny_models["vits_multispeaker"]))
    words = backbone.analyze(TEXT, VoiceRef(), SpeakerMix.single("ada"))
    backbone.render(request(backbone, words, (("ada", 1.0),)))
    base = backbone.last_durations.copy()
    r = backbone.render(request(backbone, words, (("ada", 1.0),), edits={0: {"duration_scale": 3.0}}))
    got = backbone.last_durations
    first = list(tokenize(backbone.model, TEXT).words[0].phonemes[0].tokens)
    assert got[first].sum() == pytest.approx(3 * base[first].sum(), abs=1)
    assert r.boundaries[1] - r.boundaries[0] > 2.5 * (words[0].phonemes[0].duration * r.sample_rate)


def test_speaker_mix_interpolates_embeddings(tiny_models):
    from studio.engine.voices.coqui.frontend import mixed_conditioning

    backbone = coqui.load(str(tiny_models["fastspeech2"]))
    m = backbone.model
    a = mixed_conditioning(m, (("ada", 1.0),), False)
    b = mixed_conditioning(m, (("ben", 1.0),), False)
    ab = mixed_conditioning(m, (("ada", 0.5), ("ben", 0.5)), False)
    torch.testing.assert_close(ab, (a + b) / 2)
    torch.testing.assert_close(a[0, :, 0], m.emb_g.weight[m.speaker_manager.name_to_id["ada"]])


def test_missing_vocoder_falls_back_to_griffin_lim_and_says_so(tiny_models, tmp_path):
    import shutil

    folder = tmp_path / "novocoder"
    shutil.copytree(tiny_models["fastpitch"], folder, symlinks=False, ignore=shutil.ignore_patterns("vocoder"))
    backbone = coqui.load(str(folder))
    assert "Griffin-Lim" in backbone.capabilities().notes
    words = backbone.analyze("Hi.", VoiceRef(), SpeakerMix())
    r = backbone.render(make_request(backbone, "Hi.", words))
    assert any("Griffin-Lim" in n for n in r.notes) and len(r.audio) > 0
