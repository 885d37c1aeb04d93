"""The proof pass on a real recording (CMU ARCTIC, human speech) laid out as if it were a render, and the choice
of takes. The recording stands in for a render: its phoneme boundaries come from the aligner itself."""

from pathlib import Path

import numpy as np
import pytest

from studio.engine.guide import proof as proofing
from studio.engine.guide.alignment import force_align, read_recording, to_pcm16k
from studio.engine.guide.takes import Take, best_take, take_seeds
from studio.engine.voices.backbone import PhonemeSpec, RenderRequest, RenderResult, WordSpec

ROOT = Path(__file__).resolve().parents[2]
ARCTIC = ROOT / "assets" / "speech" / "arctic_a0007.wav"
TEXT = "And you always want to see it in the superlative degree."
LIMITS = {"voices": {"pooled": {"score_floor": -30.0, "short_ratio": 0.4, "long_ratio": 2.5}}, "version": 7}


@pytest.fixture(scope="module")
def line():
    audio, rate = read_recording(ARCTIC)
    words = TEXT.rstrip(".").split()
    aligned = force_align(to_pcm16k(audio, rate), words)
    specs, bounds = [], []
    for w in aligned:
        specs.append(WordSpec(w.text, tuple(PhonemeSpec(p.arpabet, p.end - p.start, 100.0, 1.0) for p in w.phones)))
        bounds.extend(int(p.start * rate) for p in w.phones)
    bounds.append(int(aligned[-1].end * rate))
    request = RenderRequest("test", "arctic", "1", TEXT, tuple(specs), ())
    return request, RenderResult(audio, rate, tuple(bounds)), aligned


def test_every_word_of_a_clean_recording_is_fine(line):
    request, result, _ = line
    found = proofing.proof(request, result, LIMITS)
    assert [w.text for w in found.words] == TEXT.rstrip(".").split()
    assert found.flagged == [], [(w.text, w.verdict, w.score, w.ratio) for w in found.words]


@pytest.mark.parametrize("kind", ["cut", "noise"])
def test_a_word_cut_to_silence_or_noise_is_flagged(line, kind):
    request, result, aligned = line
    target = TEXT.rstrip(".").split().index("superlative")
    a, b = (int(t * result.sample_rate) for t in (aligned[target].start, aligned[target].end))
    audio = result.audio.copy()
    audio[a:b] = 0.0 if kind == "cut" else np.random.default_rng(0).normal(0, 0.05, b - a)
    found = proofing.proof(request, RenderResult(audio, result.sample_rate, result.boundaries), LIMITS)
    assert target in found.flagged, [(w.text, w.verdict, w.score, w.ratio) for w in found.words]


def test_proofs_are_cached_under_the_render_key(line, tmp_path):
    request, result, _ = line
    cache = proofing.ProofCache(tmp_path, LIMITS)
    first = cache.proof(request, result)
    again = proofing.ProofCache(tmp_path, LIMITS)  # a new session reads the file
    assert again.get(request) == first and again.hits == 1
    from dataclasses import replace
    assert again.get(replace(request, seed=1)) is None  # another take is another render
    for path in tmp_path.glob("*/*.json"):
        path.write_text("{not json")
    assert proofing.ProofCache(tmp_path, LIMITS).get(request) is None  # a damaged entry is a miss


def test_the_shipped_calibration_covers_joe_and_hibari_and_says_how_it_was_made():
    cal = proofing.load_calibration()
    assert "bench_proof.py" in cal["made_by"]
    for key in ("coqui:en_US-joe-medium", "hibari:hibari-af-heart", "pooled"):
        lim = cal["voices"][key]
        assert lim["score_floor"] < 0 and 0 < lim["short_ratio"] < 1 < lim["long_ratio"]


def _take(seed, verdicts, duration, meant=2.0):
    words = tuple(proofing.WordProof(f"w{i}", i * 0.1, i * 0.1 + 0.1, v, -10.0, 1.0) for i, v in enumerate(verdicts))
    result = RenderResult(np.zeros(int(duration * 100), np.float32), 100, (0, int(duration * 100)))
    return Take(seed, result, proofing.LineProof(words), meant)


def test_the_best_take_has_fewest_flags_then_the_closest_duration():
    takes = [_take(0, ["fine", "missing"], 2.0), _take(1, ["fine", "fine"], 2.6), _take(2, ["fine", "fine"], 2.1),
             _take(3, ["doubtful", "fine"], 2.0)]
    win, why = best_take(takes)
    assert win.seed == 2 and "take 3 (seed 2)" in why and "intended duration" in why
    win, why = best_take([_take(0, ["missing", "doubtful"], 2.0), takes[3], takes[0]])
    assert win.seed == 3 and "fewest flagged" in why  # one doubtful word beats a missing and a doubtful one
    win, why = best_take([takes[3], takes[1]])  # one flag fewer is not worth leaving the current take
    assert win.seed == 3 and "kept" in why
    assert take_seeds(5, 3) == [5, 6, 7]
    with pytest.raises(ValueError):
        take_seeds(0, 0)
