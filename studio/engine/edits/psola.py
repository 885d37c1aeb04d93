"""Pitch edits by PSOLA (Praat's overlap-add resynthesis, through parselmouth), spliced into the voice's audio.

WORLD vocodes: it rebuilds every period from an envelope and an aperiodicity estimate, and on neural speech with
creaky or breathy stretches that loses voicing (pyin found a third fewer voiced frames after a plain WORLD
round trip of the neural voice). PSOLA moves the voice's own periods closer together or further apart, so what
it does not shift it leaves nearly as it was, and it costs a few milliseconds per second of audio. Praat's
pitch tracker (autocorrelation with octave and voicing costs) places the periods.

Per-phoneme edits touch only their spans: each edited span (with its glides) is resynthesized with some
unedited context and crossfaded into the original inside that context, so every sample outside it is kept.
"""

from __future__ import annotations

import numpy as np

from studio.engine.edits.dsp import SMOOTH_MS, hop_for, per_frame, smooth, to_frames
from studio.engine.edits.pitch import pitch_range

CONTEXT_MS = 60.0  # unedited audio resynthesized on each side of an edited span
CROSSFADE_MS = 10.0  # from the voice's own samples into the resynthesized span and back


def _psola(audio: np.ndarray, sample_rate: int, retarget, pitch_range: tuple[float, float]) -> np.ndarray:
    """Praat's overlap-add resynthesis with every pitch point moved by `retarget(times_s, f0_hz) -> f0_hz`."""
    import parselmouth
    from parselmouth.praat import call

    snd = parselmouth.Sound(np.asarray(audio, dtype=np.float64), sampling_frequency=sample_rate)
    manip = call(snd, "To Manipulation", 0.01, *pitch_range)
    tier = call(manip, "Extract pitch tier")
    n = int(call(tier, "Get number of points"))
    if n == 0:
        return np.asarray(audio, dtype=np.float32)  # nothing voiced: nothing to shift
    times = np.array([call(tier, "Get time from index", i) for i in range(1, n + 1)])
    f0 = np.array([call(tier, "Get value at index", i) for i in range(1, n + 1)])
    target = retarget(times, f0)
    new = call("Create PitchTier", "edited", snd.xmin, snd.xmax)
    for t, f in zip(times, target):
        call(new, "Add point", float(t), float(f))
    call([new, manip], "Replace pitch tier")
    out = call(manip, "Get resynthesis (overlap-add)").values[0]
    y = np.zeros(len(audio), dtype=np.float32)
    y[: min(len(out), len(audio))] = out[: len(audio)]
    return y


def shift_curve(n_samples: int, sample_rate: int, sample_bounds, semitones: list[float]) -> tuple[np.ndarray, int]:
    """Semitones per 5 ms frame for per-phoneme shifts, gliding over SMOOTH_MS at boundaries; and the hop."""
    hop = hop_for(sample_rate)
    n_frames = int(np.ceil(n_samples / hop)) + 1
    bounds = to_frames(sample_bounds, hop, n_frames)
    return smooth(per_frame(bounds, semitones, n_frames), hop, sample_rate, SMOOTH_MS), hop


def _runs(mask: np.ndarray, bridge: int) -> list[tuple[int, int]]:
    """[start, end) runs of True, joining runs separated by fewer than `bridge` False entries."""
    idx = np.flatnonzero(mask)
    runs: list[list[int]] = []
    for i in idx:
        if runs and i - runs[-1][1] < bridge:
            runs[-1][1] = int(i) + 1
        else:
            runs.append([int(i), int(i) + 1])
    return [(a, b) for a, b in runs]


def splice_pitch(audio: np.ndarray, sample_rate: int, sample_bounds, semitones: list[float]) -> np.ndarray:
    """Per-phoneme pitch shifts in semitones, applied only where they are (see the module docstring)."""
    if not any(semitones):
        return audio
    st, hop = shift_curve(len(audio), sample_rate, sample_bounds, semitones)
    ctx = int(round(CONTEXT_MS / 1000.0 * sample_rate / hop))
    fade = int(round(CROSSFADE_MS / 1000.0 * sample_rate))
    out = np.array(audio, dtype=np.float32, copy=True)
    voice = pitch_range(audio, sample_rate)
    for fa, fb in _runs(np.abs(st) > 1e-6, 2 * ctx):
        wa, wb = max(0, (fa - ctx) * hop), min(len(audio), (fb + ctx) * hop)
        piece = np.asarray(audio[wa:wb], dtype=np.float64)

        def retarget(times, f0, wa=wa):
            k = np.clip(((wa / sample_rate + times) * sample_rate / hop).round().astype(int), 0, len(st) - 1)
            return f0 * 2.0 ** (st[k] / 12.0)

        new = _psola(piece, sample_rate, retarget, voice)
        # Crossfade just outside the shifted frames, so the neighbours keep their own samples up to there; the
        # rest of the context only gives PSOLA's pitch analysis something to stand on.
        w = np.ones(len(piece))
        if wa > 0:
            a = max(0, fa * hop - wa - fade)
            w[:a] = 0.0
            w[a:a + fade] = np.linspace(0.0, 1.0, len(w[a:a + fade]))
        if wb < len(audio):
            b = min(len(piece), fb * hop - wa + fade)
            w[b:] = 0.0
            w[max(0, b - fade):b] = np.linspace(1.0, 0.0, len(w[max(0, b - fade):b]))
        out[wa:wb] = (piece * (1 - w) + new * w).astype(np.float32)
    return out


def reshape_pitch(audio: np.ndarray, sample_rate: int, level_st: float, range_factor: float,
                  weights: np.ndarray | None = None) -> np.ndarray:
    """Raise the pitch level and scale the movement around the segment's median, over the whole segment;
    `weights` (0..1 per 5 ms frame) let the change vary word by word."""
    if level_st == 0.0 and range_factor == 1.0:
        return audio
    hop = hop_for(sample_rate)

    def retarget(times, f0):
        lf = np.log2(f0)
        median = np.median(lf)
        k = np.ones(len(f0)) if weights is None else \
            weights[np.clip((times * sample_rate / hop).round().astype(int), 0, len(weights) - 1)]
        return 2.0 ** (median + (lf - median) * (1 + (range_factor - 1) * k) + level_st / 12.0 * k)

    return _psola(audio, sample_rate, retarget, pitch_range(audio, sample_rate))


def tilt(audio: np.ndarray, sample_rate: int, db_per_octave: float) -> np.ndarray:
    """Tip the spectrum around 1 kHz by a linear-phase STFT filter; the waveform's periods stay as they are."""
    if db_per_octave == 0.0 or len(audio) < 1024:
        return audio
    import librosa

    spec = librosa.stft(np.asarray(audio, dtype=np.float32), n_fft=1024, hop_length=256)
    freqs = librosa.fft_frequencies(sr=sample_rate, n_fft=1024)
    gain = 10.0 ** (db_per_octave * np.log2(np.maximum(freqs, 62.5) / 1000.0) / 20.0)
    y = librosa.istft(spec * gain[:, None], hop_length=256, length=len(audio))
    return y.astype(np.float32)
