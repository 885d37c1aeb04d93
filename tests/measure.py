"""Measuring rendered speech the way a listener's tools would: pyin F0 and RMS inside alignment spans."""

import librosa
import numpy as np

HOP = 256


def f0_track(audio: np.ndarray, sr: int):
    f0, voiced, _ = librosa.pyin(audio, fmin=60, fmax=500, sr=sr, frame_length=1024, hop_length=HOP)
    return f0, voiced, librosa.times_like(f0, sr=sr, hop_length=HOP)


def median_f0(audio, sr, start=None, end=None, track=None):
    f0, voiced, t = track if track is not None else f0_track(audio, sr)
    mask = voiced.copy()
    if start is not None:
        mask &= (t >= start) & (t < end)
    return float(np.nanmedian(f0[mask])) if mask.any() else float("nan")


def rms(audio, sr, start, end):
    seg = audio[int(start * sr):int(end * sr)]
    return float(np.sqrt(np.mean(seg.astype(np.float64) ** 2)))


def centroid(audio, sr):
    c = librosa.feature.spectral_centroid(y=audio, sr=sr)[0]
    level = librosa.feature.rms(y=audio)[0]
    return float(np.median(c[level > 0.02]))


def semitones(a, b):
    return 12 * np.log2(a / b)
