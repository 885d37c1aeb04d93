"""ForwardTTS (FastPitch + HiFiGAN) segments rendered in a padded batch equal their single renders."""

import numpy as np
import pytest

from studio.core.model import SpeakerMix, VoiceRef
from studio.engine.voices import coqui
from studio.engine.render.pipeline import native_request, render_many
from tests.helpers import assert_same_analysis, make_request

TEXTS = ["Hi.", "Please remember to water the garden every morning.",
         "The small boat drifted slowly toward the harbour at dawn, and nobody on the quay saw it arrive.",
         "Her brother sold seven paintings last winter."]


@pytest.mark.parametrize("name", ["fastpitch", "fastspeech2"])
def test_a_forward_batch_of_different_lengths_equals_single_renders(name, tiny_models):
    folder = tiny_models[name]
    backbone, voice = coqui.load(str(folder)), VoiceRef("coqui", str(folder))
    assert backbone.vocoder.generator is not None, "the tiny model comes with a HiFiGAN vocoder"
    requests = []
    for i, text in enumerate(TEXTS):
        words = backbone.analyze(text, voice, SpeakerMix())
        edits = {1: {"duration_scale": 1.5}, 3: {"pitch_st": 2.0}} if i == 2 else None
        requests.append(native_request(backbone, make_request(backbone, text, words, (), seed=i, edits=edits)))
    singles = []
    for r in requests:
        backbone._previous.clear()
        singles.append(backbone.render(r))
    assert len({len(s.audio) for s in singles}) == len(TEXTS)  # really different lengths: padding is exercised
    batch = backbone.render_batch(requests)
    for single, got in zip(singles, batch):
        assert got.boundaries == single.boundaries
        assert len(got.audio) == len(single.audio)
        assert np.max(np.abs(got.audio - single.audio)) < 1e-4
    # The batch's results wait for `render`, so the whole pipeline gives the same audio with no second model run.
    backbone._renders.clear()
    many = render_many(backbone, requests, batched=True)
    for single, got in zip(singles, many):
        assert np.max(np.abs(got.audio - single.audio)) < 1e-4
    assert not backbone._renders, "every batched render was taken by its single render"


def test_without_the_masks_padding_would_leak(tiny_models, monkeypatch):
    """The check above can fail: with the decoder's convolutions left unmasked, the padded batch differs."""
    import contextlib

    from studio.engine.voices.coqui import forward_batch

    folder = tiny_models["fastpitch"]
    backbone, voice = coqui.load(str(folder)), VoiceRef("coqui", str(folder))
    requests = [native_request(backbone, make_request(backbone, t, backbone.analyze(t, voice, SpeakerMix()), (),
                                                      seed=0)) for t in TEXTS[:2]]
    short = backbone.render(requests[0])
    monkeypatch.setattr(forward_batch, "masked_convs", lambda module, mask: contextlib.nullcontext())
    leaked = forward_batch.render_batch(backbone, requests)[0]
    assert np.max(np.abs(leaked.audio - short.audio)) > 1e-4


@pytest.mark.parametrize("name,mix", [("fastpitch", ()), ("fastspeech2", (("ben", 0.7), ("cleo", 0.3)))])
def test_encoders_and_predictors_in_a_batch_equal_one_at_a_time(name, mix, tiny_models, monkeypatch):
    """An import's analysis on a GPU (and a batch render) runs the encoder and predictors of many texts at once
    (forward_fronts.py): the same fronts, so the same words, durations, pitch and energy as one at a time."""
    from studio.engine.voices.coqui import forward_fronts

    folder = tiny_models[name]
    backbone, voice = coqui.load(str(folder)), VoiceRef("coqui", str(folder))
    singles = [backbone.front(t, mix) for t in TEXTS]
    want = [backbone.analyze(t, voice, SpeakerMix(mix)) for t in TEXTS]
    backbone._fronts.clear()
    batches = []
    real = forward_fronts._run
    monkeypatch.setattr(forward_fronts, "_run",
                        lambda b, tokens, mix: batches.append(len(tokens)) or real(b, tokens, mix))
    got = backbone.analyze_batch(TEXTS, voice, SpeakerMix(mix))
    assert batches == [len(TEXTS)]  # one padded batch for all four texts, none alone
    for text, single in zip(TEXTS, singles):
        front = backbone.front(text, mix)
        assert np.array_equal(front.frames, single.frames)
        assert front.o_en.shape == single.o_en.shape
        assert float((front.o_en - single.o_en).abs().max()) < 1e-4
        if single.pitch is not None:
            assert float((front.pitch - single.pitch).abs().max()) < 1e-4
    for words, expected in zip(got, want, strict=True):
        assert_same_analysis(words, expected, within=0.02)


def test_the_encoder_convolutions_need_their_mask(tiny_models, monkeypatch):
    """The check above can fail: unmasked, the encoder's convolutions read the padding of a longer text."""
    import contextlib

    from studio.engine.voices.coqui import forward_fronts

    folder = tiny_models["fastpitch"]
    backbone = coqui.load(str(folder))
    single = backbone.front(TEXTS[0], ())
    backbone._fronts.clear()
    monkeypatch.setattr(forward_fronts, "masked_convs", lambda module, mask: contextlib.nullcontext())
    forward_fronts.fill_fronts(backbone, TEXTS[:3], ())
    assert float((backbone.front(TEXTS[0], ()).o_en - single.o_en).abs().max()) > 1e-4
