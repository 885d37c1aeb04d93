"""Listening with a recogniser: PocketSphinx (en-US model shipped in its wheel) transcribes rendered speech, and
word error rate says how intelligible it is. Imported lazily; only benchmarks and tests use it."""

from __future__ import annotations

import re

import numpy as np

RATE = 16000  # the en-US acoustic model's sample rate


def _decoder():
    from pocketsphinx import Decoder

    return Decoder(samprate=RATE, loglevel="FATAL")


def transcribe(audio: np.ndarray, sample_rate: int, decoder=None) -> str:
    import soxr

    x = soxr.resample(np.asarray(audio, dtype=np.float32), sample_rate, RATE) if sample_rate != RATE else audio
    peak = float(np.max(np.abs(x))) if len(x) else 0.0
    pcm = (np.clip(x / peak * 0.9 if peak > 0 else x, -1, 1) * 32767).astype("<i2")
    d = decoder or _decoder()
    d.start_utt()
    d.process_raw(pcm.tobytes(), full_utt=True)
    d.end_utt()
    hyp = d.hyp()
    return hyp.hypstr if hyp is not None else ""


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(substitutions + deletions + insertions, reference words), by jiwer: sum both over sentences for a
    corpus WER."""
    import jiwer

    ref, hyp = " ".join(words(reference)), " ".join(words(hypothesis))
    if not ref:
        return len(hyp.split()), 0
    out = jiwer.process_words(ref, hyp or "")
    return out.substitutions + out.deletions + out.insertions, len(ref.split())
