"""Proof-listening: align a rendered line against its own text and judge every word.

The recogniser's forced aligner (guide.alignment.force_align: PocketSphinx en-US, CMUdict, the voice's phonemes
in ARPAbet for words the dictionary lacks) places each word of the line on the audio. Two things are read off:

- the word's acoustic score per frame (log domain, relative to the best senone of each frame, so a word that
  sounds like its phones scores near 0 and one that does not scores far below), and
- how long the aligner let the word last against how long the voice meant it to last (the render's own phoneme
  boundaries). A word the voice swallowed is squeezed towards the aligner's minimum; a doubled word, or babble,
  stretches it.

Verdicts: "missing" (squeezed to nothing), "doubtful" (a poor score, or far too long), "fine". The limits come
from the voice's own clean renders (models/proof/calibration.json, made by scripts/bench_proof.py --calibrate;
docs/proof.md says how): words the recogniser mishears on clean renders too are part of that distribution, so they
are not flags. A voice without its own calibration gets the pooled one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from studio.core.paths import MODELS
from studio.engine.errors import AlignmentError
from studio.engine.guide.alignment import FRAME_S, dictionary_key, force_align, to_pcm16k
from studio.engine.voices.backbone import RenderRequest, RenderResult

FINE, DOUBTFUL, MISSING = "fine", "doubtful", "missing"
CALIBRATION = MODELS / "proof" / "calibration.json"  # a folder of its own: models/*.json are voice manifests
POOLED = "pooled"
# Used only where no calibration file can be read at all (a broken install): deliberately lenient.
FALLBACK = {"score_floor": -40.0, "short_ratio": 0.3, "long_ratio": 3.0}

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WordProof:
    text: str
    start: float  # seconds into the render
    end: float
    verdict: str
    score: float  # acoustic score per frame; higher is better
    ratio: float  # aligned duration / the duration the voice meant
    index: int = -1  # the word's index in the request's (and the segment's) words

    @property
    def flagged(self) -> bool:
        return self.verdict != FINE


@dataclass(frozen=True)
class LineProof:
    words: tuple[WordProof, ...]
    aligned: bool = True  # False: the aligner found no path through the text; every word is doubtful

    @property
    def flagged(self) -> list[int]:
        return [i for i, w in enumerate(self.words) if w.flagged]

    @property
    def penalty(self) -> int:
        """The proof score of a take, lower is better: a missing word counts twice, a doubtful one once."""
        return sum(2 if w.verdict == MISSING else 1 for w in self.words if w.flagged)

    @property
    def mean_score(self) -> float:
        s = [w.score for w in self.words if np.isfinite(w.score)]
        return float(np.mean(s)) if s else float("-inf")

    def to_json(self) -> dict:
        return {"aligned": self.aligned, "words": [asdict(w) for w in self.words]}

    @staticmethod
    def from_json(data: dict) -> "LineProof":
        return LineProof(tuple(WordProof(**w) for w in data["words"]), bool(data.get("aligned", True)))


def voice_key(request: RenderRequest) -> str:
    return f"{request.backbone}:{request.model}"


def load_calibration(path: Path = CALIBRATION) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def limits_for(calibration: dict, key: str) -> dict:
    voices = calibration.get("voices", {})
    return voices.get(key) or voices.get(POOLED) or FALLBACK


@dataclass(frozen=True)
class SpokenWord:
    """A word of the line that is spoken (has letters), with the time the voice meant it to take."""
    text: str
    phones: tuple[str, ...]  # the voice's phoneme symbols
    start: float
    end: float
    index: int = -1  # in the request's words


def spoken_words(request: RenderRequest, result: RenderResult) -> list[SpokenWord]:
    """The request's words with letters, placed by the render's phoneme boundaries."""
    b, rate = result.boundaries, result.sample_rate
    out, k = [], 0
    for i, w in enumerate(request.words):
        n = len(w.phonemes)
        if dictionary_key(w.text) and n and k + n < len(b):
            out.append(SpokenWord(w.text, tuple(p.symbol for p in w.phonemes), b[k] / rate, b[k + n] / rate, i))
        k += n
    return out


def judge(score: float, ratio: float, limits: dict) -> str:
    # No fixed floor on frames: short clean words ("a", "the") sit at the aligner's minimum of 3 frames a phone
    # on about 10-16 % of clean words, so only the voice's own calibrated ratio says "squeezed".
    if ratio < limits["short_ratio"]:
        return MISSING
    if score < limits["score_floor"] or ratio > limits["long_ratio"]:
        return DOUBTFUL
    return FINE


def measure(audio: np.ndarray, sample_rate: int, words: list[SpokenWord]) -> tuple[list, bool]:
    """Raw measurements per word: (score, ratio, frames, aligned phones) and whether the aligner found a path.
    Kept apart from `judge` so that calibration can read the same numbers the proof pass judges."""
    from studio.engine.guide.plan import to_arpabet

    if not words:
        return [], True
    texts, pronunciations = [], {}
    for w in words:
        texts.append(w.text)
        phones = to_arpabet(list(w.phones))
        if phones:
            pronunciations.setdefault(w.text, phones)
    try:
        aligned = force_align(to_pcm16k(audio, sample_rate), texts, pronunciations)
    except AlignmentError:
        aligned = None
    if aligned is None:
        return [(float("-inf"), 0.0, 0, 0) for _ in words], False
    out = []
    for w, a in zip(words, aligned):
        frames = int(round((a.end - a.start) / FRAME_S))
        meant = max(w.end - w.start, FRAME_S)
        out.append((float(a.score), (a.end - a.start) / meant, frames, len(a.phones), a.start, a.end))
    return out, True


def proof(request: RenderRequest, result: RenderResult, calibration: dict | None = None) -> LineProof:
    """Judge every spoken word of a rendered line against its own text."""
    limits = limits_for(load_calibration() if calibration is None else calibration, voice_key(request))
    words = spoken_words(request, result)
    measured, ok = measure(result.audio, result.sample_rate, words)
    if not ok:
        return LineProof(tuple(WordProof(w.text, w.start, w.end, DOUBTFUL, float("-inf"), 0.0, w.index)
                               for w in words),
                         aligned=False)
    proofs = []
    for w, (score, ratio, frames, phones, start, end) in zip(words, measured):
        proofs.append(WordProof(w.text, start, end, judge(score, ratio, limits), score, ratio,
                                w.index))
    return LineProof(tuple(proofs))


def default_proof_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "speech-studio" / "proof"


class ProofCache:
    """Proofs under the render's key (RenderRequest.key()) and the calibration's version, in memory and as small
    JSON files written atomically; a damaged file is a miss."""

    def __init__(self, folder: Path | None = None, calibration: dict | None = None):
        self.folder = Path(folder) if folder is not None else None
        self.calibration = load_calibration() if calibration is None else calibration
        self._memory: dict[str, LineProof] = {}
        self.hits = self.misses = 0

    def _key(self, request: RenderRequest) -> str:
        # A new calibration judges differently: its limits are part of the key.
        limits = json.dumps(limits_for(self.calibration, voice_key(request)), sort_keys=True)
        return f"{request.key()}-{hashlib.sha256(limits.encode()).hexdigest()[:12]}"

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, request: RenderRequest) -> LineProof | None:
        key = self._key(request)
        if key in self._memory:
            self.hits += 1
            return self._memory[key]
        if self.folder is not None:
            try:
                found = LineProof.from_json(json.loads(self._path(key).read_text(encoding="utf-8")))
                self._memory[key] = found
                self.hits += 1
                return found
            except (OSError, ValueError, KeyError, TypeError):
                pass
        self.misses += 1
        return None

    def put(self, request: RenderRequest, found: LineProof) -> None:
        key = self._key(request)
        self._memory[key] = found
        if self.folder is None:
            return
        path = self._path(key)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(found.to_json()), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:  # a read-only cache costs a re-run, never the session
            log.warning("proof cache entry not written (%s)", exc)

    def proof(self, request: RenderRequest, result: RenderResult) -> LineProof:
        found = self.get(request)
        if found is None:
            found = proof(request, result, self.calibration)
            self.put(request, found)
        return found
