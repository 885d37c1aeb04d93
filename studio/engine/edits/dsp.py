"""The shared DSP layer: what a backbone cannot do natively, done with WORLD (pyworld) on its render.

A render is analysed into F0, spectral envelope and aperiodicity on a frame grid whose hop is a whole number of
samples (5 ms rounded), so phoneme boundaries map to frames and back without drift. On those frames the layer
shifts F0 per phoneme, rescales the pitch range, time-scales the frames inside each phoneme span, adds
breathiness and spectral tilt, and morphs between several voices; loudness is applied after resynthesis as a
per-sample gain. Per-phoneme changes are smoothed over a few milliseconds at the boundaries so edits never click.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

import numpy as np

FRAME_MS = 5.0
F0_FLOOR, F0_CEIL = 50.0, 800.0
SMOOTH_MS = 15.0  # pitch changes glide over this much around a phoneme boundary
RAMP_MS = 5.0  # gain changes ramp over this much
_CACHE_SIZE = 16


@dataclass(frozen=True)
class World:
    f0: np.ndarray  # Hz per frame, 0 = unvoiced
    sp: np.ndarray  # spectral envelope, frames x bins (power)
    ap: np.ndarray  # aperiodicity, frames x bins (0..1)
    sample_rate: int
    hop: int  # samples per frame

    @property
    def frame_period_ms(self) -> float:
        return 1000.0 * self.hop / self.sample_rate

    @property
    def frames(self) -> int:
        return len(self.f0)


def hop_for(sample_rate: int) -> int:
    return max(1, int(round(sample_rate * FRAME_MS / 1000.0)))


_cache: OrderedDict[str, World] = OrderedDict()
_cache_lock = threading.Lock()


def track_f0(audio: np.ndarray, sample_rate: int) -> tuple[np.ndarray, float]:
    """(F0 in Hz per WORLD frame, 0 = unvoiced; the frame period in ms), by Praat in the voice's own range."""
    from studio.engine.edits.pitch import track

    period = 1000.0 * hop_for(sample_rate) / sample_rate
    return track(audio, sample_rate, period), period


def _analyse(x: np.ndarray, sample_rate: int) -> World:
    import pyworld

    hop = hop_for(sample_rate)
    f0, period = track_f0(x, sample_rate)
    t = np.arange(len(f0)) * period / 1000.0
    sp = pyworld.cheaptrick(x, f0, t, sample_rate)
    ap = pyworld.d4c(x, f0, t, sample_rate)
    return World(f0, sp, ap, sample_rate, hop)


def analyse(audio: np.ndarray, sample_rate: int) -> World:
    """WORLD parameters of `audio`; the same audio is analysed once (an LRU keyed by its digest)."""
    x = np.ascontiguousarray(audio, dtype=np.float64)
    key = hashlib.blake2b(x.tobytes(), digest_size=16).hexdigest() + f":{sample_rate}"
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    world = _analyse(x, sample_rate)
    with _cache_lock:
        _cache[key] = world
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return world


def synthesize(world: World) -> np.ndarray:
    import pyworld

    y = pyworld.synthesize(np.ascontiguousarray(world.f0), np.ascontiguousarray(world.sp),
                           np.ascontiguousarray(world.ap), world.sample_rate, world.frame_period_ms)
    return y[: world.frames * world.hop].astype(np.float32)


def to_frames(boundaries: tuple[int, ...] | list[int], hop: int, n_frames: int) -> np.ndarray:
    return np.clip(np.round(np.asarray(boundaries, dtype=np.float64) / hop).astype(int), 0, n_frames)


def per_frame(frame_bounds: np.ndarray, values: list[float], n_frames: int, default: float = 0.0) -> np.ndarray:
    curve = np.full(n_frames, default, dtype=np.float64)
    for (a, b), v in zip(zip(frame_bounds[:-1], frame_bounds[1:]), values):
        curve[a:b] = v
    return curve


def smooth(curve: np.ndarray, hop: int, sample_rate: int, ms: float) -> np.ndarray:
    width = max(1, int(round(ms / (1000.0 * hop / sample_rate))))
    if width <= 1 or len(curve) < 2:
        return curve
    kernel = np.hanning(width + 2)[1:-1]
    kernel /= kernel.sum()
    padded = np.pad(curve, (width, width), mode="edge")
    return np.convolve(padded, kernel, mode="same")[width:-width]


def shift_pitch(world: World, frame_bounds: np.ndarray, semitones: list[float]) -> World:
    """F0 times 2^(st/12) inside each phoneme, gliding across boundaries."""
    if not any(semitones):
        return world
    st = smooth(per_frame(frame_bounds, semitones, world.frames), world.hop, world.sample_rate, SMOOTH_MS)
    return replace(world, f0=np.where(world.f0 > 0, world.f0 * 2.0 ** (st / 12.0), 0.0))


def reshape_pitch(world: World, level_st: float, range_factor: float, weights: np.ndarray | None = None) -> World:
    """Raise the pitch level and scale the movement around the median; `weights` (0..1 per frame) let the change
    vary word by word."""
    if level_st == 0.0 and range_factor == 1.0:
        return world
    voiced = world.f0 > 0
    if not voiced.any():
        return world
    lf = np.log2(np.where(voiced, world.f0, 1.0))
    median = np.median(lf[voiced])
    k = np.ones(world.frames) if weights is None else weights
    target = median + (lf - median) * (1 + (range_factor - 1) * k) + level_st / 12.0 * k
    return replace(world, f0=np.where(voiced, 2.0 ** target, 0.0))


