"""Forced alignment of a recording to its words, with PocketSphinx (the en-US model and CMUdict in its wheel).

Two passes, as PocketSphinx does it: a word-level alignment of the whole utterance to the given words, then a
second pass for the phones (10 ms frames). A word the dictionary does not know is added with a pronunciation
the caller gives (the voice's own phonemes spelled in ARPAbet). Whether the recording really says each word is
judged from the alignment's own acoustic score: a word whose score per frame is far below the utterance's
typical word (see `MISMATCH_FACTOR`) is named as the word that failed. Imported lazily; measuring is slow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.engine.errors import AlignmentError

RATE = 16000  # the en-US acoustic model's sample rate
FRAME_S = 0.01
# A word whose alignment score per frame is this many times worse than the typical well-aligned word's (the
# median of the better half, so that a wrong word does not move the reference) and worse than MISMATCH_FLOOR is
# not what the recording says. On the ARCTIC recording every true word scores between -5 and -27 per frame
# (better half's median -8.7); a wrong word in its place ("hear" for "see", "best" for "superlative") scored -40
# to -79. A heuristic, tuned on that one recording: see docs/anonymity.md.
MISMATCH_FACTOR = 2.5
MISMATCH_FLOOR = -35.0
AUDIO_SUFFIXES = (".wav", ".flac")


@dataclass(frozen=True)
class AlignedPhone:
    arpabet: str  # without stress digits
    start: float  # seconds
    end: float


@dataclass(frozen=True)
class AlignedWord:
    text: str  # the word as the caller gave it
    start: float
    end: float
    phones: tuple[AlignedPhone, ...]
    score: float  # acoustic score per frame (log domain; higher is better)


@dataclass(frozen=True)
class Alignment:
    words: tuple[AlignedWord, ...]
    duration: float  # of the whole recording, seconds


def read_recording(path: str | Path) -> tuple[np.ndarray, int]:
    """(mono float32 audio, sample rate) of a WAV or FLAC file at any rate."""
    import soundfile as sf

    path = Path(path)
    if path.suffix.lower() not in AUDIO_SUFFIXES:
        raise AlignmentError(f"{path.name} is not a WAV or FLAC recording; convert it to one of those first.")
    if not path.is_file():
        raise AlignmentError(f"There is no recording at {path}.")
    try:
        audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, sf.LibsndfileError) as exc:
        raise AlignmentError(f"{path.name} could not be read as audio ({exc}); is it a valid WAV or FLAC file?") \
            from None
    audio = audio.mean(axis=1)
    if len(audio) < 0.2 * rate or not np.any(np.abs(audio) > 1e-4):
        raise AlignmentError(f"{path.name} holds no speech (it is silent or shorter than 0.2 s).")
    return audio.astype(np.float32), int(rate)


def to_pcm16k(audio: np.ndarray, sample_rate: int) -> bytes:
    import soxr

    x = soxr.resample(np.asarray(audio, dtype=np.float32), sample_rate, RATE) if sample_rate != RATE else audio
    peak = float(np.max(np.abs(x))) if len(x) else 0.0
    x = x / peak * 0.9 if peak > 0 else x
    return (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()


def dictionary_key(word: str) -> str:
    """The CMUdict spelling of a word: lower case, letters, digits and apostrophes."""
    return "".join(re.findall(r"[a-z0-9']+", word.lower()))


def align(audio: np.ndarray, sample_rate: int, words: list[str],
          pronunciations: dict[str, list[str]] | None = None) -> Alignment:
    """Align `words` (in order, each said once) to the recording. `pronunciations` gives ARPAbet for words the
    dictionary lacks. Raises AlignmentError naming the word that failed."""
    pcm = to_pcm16k(audio, sample_rate)
    aligned = force_align(pcm, words, pronunciations)
    if aligned is None:
        raise AlignmentError(_first_mismatch(pcm, words))
    scores = np.array([w.score for w in aligned])
    better_half = np.sort(scores)[len(scores) // 2:]
    limit = min(MISMATCH_FLOOR, MISMATCH_FACTOR * float(np.median(better_half)))
    worst = int(np.argmin(scores))
    if scores[worst] < limit:
        raise AlignmentError(f"The recording does not say '{aligned[worst].text}' (word {worst + 1}) where the text "
                             "has it; record the text as written or edit the text to match the recording.")
    return Alignment(tuple(aligned), len(pcm) / 2 / RATE)


def force_align(pcm: bytes, words: list[str], pronunciations: dict[str, list[str]] | None = None
                ) -> list[AlignedWord] | None:
    """The two-pass forced alignment of `words` to 16 kHz PCM, every word with its phones and score, or None
    where the decoder finds no path through the whole text. Judges nothing: `align` and the proof pass
    (guide.proof) each judge the scores their own way. Raises AlignmentError for a word with no spelling."""
    from pocketsphinx import Decoder

    pronunciations = pronunciations or {}
    decoder = Decoder(samprate=RATE, loglevel="FATAL", bestpath=False)
    keys = []
    for i, word in enumerate(words):
        key = dictionary_key(word)
        if not key:
            raise AlignmentError(f"The word '{word}' has no letters to align; remove it from the text or the "
                                 "recording.")
        if decoder.lookup_word(key) is None:
            phones = pronunciations.get(word)
            if not phones:
                raise AlignmentError(f"The word '{word}' is not in the recogniser's dictionary and has no "
                                     "pronunciation; respell it in the pronunciation lexicon.")
            key = f"w{i}_{key}"
            decoder.add_word(key, " ".join(phones), True)
        keys.append(key)
    try:
        decoder.set_align_text(" ".join(keys))
        _decode(decoder, pcm)
        if decoder.hyp() is None:
            raise RuntimeError("no alignment")
        decoder.set_alignment()
        _decode(decoder, pcm)
        found = decoder.get_alignment()
    except RuntimeError:
        found = None
    if found is None:
        return None
    aligned, phones = [], list(found.phones())
    for w in found.words():
        name = re.sub(r"\(\d+\)$", "", w.name)
        if name in ("<sil>", "<s>", "</s>"):
            continue
        if len(aligned) == len(words):
            return None
        ps = tuple(AlignedPhone(re.sub(r"\d", "", p.name), p.start * FRAME_S, (p.start + p.duration) * FRAME_S)
                   for p in phones if w.start <= p.start < w.start + w.duration)
        aligned.append(AlignedWord(words[len(aligned)], w.start * FRAME_S, (w.start + w.duration) * FRAME_S, ps,
                                   w.score / max(w.duration, 1)))
    return aligned if len(aligned) == len(words) else None


def _decode(decoder, pcm: bytes) -> None:
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()


def _first_mismatch(pcm: bytes, words: list[str]) -> str:
    """One sentence naming the first word of the text the recogniser does not hear where the text has it."""
    import jiwer

    from studio.engine.guide.recognition import _decoder

    d = _decoder()
    _decode(d, pcm)
    heard = d.hyp().hypstr if d.hyp() is not None else ""
    ref = [dictionary_key(w) for w in words]
    if heard.split():
        out = jiwer.process_words(" ".join(ref), heard)
        for chunk in out.alignments[0]:
            if chunk.type != "equal":
                i = min(chunk.ref_start_idx, len(words) - 1)
                return (f"The recording could not be aligned to the text from the word '{words[i]}' (word {i + 1}) "
                        "on; record the text as written or edit the text to match the recording.")
    return (f"The recording could not be aligned to the text (the recogniser heard "
            f"'{heard or 'nothing'}'); check that it says '{' '.join(words[:6])}…'.")
