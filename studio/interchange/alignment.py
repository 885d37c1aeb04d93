"""The alignment JSON written by `studio say --alignment` and `studio render`.

    {"sample_rate": 22050,
     "segments": [{"text": ..., "track": ..., "start": s, "end": s,
                   "words": [{"text": ..., "start": s, "end": s,
                              "phonemes": [{"symbol": ..., "start": s, "end": s}, ...]}, ...]}, ...]}

All times are seconds from the start of the file. Pauses are not words, so they do not appear; the gap between
two words is the pause.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from studio.core.model import Segment


@dataclass(frozen=True)
class PlacedSegment:
    segment: Segment
    track: str
    offset: int  # first sample of the segment's audio in the file
    boundaries: tuple[int, ...]  # from RenderResult, relative to the segment's audio


def segment_entry(placed: PlacedSegment, sample_rate: int) -> dict:
    seg, b, off = placed.segment, placed.boundaries, placed.offset
    words, k = [], 0
    for word in seg.words:
        n = len(word.phonemes)
        if not word.is_pause:
            phonemes = [{"symbol": p.symbol, "start": (off + b[k + i]) / sample_rate,
                         "end": (off + b[k + i + 1]) / sample_rate} for i, p in enumerate(word.phonemes)]
            words.append({"text": word.text, "start": phonemes[0]["start"], "end": phonemes[-1]["end"],
                          "phonemes": phonemes})
        k += n
    return {"text": seg.text, "track": placed.track, "start": (off + b[0]) / sample_rate,
            "end": (off + b[-1]) / sample_rate, "words": words}


def alignment_document(placed: list[PlacedSegment], sample_rate: int, audio: str | None = None) -> dict:
    """`audio` names the file these times belong to (relative to the document, as written beside it)."""
    doc = {"audio": audio} if audio else {}
    return {**doc, "sample_rate": sample_rate, "segments": [segment_entry(p, sample_rate) for p in placed]}


def write_alignment(path: str | Path, placed: list[PlacedSegment], sample_rate: int, audio: str | None = None) -> None:
    Path(path).write_text(json.dumps(alignment_document(placed, sample_rate, audio), ensure_ascii=False, indent=1),
                          encoding="utf-8")
