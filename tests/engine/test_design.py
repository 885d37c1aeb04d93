"""The design stage on the real neural voice: what it changes, what it keeps, and what it re-renders."""

import numpy as np
import pytest

from studio.core.design import Design
from studio.core.model import SpeakerMix
from studio.engine.voices import design as stage
from studio.engine.voices.backbone import PhonemeSpec, RenderRequest, WordSpec
from studio.engine.voices.design import DesignBackbone
from studio.engine.edits.pitch import track
from studio.engine.render.pipeline import render_request
from studio.engine.voices.registry import NEURAL

TEXT = "A rod is used to catch pink salmon."


def _centroid(audio, rate):
    spec = np.abs(np.fft.rfft(audio * np.hanning(len(audio))))
    freqs = np.fft.rfftfreq(len(audio), 1 / rate)
    return float((spec * freqs).sum() / spec.sum())


def _median_f0(audio, rate):
    f0 = track(audio, rate)
    return float(np.median(f0[f0 > 0]))


@pytest.fixture(scope="module")
def joe(neural):
    r = neural.render_speaker(TEXT, neural.own_speakers()[0])
    return r.audio, r.sample_rate


def test_pitch_scales_f0_and_timbre_moves_the_spectrum(joe):
    audio, rate = joe
    higher = stage.apply(audio, rate, Design("en_US-joe-medium", pitch=1.5))
    assert _median_f0(higher, rate) / _median_f0(audio, rate) == pytest.approx(1.5, rel=0.08)
    bright = stage.apply(audio, rate, Design("en_US-joe-medium", timbre=1.25))
    dark = stage.apply(audio, rate, Design("en_US-joe-medium", timbre=0.85))
    assert _centroid(dark, rate) < _centroid(audio, rate) < _centroid(bright, rate)
    assert _median_f0(bright, rate) == pytest.approx(_median_f0(audio, rate), rel=0.08)  # timbre alone keeps F0
    assert len(higher) == len(bright) == len(audio)


def _request(backbone, text=TEXT):
    words = backbone.analyze(text, NEURAL, SpeakerMix())
    return RenderRequest("design", backbone.spec, backbone.version, text, tuple(
        WordSpec(w.text, tuple(PhonemeSpec(p.symbol, p.duration, p.pitch, p.energy) for p in w.phonemes))
        for w in words), ((backbone.spec, 1.0),), sample_rate=22050)


def test_designed_render_is_cached_and_timbre_reruns_only_the_stage(neural, monkeypatch):
    runs = []
    original = neural._run
    monkeypatch.setattr(neural, "_run", lambda *a, **k: runs.append(a[0]) or original(*a, **k))
    text = "Smoky fires lack flame and heat."
    a = DesignBackbone(Design("en_US-joe-medium", 1.1, 1.3), neural, NEURAL)
    b = DesignBackbone(Design("en_US-joe-medium", 1.2, 1.3), neural, NEURAL)
    req_a, req_b = _request(a, text), _request(b, text)
    runs.clear()  # analysis ran the model; count renders from here
    first = render_request(a, req_a)
    assert len(runs) == 1
    assert render_request(a, req_a).audio is first.audio  # the designed render itself is cached
    second = render_request(b, req_b)
    assert len(runs) == 1, "changing only the timbre must not render the base voice again"
    assert req_a.key() != req_b.key()
    assert not np.array_equal(first.audio, second.audio)
    base = neural.render(a.base_request(req_a))
    assert first.boundaries == second.boundaries == base.boundaries  # the stage moves no phoneme


def test_analysis_scales_the_predicted_pitch(neural):
    d = DesignBackbone(Design("en_US-joe-medium", 1.0, 2.0), neural, NEURAL)
    plain = [p.pitch for w in neural.analyze(TEXT, NEURAL, SpeakerMix()) for p in w.phonemes]
    designed = [p.pitch for w in d.analyze(TEXT, NEURAL, SpeakerMix()) for p in w.phonemes]
    assert designed == pytest.approx([2 * p for p in plain], abs=0.02)


def test_a_mix_of_joe_and_a_designed_voice_renders_and_is_measured(neural):
    from studio.engine.privacy import anonymity
    from studio.engine.voices.registry import VoiceRegistry

    registry = VoiceRegistry()
    registry._backbones[(NEURAL.backbone, NEURAL.model)] = neural
    registry.use_designs({"Tess": Design("en_US-joe-medium", 1.2, 1.6, 0.0, "Tess")})
    from studio.core.model import VoiceRef

    tess = registry.backbone(VoiceRef("design", "Tess"))
    mix = (("Tess", 0.5), (NEURAL.model, 0.5))
    assert tess.needs_morph(mix) and not tess.needs_morph((("Tess", 1.0),))
    render = anonymity.mix_renderer(tess, "Help the woman get back to her feet.")
    audio, rate = render(mix)
    assert rate == 22050 and len(audio) > rate and np.isfinite(audio).all()
    close = {c.speaker: c.verifier for c in anonymity.measure(render, mix, verifier=True)}
    assert set(close) == {"Tess", NEURAL.model} and all(0 < v < 1 for v in close.values())


