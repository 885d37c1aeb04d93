"""How transparent an edit is: what changed inside the edited word, and what changed outside it.

Two renders of one line are compared: the original and the edited one, each with the edited word's span in
samples (they differ only when the edit changes the word's length). Inside the word: the share of frames whose
voicing changed (a flip is a defect and is counted, never skipped), the median F0 change in semitones over frames
voiced in both, and the log-mel distance. Outside it: the log-mel distance of the rest of the line, before the
word aligned from the start and after it aligned from the end. Pitch is the app's tracker (Praat's
autocorrelation, `edits.pitch.track`) in the original's range for both renders, so the two are judged alike.

Log-mel distance: 80-band mel power spectra (1024-point frames, hop 256), floored at FLOOR_DB under the
original's loudest band so that inaudible differences in silence do not count, as the mean absolute difference
in dB over bands and frames. It is spectral, so a change of phase alone (a source whose phase runs on) is not
a change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.engine.edits.pitch import pitch_range, track

PERIOD_MS = 5.0
N_FFT, HOP, N_MELS = 1024, 256, 80
FLOOR_DB = 60.0
MARGIN_S = 0.03  # outside the word means this far from it: an edit glides over its boundaries


@dataclass(frozen=True)
class Transparency:
    flips: float  # share of the word's frames whose voicing changed (0..1)
    f0_change_st: float  # median F0 change over the word's frames voiced in both renders (nan if none)
    logmel_in_db: float  # log-mel distance inside the word
    logmel_out_db: float  # log-mel distance over the rest of the line


def _logmel(audio: np.ndarray, sr: int) -> np.ndarray:
    import librosa

    mel = librosa.feature.melspectrogram(y=np.asarray(audio, dtype=np.float32), sr=sr, n_fft=N_FFT,
                                         hop_length=HOP, n_mels=N_MELS, power=2.0)
    return 10.0 * np.log10(np.maximum(mel, 1e-20))


def _warp(frames: np.ndarray, n: int) -> np.ndarray:
    """`frames` (time first) resampled linearly onto `n` frames: a lengthened word compared with its original."""
    if len(frames) == n or len(frames) == 0 or n == 0:
        return frames[:n]
    pos = np.linspace(0, len(frames) - 1, n)
    idx = np.round(pos).astype(int)
    return frames[idx]


def measure(original: np.ndarray, edited: np.ndarray, sr: int, span: tuple[int, int],
            edited_span: tuple[int, int] | None = None) -> Transparency:
    a, b = span
    ea, eb = edited_span or span
    voice = pitch_range(original, sr)
    per = PERIOD_MS / 1000.0
    fo, fe = track(original, sr, PERIOD_MS, voice), track(edited, sr, PERIOD_MS, voice)
    wo = fo[int(np.ceil(a / sr / per)):int(np.ceil(b / sr / per))]
    we = _warp(fe[int(np.ceil(ea / sr / per)):int(np.ceil(eb / sr / per))], len(wo))
    n = min(len(wo), len(we))
    wo, we = wo[:n], we[:n]
    flips = float(np.mean((wo > 0) != (we > 0))) if n else 0.0
    both = (wo > 0) & (we > 0)
    f0_change = float(np.median(12.0 * np.log2(we[both] / wo[both]))) if both.any() else float("nan")

    mo, me = _logmel(original, sr).T, _logmel(edited, sr).T  # frames x bands
    floor = mo.max() - FLOOR_DB
    mo, me = np.maximum(mo, floor), np.maximum(me, floor)
    inside_o = mo[int(np.ceil(a / HOP)):int(np.ceil(b / HOP))]
    inside_e = _warp(me[int(np.ceil(ea / HOP)):int(np.ceil(eb / HOP))], len(inside_o))
    m = min(len(inside_o), len(inside_e))
    logmel_in = float(np.mean(np.abs(inside_o[:m] - inside_e[:m]))) if m else float("nan")

    # Outside: the line before the word (and its glide) and after it, each cut out of both renders at the same
    # distance from the word, so a lengthened word does not shift the frames of what follows.
    margin = int(MARGIN_S * sr)
    diffs = []
    for xo, xe in ((original[:a - margin], edited[:ea - margin]), (original[b + margin:], edited[eb + margin:])):
        k = min(len(xo), len(xe))
        if k >= N_FFT:
            lo, le = np.maximum(_logmel(xo[:k], sr), floor), np.maximum(_logmel(xe[:k], sr), floor)
            diffs.append(np.abs(lo - le).mean(axis=0))
    logmel_out = float(np.mean(np.concatenate(diffs))) if diffs else 0.0
    return Transparency(flips, f0_change, logmel_in, logmel_out)
