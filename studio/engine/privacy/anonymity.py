"""The anonymity meter: how close a speaker mix still is to each of its source voices, and a helper that
proposes weights keeping every source below a threshold. docs/anonymity.md says what this does and does not prove.

Three measures:
- a trained speaker verifier (engine/privacy/verifier.py, GE2E): cosine similarity between the embeddings of the mix's
  render and each source's render (different sentences need not be used: the same sample text is spoken), and
  a verdict against the threshold calibrated by equal error rate. This is the meter's main measure;
- in the model's speaker-embedding space (Coqui multi-speaker models): cosine similarity between the mixed
  speaker vector and each source's vector;
- from rendered audio (every backbone): a voiceprint of MFCC statistics and median pitch, and each source's
  *relative closeness*: 1 - d(mix, source) / d(source, farthest other source). 1 means the mix sounds like the
  source by this measure, 0 means it is as far from it as the other voices are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

SAMPLE_TEXT = "The north wind and the sun were disputing which was the stronger, when a traveler came along."


@dataclass(frozen=True)
class Closeness:
    speaker: str
    acoustic: float  # relative closeness from audio, 0..1
    embedding: float | None = None  # cosine similarity in the model's speaker space, where there is one
    verifier: float | None = None  # GE2E cosine similarity of the renders, where the verifier ran


def voiceprint(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """Mean and spread of MFCC 1-19 over the active frames, and median pitch in semitones / 4: a timbre-and-
    register summary of a voice. Scaled so each part weighs about the same in a Euclidean distance."""
    import librosa

    y = np.asarray(audio, dtype=np.float32)
    mfcc = librosa.feature.mfcc(y=y, sr=sample_rate, n_mfcc=20)[1:]
    level = librosa.feature.rms(y=y)[0][: mfcc.shape[1]]
    active = mfcc[:, level > 0.1 * level.max()] if level.max() > 0 else mfcc
    f0, voiced, _ = librosa.pyin(y, fmin=60, fmax=500, sr=sample_rate)
    pitch = 12 * np.log2(np.nanmedian(f0[voiced]) / 100.0) if voiced.any() else 0.0
    return np.concatenate([active.mean(axis=1) / 10.0, active.std(axis=1) / 10.0, [pitch / 4.0]])


def relative_closeness(mix_print: np.ndarray, source_prints: dict[str, np.ndarray]) -> dict[str, float]:
    names = list(source_prints)
    out = {}
    for name in names:
        others = [np.linalg.norm(source_prints[name] - source_prints[o]) for o in names if o != name]
        scale = max(others) if others else 1.0
        d = np.linalg.norm(mix_print - source_prints[name])
        out[name] = float(np.clip(1.0 - d / max(scale, 1e-9), 0.0, 1.0))
    return out


def embedding_similarity(model, mix: tuple[tuple[str, float], ...]) -> dict[str, float] | None:
    """Cosine similarity of the mixed speaker vector to each source's, for Coqui multi-speaker models."""
    from studio.engine.voices.coqui.frontend import mixed_conditioning

    import torch

    if model is None:
        return None
    with torch.no_grad():
        g = mixed_conditioning(model, mix, normalize_d_vector=False)
        if g is None:
            return None
        out = {}
        for name, _ in mix:
            s = mixed_conditioning(model, ((name, 1.0),), normalize_d_vector=False)
            out[name] = float(torch.nn.functional.cosine_similarity(g.flatten(), s.flatten(), dim=0))
    return out