def time_scale(world: World, frame_bounds: np.ndarray, scales: list[float]) -> tuple[World, np.ndarray]:
    """Stretch or squeeze the frames inside each span by its scale; frames outside the spans (lead-in, tail)
    stay. Returns the new parameters and the new span boundaries in frames."""
    if all(s == 1.0 for s in scales):
        return world, frame_bounds
    pieces = [np.arange(0, frame_bounds[0])]
    new_bounds = [frame_bounds[0]]
    carry = 0.0  # rounding left over from earlier scaled spans, so the total length is right to half a frame
    for (a, b), s in zip(zip(frame_bounds[:-1], frame_bounds[1:]), scales):
        n = b - a
        if s == 1.0 or n == 0:
            m = n
        else:
            exact = n * s + carry
            m = max(1, int(round(exact)))
            carry = exact - m
        if m:
            # Sample the span at m evenly spaced points (centres), nearest frame: repeats or drops whole frames.
            pos = a + (np.arange(m) + 0.5) * (n / m) - 0.5
            pieces.append(np.clip(np.round(pos).astype(int), a, max(a, b - 1)))
        new_bounds.append(new_bounds[-1] + m)
    pieces.append(np.arange(frame_bounds[-1], world.frames))
    idx = np.concatenate(pieces).astype(int)
    return replace(world, f0=world.f0[idx], sp=world.sp[idx], ap=world.ap[idx]), np.asarray(new_bounds)


def voice_quality(world: World, breathiness: float, tilt_db_per_octave: float, whisper: float) -> World:
    """Breathiness mixes aperiodicity toward noise; tilt tips the envelope around 1 kHz; whisper unvoices."""
    if breathiness == 0.0 and tilt_db_per_octave == 0.0 and whisper == 0.0:
        return world
    ap, sp, f0 = world.ap, world.sp, world.f0
    if breathiness:
        ap = ap + (1.0 - ap) * min(1.0, breathiness) * 0.6
    if tilt_db_per_octave:
        freqs = np.linspace(0, world.sample_rate / 2, sp.shape[1])
        octaves = np.log2(np.maximum(freqs, 62.5) / 1000.0)
        sp = sp * 10.0 ** (tilt_db_per_octave * octaves / 10.0)[None, :]
    if whisper >= 0.5:
        f0 = np.zeros_like(f0)
        ap = np.ones_like(ap)
    elif whisper > 0:
        ap = ap + (1.0 - ap) * whisper * 2 * 0.8
    return replace(world, f0=f0, sp=sp, ap=ap)


def gain(audio: np.ndarray, sample_bounds: np.ndarray, db: list[float], sample_rate: int,
         overall_db: float = 0.0) -> np.ndarray:
    """Per-phoneme gain in dB with short linear ramps at the boundaries, plus an overall gain."""
    if not any(db) and overall_db == 0.0:
        return audio
    n = len(audio)
    curve = np.full(n, overall_db, dtype=np.float64)
    for (a, b), v in zip(zip(sample_bounds[:-1], sample_bounds[1:]), db):
        curve[max(0, a):min(n, b)] += v
    ramp = max(1, int(sample_rate * RAMP_MS / 1000.0))
    kernel = np.ones(ramp) / ramp
    curve = np.convolve(np.pad(curve, (ramp, ramp), mode="edge"), kernel, mode="same")[ramp:-ramp]
    return (audio * 10.0 ** (curve / 20.0)).astype(np.float32)


def morph(worlds: list[World], anchors: list[np.ndarray], weights: list[float], reference: int = 0) -> World:
    """A weighted blend of N voices saying the same thing, time-aligned anchor by anchor (phoneme or word
    boundaries, in frames, one array per voice, equal lengths) onto the reference voice's timeline.

    Log-F0 is averaged by weight; the spectral envelope and aperiodicity linearly. (A log-domain envelope average
    deepens the valleys between formants that the voices do not share and darkens the blend below both voices;
    the power average keeps the spectral balance between them, measured by the spectral centroid.) A frame is
    voiced when voices holding at least half the weight are voiced there, and its F0 averages those voices.
    """
    ref = worlds[reference]
    n = ref.frames
    grid = np.arange(n, dtype=np.float64)
    total = float(sum(weights))
    w = [x / total for x in weights]
    sp = np.zeros_like(ref.sp)
    ap = np.zeros_like(ref.ap)
    lf0 = np.zeros(n)
    voiced_weight = np.zeros(n)
    ref_anchor = anchors[reference].astype(np.float64)
    for world, anchor, wi in zip(worlds, anchors, w):
        # Piecewise-linear map from the reference's frames to this voice's frames through the anchors.
        src = np.interp(grid, np.concatenate([[0], ref_anchor, [n - 1]]),
                        np.concatenate([[0], anchor.astype(np.float64), [world.frames - 1]]))
        idx = np.clip(np.round(src).astype(int), 0, world.frames - 1)
        sp += wi * world.sp[idx]
        ap += wi * world.ap[idx]
        f0 = world.f0[idx]
        voiced = f0 > 0
        lf0 += np.where(voiced, wi * np.log(np.where(voiced, f0, 1.0)), 0.0)
        voiced_weight += np.where(voiced, wi, 0.0)
    is_voiced = voiced_weight >= 0.5
    f0 = np.where(is_voiced, np.exp(lf0 / np.maximum(voiced_weight, 1e-9)), 0.0)
    return World(f0, sp, np.clip(ap, 0.0, 1.0), ref.sample_rate, ref.hop)
