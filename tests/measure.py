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



def word_spans(words, boundaries, sr):
    """(text, start s, end s) of each word, from a render's phoneme boundaries."""
    out, i = [], 0
    for w in words:
        n = len(w.phonemes)
        out.append((w.text, boundaries[i] / sr, boundaries[i + n] / sr))
        i += n
    return out


def word_shifts(words, base, edited, sr, edge=0.023):
    """{word index: semitones its median F0 (pyin) moved} between two renders with the same timing (`base` and
    `edited` are RenderResults). Only frames voiced in both renders count, and only those whose 46 ms analysis
    window lies inside the word, so that an edit of a neighbour does not leak in through the window. Words with
    fewer than 3 such frames are left out."""
    fa, va, t = f0_track(base.audio, sr)
    fb, vb, _ = f0_track(edited.audio, sr)
    n = min(len(fa), len(fb))
    out = {}
    for i, (text, a, b) in enumerate(word_spans(words, base.boundaries, sr)):
        m = (t[:n] >= a + edge) & (t[:n] < b - edge) & va[:n] & vb[:n]
        if text and m.sum() >= 3:
            out[i] = float(semitones(np.median(fb[:n][m]), np.median(fa[:n][m])))
    return out