def test_a_mixed_in_design_replaced_under_its_name_changes_the_cache_key(neural):
    """A library design edited under the same name must not leave its mixes playing stale cached audio."""
    from studio.core.model import Project, Segment, Track, VoiceRef, new_id
    from studio.engine.voices.backbone import request_for
    from studio.engine.voices.registry import VoiceRegistry

    registry = VoiceRegistry()
    registry._backbones[(NEURAL.backbone, NEURAL.model)] = neural
    registry.use_designs({"Tess": Design("en_US-joe-medium", 1.2, 1.6, 0.0, "Tess"),
                          "Ula": Design("en_US-joe-medium", 1.1, 1.2, 0.0, "Ula")})
    tess = registry.backbone(VoiceRef("design", "Tess"))
    track = Track(new_id(), "T", VoiceRef("design", "Tess"), SpeakerMix.of({"Tess": 0.5, "Ula": 0.5}))
    project = Project(tracks=[track])
    project.segments.append(Segment(new_id(), TEXT, track.id, tess.analyze(TEXT, track.voice, track.mix)))
    before = request_for(project, project.segments[0], tess).key()
    registry.use_designs({"Tess": Design("en_US-joe-medium", 1.2, 1.6, 0.0, "Tess"),
                          "Ula": Design("en_US-joe-medium", 1.3, 1.2, 0.0, "Ula")})  # Ula replaced
    tess = registry.backbone(VoiceRef("design", "Tess"))
    assert request_for(project, project.segments[0], tess).key() != before


def test_a_designed_voice_lists_each_mixable_voice_once(neural):
    """The mixer gives one slider per speaker: the design, its base voice, the other cast voices, the embedded."""
    from studio.core.model import VoiceRef
    from studio.engine.voices.registry import VoiceRegistry

    registry = VoiceRegistry()
    registry._backbones[(NEURAL.backbone, NEURAL.model)] = neural
    ids = [s.id for s in registry.backbone(VoiceRef("design", "Mara")).capabilities().speakers]
    assert len(ids) == len(set(ids)), ids
    assert ids[:2] == ["Mara", NEURAL.model] and {"Hibari", "Theo", "en-us+f2"} <= set(ids)
    assert "Joe" not in ids  # the base voice under its cast name is the base speaker already


def test_an_edit_re_runs_the_stage_only_around_its_word(neural):
    """A duration edit (native on Joe, rendered in a window) goes through the design's WORLD stage only around
    the word: the rest of the line keeps the designed render's samples, and the word sounds as the whole-line
    stage would make it."""
    from studio.engine.guide.transparency import measure

    text = "The lantern flickered while the sailors mended their torn nets."
    d = DesignBackbone(Design("en_US-joe-medium", 1.2, 1.4), neural, NEURAL)
    req = _request(d, text)
    first = render_request(d, req)
    starts = np.cumsum([0] + [len(w.phonemes) for w in req.words])
    wi = 5  # sailors
    words = list(req.words)
    words[wi] = WordSpec(words[wi].text, tuple(PhonemeSpec(p.symbol, p.duration, p.pitch, p.energy,
                                                           duration_scale=1.5) for p in words[wi].phonemes))
    from dataclasses import replace

    edited = render_request(d, replace(req, words=tuple(words)))
    a, b = first.boundaries[starts[wi]], first.boundaries[starts[wi + 1]]
    ea, eb = edited.boundaries[starts[wi]], edited.boundaries[starts[wi + 1]]
    assert (eb - ea) / (b - a) == pytest.approx(1.5, abs=0.15)
    # Where the base voice's own render changed (Joe re-renders a window around the word), plus half the
    # stage's context: outside that, the designed samples are the earlier render's.
    base1 = neural.render(d.base_request(req)).audio
    base2 = neural.render(d.base_request(replace(req, words=tuple(words)))).audio
    k = min(len(base1), len(base2))
    p = int(np.flatnonzero(base1[:k] != base2[:k])[0])
    q = int(np.flatnonzero(base1[::-1][:k] != base2[::-1][:k])[0])
    keep = int(stage.CONTEXT_S / 2 * first.sample_rate)
    assert p - keep > 0.2 * first.sample_rate and q - keep > 0.2 * first.sample_rate  # a real test of both ends
    assert np.array_equal(edited.audio[:p - keep], first.audio[:p - keep])
    assert np.array_equal(edited.audio[len(edited.audio) - q + keep:], first.audio[len(first.audio) - q + keep:])
    assert not np.array_equal(edited.audio[:len(first.audio)], first.audio[:len(edited.audio)])
    # The word itself: close to what the whole-line stage makes of the same base render. That stage re-tracks
    # the whole edited line in a range fitted anew, so even its unedited words move about 0.7 dB from the
    # earlier render; the word is allowed twice that.
    whole = stage.apply(neural.render(d.base_request(replace(req, words=tuple(words)))).audio,
                        edited.sample_rate, d.design)
    whole = whole * np.sqrt(np.mean(edited.audio.astype(float) ** 2) / np.mean(whole.astype(float) ** 2))
    m = measure(whole, edited.audio, edited.sample_rate, (ea, eb))
    assert m.flips <= 0.05 and abs(m.f0_change_st) <= 0.1 and m.logmel_in_db <= 2.0, m
