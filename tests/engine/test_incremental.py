"""Sub-segment re-synthesis: only the edited window is vocoded; the rest is the previous audio, sample for sample."""

import numpy as np
import pytest

from studio.core.model import SpeakerMix, VoiceRef
from studio.engine.voices import coqui
from studio.engine.voices.coqui.incremental import CROSSFADE, receptive_field_frames
from tests.helpers import make_request

TEXT = "Hello world, this is a test of windowed rendering in a longer sentence with many words in it."


@pytest.fixture(scope="module")
def backbone(tiny_models):
    return coqui.load(str(tiny_models["fastpitch"]))


def request(backbone, words, edits, windowed):
    return make_request(backbone, TEXT, words, edits=edits, options=(("windowed", "1"),) if windowed else ())


def test_receptive_field_follows_the_vocoder_config():
    class Config:
        generator_model_params = {"upsample_factors": [8, 8, 2, 2], "upsample_kernel_sizes": [16, 16, 4, 4],
                                  "resblock_kernel_sizes": [3, 7, 11],
                                  "resblock_dilation_sizes": [[1, 3, 5]] * 3, "resblock_type": "1"}
    v1 = receptive_field_frames(Config)
    Config.generator_model_params = dict(Config.generator_model_params, resblock_kernel_sizes=[3],
                                         resblock_dilation_sizes=[[1, 3, 5]], resblock_type="2")
    small = receptive_field_frames(Config)
    assert v1 == 15 and small < v1


@pytest.mark.parametrize("edits", [{10: {"pitch_st": 4.0}}, {10: {"duration_scale": 2.0}},
                                   {12: {"pitch_st": -3.0}, 13: {"duration_scale": 0.5}}])
def test_outside_the_window_is_the_cached_audio_and_inside_matches_a_full_render(backbone, edits):
    words = backbone.analyze(TEXT, VoiceRef(), SpeakerMix())
    before = backbone.render(request(backbone, words, {}, True))
    windowed = backbone.render(request(backbone, words, edits, True))
    full = backbone.render(request(backbone, words, edits, False))
    assert len(windowed.audio) == len(full.audio) and windowed.boundaries == full.boundaries
    # The window: the edited phonemes' samples, widened by the crossfade margin.
    first, last = min(edits), max(edits)
    b0, b1 = before.boundaries, windowed.boundaries
    hop = 256
    margin = (CROSSFADE // hop + 1) * hop
    head = b1[first] - margin
    assert np.array_equal(windowed.audio[:head], before.audio[:head])
    shift = b1[last + 1] - b0[last + 1]
    tail_new = b1[last + 1] + margin
    assert np.array_equal(windowed.audio[tail_new:], before.audio[tail_new - shift:])
    inside = slice(b1[first], b1[last + 1])
    peak = np.abs(full.audio).max()
    assert np.abs(windowed.audio[inside] - full.audio[inside]).max() < 0.02 * peak


def test_windowed_and_exact_renders_are_cached_apart(backbone):
    words = backbone.analyze(TEXT, VoiceRef(), SpeakerMix())
    assert request(backbone, words, {}, True).key() != request(backbone, words, {}, False).key()
