"""Guest voices: a Joe track's mix can bring in the cast's other voices (Hibari, designed voices), morphed in."""

import numpy as np
import pytest

from studio.core.model import Project, Segment, SpeakerMix, Track, new_id
from studio.engine.voices.backbone import request_for
from studio.engine.render.pipeline import is_morph, render_request
from studio.engine.voices.registry import NEURAL, VoiceRegistry

TEXT = "The birch canoe slid on the smooth planks."


@pytest.fixture
def wired(neural, monkeypatch):
    """The session's loaded Joe, wired to a registry as VoiceRegistry.backbone wires a voice it loads."""
    registry = VoiceRegistry()
    registry._backbones[(NEURAL.backbone, NEURAL.model)] = neural
    monkeypatch.setattr(neural.guests, "source", registry.speaker_source)
    monkeypatch.setattr(neural.guests, "names", registry.design_names)
    return registry, neural


def _request(backbone, mix):
    track = Track(new_id(), "T", NEURAL, SpeakerMix.of(mix))
    project = Project(tracks=[track])
    project.segments.append(Segment(new_id(), TEXT, track.id, backbone.analyze(TEXT, NEURAL, track.mix)))
    return request_for(project, project.segments[0], backbone)


def test_a_joe_track_offers_the_cast_but_not_itself(wired):
    _, joe = wired
    ids = [s.id for s in joe.capabilities().speakers]
    assert ids[0] == NEURAL.model
    assert {"Hibari", "Mara", "Theo"} <= set(ids) and "Joe" not in ids  # "Joe" is this very voice
    assert "en-us+f2" in ids  # the embedded voices stay


@pytest.mark.parametrize("guest", ["Mara", "Hibari"])
def test_a_joe_track_mixes_a_cast_voice_on_its_own_timing(wired, guest):
    _, joe = wired
    request = _request(joe, {NEURAL.model: 0.5, guest: 0.5})
    assert is_morph(joe, request)
    mixed = render_request(joe, request)
    plain = render_request(joe, _request(joe, {NEURAL.model: 1.0}))
    assert np.isfinite(mixed.audio).all() and len(mixed.boundaries) == len(plain.boundaries)
    # On Joe's timing: the same phoneme boundaries (to a WORLD frame) as Joe alone.
    assert max(abs(a - b) for a, b in zip(mixed.boundaries, plain.boundaries)) <= 256
    assert not np.allclose(mixed.audio[:len(plain.audio)], plain.audio[:len(mixed.audio)], atol=1e-3)


def test_a_mixed_in_guests_version_is_in_the_cache_key(wired):
    registry, joe = wired
    from studio.core.design import Design

    registry.use_designs({"Tess": Design("en_US-joe-medium", 1.2, 1.6, 0.0, "Tess")})
    before = _request(joe, {NEURAL.model: 0.5, "Tess": 0.5}).key()
    registry.use_designs({"Tess": Design("en_US-joe-medium", 1.3, 1.6, 0.0, "Tess")})
    assert _request(joe, {NEURAL.model: 0.5, "Tess": 0.5}).key() != before
    assert dict(_request(joe, {NEURAL.model: 1.0}).options) == {}  # no guests, no option


def test_an_unknown_guest_is_one_sentence(wired):
    _, joe = wired
    with pytest.raises(ValueError, match="cannot be mixed") as err:
        joe.guests.render(TEXT, "Nobody")
    assert "\n" not in str(err.value)
