"""Loudness of the deliverables: EBU R128 / ITU-R BS.1770 integrated loudness with pyloudnorm, a true-peak
ceiling with 4x oversampling, and a look-ahead limiter that keeps the ceiling without audible pumping.

One gain and one limiter curve, both computed on the mix, are applied to the mix and to every stem, so the
stems still add up to the mix sample for sample; each file's loudness and true peak are measured and reported.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

PRESETS = {"broadcast": -23.0, "ebu": -23.0, "podcast": -16.0, "streaming": -14.0}
TRUE_PEAK_CEILING_DB = -1.0
OVERSAMPLE = 4
LOOKAHEAD_S = 0.005
MIN_LOUDNESS_S = 0.4  # BS.1770 gating blocks; shorter audio has no integrated loudness


def parse_target(value: str | None) -> float | None:
    """A target in LUFS from 'broadcast' (-23), 'podcast' (-16), 'streaming' (-14), a number, or None for 'off'."""
    if value is None or value.strip().lower() in ("off", "none"):
        return None
    v = value.strip().lower()
    if v in PRESETS:
        return PRESETS[v]
    try:
        target = float(v.removesuffix("lufs").strip())
    except ValueError:
        raise ValueError(f"--loudness \"{value}\" is not a preset ({', '.join(PRESETS)}), a number of LUFS "
                         "or off.") from None
    if not -70 <= target <= 0:
        raise ValueError(f"--loudness {target:g} LUFS is outside -70..0; broadcast is -23, podcasts -16.")
    return target


@dataclass(frozen=True)
class Measured:
    lufs: float  # integrated loudness; -inf for silence or audio too short to measure
    true_peak_db: float  # dBTP

    def describe(self) -> str:
        lufs = "silent" if not np.isfinite(self.lufs) else f"{self.lufs:.1f} LUFS"
        peak = "-inf" if not np.isfinite(self.true_peak_db) else f"{self.true_peak_db:.1f}"
        return f"{lufs}, true peak {peak} dBTP"


def _oversampled_peaks(audio: np.ndarray, rate: int) -> np.ndarray:
    """Per sample, the largest magnitude of the 4x-oversampled signal around it (BS.1770 true peak)."""
    import soxr

    if len(audio) == 0:
        return np.zeros(0, np.float32)
    up = np.abs(soxr.resample(audio.astype(np.float32), rate, rate * OVERSAMPLE, quality="HQ"))
    n = len(audio)
    if len(up) < n * OVERSAMPLE:
        up = np.pad(up, (0, n * OVERSAMPLE - len(up)))
    # Each sample's largest oversampled value as strided maxima: numpy reduces reshape(n, 4).max(axis=1) about 8x
    # slower along so short an axis, which made this most of the mastering time of a long render.
    peaks = functools.reduce(np.maximum, [up[k:n * OVERSAMPLE:OVERSAMPLE] for k in range(OVERSAMPLE)])
    return np.maximum(peaks, np.abs(audio))


def true_peak_db(audio: np.ndarray, rate: int) -> float:
    import soxr

    if len(audio) == 0:
        return -np.inf
    up = soxr.resample(audio.astype(np.float32), rate, rate * OVERSAMPLE, quality="HQ")
    top = max(float(up.max()), -float(up.min()), float(np.abs(audio).max()))
    return 20 * np.log10(top) if top > 0 else -np.inf


def integrated(audio: np.ndarray, rate: int) -> float:
    import pyloudnorm

    if len(audio) < MIN_LOUDNESS_S * rate or not np.any(audio):
        return -np.inf
    return float(pyloudnorm.Meter(rate).integrated_loudness(audio.astype(np.float64)))


def measure(audio: np.ndarray, rate: int) -> Measured:
    return Measured(integrated(audio, rate), true_peak_db(audio, rate))


def limiter_gain(audio: np.ndarray, rate: int, ceiling_db: float = TRUE_PEAK_CEILING_DB) -> np.ndarray:
    """A gain curve (<= 1) that keeps the true peak of audio * gain under the ceiling: the needed gain is held
    over a look-ahead window, then smoothed with a window half as long, which never rises above what any
    sample needs (a minimum over 2W+1 averaged over W stays below each sample's own need)."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    ceiling = 10 ** (ceiling_db / 20)
    peaks = _oversampled_peaks(audio, rate)
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    if need.min() >= 1.0:
        return np.ones(len(audio), np.float32)
    w = max(1, int(LOOKAHEAD_S * rate))
    held = minimum_filter1d(need, size=2 * w + 1, mode="nearest")
    return np.minimum(uniform_filter1d(held, size=w, mode="nearest"), 1.0).astype(np.float32)


def normalize(mix: np.ndarray, stems: dict[str, np.ndarray], rate: int, target_lufs: float,
              ceiling_db: float = TRUE_PEAK_CEILING_DB
              ) -> tuple[np.ndarray, dict[str, np.ndarray], float, np.ndarray]:
    """(mix, stems, gain in dB, the per-sample gain applied) with the mix at the target loudness and its true
    peak under the ceiling; the same gain and limiter curve go on every stem. Audio too short or silent to
    measure is only limited."""
    loud = integrated(mix, rate)
    gain_db = target_lufs - loud if np.isfinite(loud) else 0.0
    g = np.float32(10 ** (gain_db / 20))
    mix = mix * g
    curve = limiter_gain(mix, rate, ceiling_db)
    # The limiter's smoothing can leave an oversampled peak a hair over; a last static trim closes it.
    trim = np.float32(1.0)
    over = true_peak_db(mix * curve, rate) - ceiling_db
    if over > 0:
        trim = np.float32(10 ** (-(over + 0.05) / 20))
    curve = curve * trim
    return mix * curve, {k: v * g * curve for k, v in stems.items()}, gain_db, curve * g