def measure(render: Callable[[tuple[tuple[str, float], ...]], tuple[np.ndarray, int]],
            mix: tuple[tuple[str, float], ...], model=None, verifier: bool = False) -> list[Closeness]:
    """Closeness of `mix` to each of its speakers. `render(mix)` returns (audio, sample rate) of SAMPLE_TEXT.
    With `verifier`, also the GE2E similarity of the renders."""
    sources = {name: render(((name, 1.0),)) for name, _ in mix}
    mixed = render(mix)
    acoustic = relative_closeness(voiceprint(*mixed), {n: voiceprint(*a) for n, a in sources.items()})
    emb = embedding_similarity(model, mix) or {}
    ver = {}
    if verifier:
        from studio.engine.privacy import verifier as ge2e

        m = ge2e.embed(*mixed)
        ver = {n: ge2e.similarity(m, ge2e.embed(*a)) for n, a in sources.items()}
    return [Closeness(name, acoustic[name], emb.get(name), ver.get(name)) for name, _ in mix]


def _mfcc_scorer(render, names):
    prints = {name: voiceprint(*render(((name, 1.0),))) for name in names}

    def score(weights: dict[str, float]) -> dict[str, float]:
        return relative_closeness(voiceprint(*render(tuple(sorted(weights.items())))), prints)
    return score


def _ge2e_scorer(render, names):
    from studio.engine.privacy import verifier as ge2e

    sources = {name: ge2e.embed(*render(((name, 1.0),))) for name in names}

    def score(weights: dict[str, float]) -> dict[str, float]:
        m = ge2e.embed(*render(tuple(sorted(weights.items()))))
        return {n: ge2e.similarity(m, e) for n, e in sources.items()}
    return score


def propose(render, start: tuple[tuple[str, float], ...], threshold: float, tries: int = 10, model=None,
            meter: str = "mfcc") -> tuple[dict[str, float], list[Closeness]] | None:
    """Weights that keep every source's *measured* closeness below `threshold`, searched from `start`.
    `meter` is "mfcc" (relative closeness of voiceprints) or "ge2e" (the trained verifier's similarity).

    Greedy descent on real measurements: each step moves weight from the source the mix is closest to toward
    the one it is farthest from, renders, measures, and keeps the step only if the worst closeness fell; the step
    halves when it does not. At most `tries` renders. Returns (weights, closeness), or None when the best mix
    found is still at or above the threshold.
    """
    names = [n for n, _ in start]
    score = (_ge2e_scorer if meter == "ge2e" else _mfcc_scorer)(render, names)
    current = {n: w for n, w in start}
    close = score(current)
    worst = max(close.values())
    step = 0.1
    for _ in range(tries):
        if step < 0.02:
            break
        hi, lo = max(close, key=close.get), min(close, key=close.get)
        move = min(step, current[hi] - 0.05)
        if move <= 0:
            step /= 2
            continue
        trial = dict(current)
        trial[hi] -= move
        trial[lo] += move
        trial_close = score(trial)
        if max(trial_close.values()) < worst:
            current, close, worst = trial, trial_close, max(trial_close.values())
        else:
            step /= 2
    if worst >= threshold:
        return None
    emb = embedding_similarity(model, tuple(sorted(current.items()))) or {}
    if meter == "ge2e":
        return current, [Closeness(n, float("nan"), emb.get(n), close[n]) for n in names]
    return current, [Closeness(n, close[n], emb.get(n)) for n in names]


def mix_renderer(backbone, text: str = SAMPLE_TEXT):
    """A `render(mix)` for `measure`: the backbone speaks `text` with that mix, through the full pipeline."""
    from studio.core.model import SpeakerMix, VoiceRef

    from studio.engine.voices.backbone import PhonemeSpec, RenderRequest, WordSpec
    from studio.engine.render.pipeline import render_request

    def render(mix: tuple[tuple[str, float], ...]) -> tuple[np.ndarray, int]:
        words = backbone.analyze(text, VoiceRef(), SpeakerMix(tuple(mix)))
        request = RenderRequest(backbone.name, getattr(backbone, "spec", "espeak-ng"), backbone.version, text,
                                tuple(WordSpec(w.text, tuple(PhonemeSpec(p.symbol, p.duration, p.pitch, p.energy)
                                                             for p in w.phonemes)) for w in words), tuple(mix))
        result = render_request(backbone, request)
        return result.audio, result.sample_rate
    return render
