"""Pitch edits by PSOLA (Praat's overlap-add resynthesis, through parselmouth), spliced into the voice's audio.

WORLD vocodes: it rebuilds every period from an envelope and an aperiodicity estimate, and on neural speech with
creaky or breathy stretches that loses voicing (pyin found a third fewer voiced frames after a plain WORLD
round trip of the neural voice). PSOLA moves the voice's own periods closer together or further apart, so what
it does not shift it leaves nearly as it was, and it costs a few milliseconds per second of audio. Praat's
pitch tracker (autocorrelation with octave and voicing costs) places the periods.

Per-phoneme edits (splice_pitch) touch only the voiced stretches of their spans, judged on the original: the
pulses of each stretch are moved by a pitch-synchronous overlap-add of our own that gives the original back
exactly when nothing moves, so a near-identity edit is near-identity, and unvoiced sound is never re-made.
Whole-segment reshaping (emotion presets) still goes through Praat's own overlap-add resynthesis.
"""

from __future__ import annotations

import numpy as np

from studio.engine.edits.dsp import SMOOTH_MS, hop_for, per_frame, smooth, to_frames
from studio.engine.edits.pitch import pitch_range, pulses, track



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


REJOIN_PERIODS = 4  # after a shift, the moved pulses drift back onto the original's within this many periods


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
    """Per-phoneme pitch shifts in semitones, applied only where they are and only where the voice is voiced.

    The original's voicing (the app's tracker, `pitch.track`) decides which frames are voiced; only voiced
    stretches that the shift reaches are re-synthesized, by moving the original's own glottal pulses (Praat's cc
    point process) closer together or further apart. Unvoiced consonants, silences and everything outside the
    edit keep the original samples: laying pulses over them is what made a pitch edit buzz. A stretch leaves
    the original on one of its pulses and comes back onto one (see _move_periods), so both joins are seamless;
    a shift of 0 gives the original back sample for sample."""
    if not any(semitones):
        return audio
    st, hop = shift_curve(len(audio), sample_rate, sample_bounds, semitones)
    voice = pitch_range(audio, sample_rate)
    f0 = track(audio, sample_rate, 1000.0 * hop / sample_rate, voice)
    marks = np.round(pulses(audio, sample_rate, voice) * sample_rate).astype(np.int64)
    n = min(len(f0), len(st))
    x = np.asarray(audio, dtype=np.float64)
    out = x.copy()
    longest = int(sample_rate / voice[0]) + 1  # a gap between pulses longer than the lowest period is no period
    for fa, fb in _runs(f0[:n] > 0, 1):
        if not np.any(np.abs(st[fa:fb]) > 1e-6):
            continue
        # Frame k is centred on sample k * hop; the stretch is the samples nearer its frames than any other.
        lo, hi = max(0, fa * hop - hop // 2), min(len(x), fb * hop - hop // 2)
        inside = marks[(marks >= lo) & (marks < hi)]
        for group in np.split(inside, np.flatnonzero(np.diff(inside) > longest) + 1):
            if len(group) >= 2:
                _move_periods(x, out, group, st, hop)
    return out.astype(np.float32)


def _move_periods(x: np.ndarray, out: np.ndarray, marks: np.ndarray, st: np.ndarray, hop: int) -> None:
    """TD-PSOLA over one voiced stretch whose pulses are `marks` (sample indices), written into `out`.

    The original's phase counts one per period between its pulses; the synthesis phase runs faster or slower by
    the shift's ratio, and a synthesis pulse falls wherever it passes a whole number. Before the shift the two
    phases are equal, so the pulses are the original's; after it the synthesis phase drifts, evenly over
    REJOIN_PERIODS periods, to the nearest whole number of periods off, and from there the pulses are the
    original's again. Each synthesis pulse takes the grain of the nearest original pulse under half-Hann ramps
    as long as the synthesis periods on either side, so neighbouring windows sum to exactly one and only the
    pulses that moved change any sample."""
    periods = np.diff(marks).astype(np.float64)
    t = np.arange(marks[0], marks[-1] + 1)
    k = np.clip(np.searchsorted(marks, t, side="right") - 1, 0, len(periods) - 1)
    frame = np.clip((t + hop // 2) // hop, 0, len(st) - 1)
    rate = 1.0 / periods[k]  # the original's phase per sample
    phase_a = np.concatenate([[0.0], np.cumsum(rate[:-1])])
    phase_s = np.concatenate([[0.0], np.cumsum((rate * 2.0 ** (st[frame] / 12.0))[:-1])])
    shifted = np.flatnonzero(np.abs(st[frame]) > 1e-6)
    if len(shifted) and shifted[-1] < len(t) - 1:
        last = shifted[-1]
        drift = phase_s[last] - phase_a[last]
        target = float(np.round(drift))
        since = phase_a[last:] - phase_a[last]
        gap = abs(target - drift)
        step = np.minimum(gap / REJOIN_PERIODS * since, gap) * np.sign(target - drift)
        phase_s[last:] = phase_a[last:] + np.where(step == target - drift, target, drift + step)
    s = t[np.searchsorted(phase_s, np.arange(int(phase_s[-1] + 1e-9) + 1) - 1e-9)]
    moved = np.flatnonzero(~np.isin(s, marks))
    if not len(moved):
        return
    j0, j1 = max(0, moved[0] - 1), min(len(s) - 1, moved[-1] + 1)

    def period_at(at: float) -> int:
        return int(round(float(np.interp(at, (marks[:-1] + marks[1:]) / 2.0, periods))))

    lefts = np.diff(s, prepend=s[0] - period_at(s[0]))
    rights = np.diff(s, append=s[-1] + period_at(s[-1]))
    # From the last unmoved pulse before to the first unmoved pulse after, where the windows sum to one; a
    # stretch that starts or ends moved fades from and into the original under its outer ramp instead.
    a = int(s[j0]) if j0 < moved[0] else max(0, int(s[0] - lefts[0]))
    b = int(s[j1]) if j1 > moved[-1] else min(len(x), int(s[-1] + rights[-1]))
    acc, weight = np.zeros(b - a), np.zeros(b - a)
    nxt = np.clip(np.searchsorted(marks, s), 1, len(marks) - 1)
    src = np.where(np.abs(marks[nxt - 1] - s) <= np.abs(marks[nxt] - s), marks[nxt - 1], marks[nxt])
    for j in range(j0, j1 + 1):
        pos, centre, left, right = int(s[j]), int(src[j]), int(lefts[j]), int(rights[j])
        w = np.concatenate([np.sin(0.5 * np.pi * np.arange(left) / max(left, 1)) ** 2,
                            np.cos(0.5 * np.pi * np.arange(right) / max(right, 1)) ** 2])
        i0 = np.arange(-left, right)
        ok = (pos + i0 >= a) & (pos + i0 < b) & (centre + i0 >= 0) & (centre + i0 < len(x))
        acc[pos + i0[ok] - a] += w[ok] * x[centre + i0[ok]]
        weight[pos + i0[ok] - a] += w[ok]
    out[a:b] = acc + np.clip(1.0 - weight, 0.0, 1.0) * x[a:b]


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
