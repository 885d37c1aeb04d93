"""The anonymity meter on the embedded voice (real speech), and in a Coqui model's speaker space."""

import numpy as np
import pytest

from studio.engine.privacy import anonymity
from studio.engine.voices.embedded.voice import EmbeddedVoice


@pytest.fixture(scope="module")
def render():
    return anonymity.mix_renderer(EmbeddedVoice(), "The north wind and the sun were disputing.")


def test_a_single_voice_is_close_to_itself_and_far_from_the_other(render):
    close = {c.speaker: c.acoustic for c in anonymity.measure(render, (("en-us", 1.0), ("en-us+f2", 1e-6)))}
    assert close["en-us"] > 0.8 and close["en-us+f2"] < 0.2


def test_moving_weight_moves_closeness(render):
    a = {c.speaker: c.acoustic for c in anonymity.measure(render, (("en", 0.8), ("en+f3", 0.2)))}
    b = {c.speaker: c.acoustic for c in anonymity.measure(render, (("en", 0.2), ("en+f3", 0.8)))}
    assert a["en"] > b["en"] and b["en+f3"] > a["en+f3"]


def test_the_helper_proposes_weights_that_measure_below_the_threshold(render):
    found = anonymity.propose(render, (("en-us", 0.15), ("en-gb-scotland+m7", 0.15), ("en+f3", 0.7)), 0.5,
                              tries=8)
    assert found is not None
    weights, closeness = found
    assert sum(weights.values()) == pytest.approx(1.0) and all(w > 0 for w in weights.values())
    assert all(c.acoustic < 0.5 for c in closeness)  # measured on a render of the proposal, not predicted


def test_relative_closeness_is_one_at_a_source_and_zero_as_far_as_the_others():
    prints = {"a": np.zeros(3), "b": np.array([1.0, 0, 0])}
    assert anonymity.relative_closeness(prints["a"], prints) == {"a": 1.0, "b": 0.0}
    assert anonymity.relative_closeness(np.array([0.5, 0, 0]), prints) == {"a": 0.5, "b": 0.5}


def test_embedding_space_similarity_on_a_multi_speaker_model(tiny_models):
    from studio.engine.voices import coqui

    model = coqui.load(str(tiny_models["fastspeech2"])).model
    sims = anonymity.embedding_similarity(model, (("ada", 0.5), ("ben", 0.5)))
    alone = anonymity.embedding_similarity(model, (("ada", 1.0),))
    assert alone["ada"] == pytest.approx(1.0)
    assert all(-1 <= v < 0.999 for v in sims.values())
