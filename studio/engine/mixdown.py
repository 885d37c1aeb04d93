"""Laying rendered segments on the project timeline: per-track stems and the full mix, sample-aligned.

A segment's audio is placed so that its first phoneme starts at the segment's place on the timeline (leading
silence in the render falls before it). Every stem spans the whole project, so stems line up when dropped
into a video editor, and the mix is their sum.
"""

from __future__ import annotations

import numpy as np

from studio.core.model import Project
from studio.core.timeline import layout

from .backbone import RenderResult


def resample(audio: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    if rate_in == rate_out:
        return audio
    import soxr

    return soxr.resample(audio.astype(np.float32), rate_in, rate_out, quality="HQ").astype(np.float32)


def spoken_durations(results: dict[str, RenderResult]) -> dict[str, float]:
    """Each rendered segment's spoken length (first to last phoneme boundary): emotion tempo and DSP make it
    differ from the sum of the document's durations, and the timeline and the stems follow what is heard."""
    return {k: (r.boundaries[-1] - r.boundaries[0]) / r.sample_rate for k, r in results.items()}


def stems(project: Project, results: dict[str, RenderResult], rate: int, tail_s: float = 0.5
          ) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """({track id: audio}, {segment id: first sample of its audio}) for the segments that have a result."""
    places = {p.segment_id: p for p in layout(project, spoken_durations(results))}
    pieces: list[tuple[str, int, np.ndarray]] = []
    offsets: dict[str, int] = {}
    end = 0
    for seg in project.segments:
        result = results.get(seg.id)
        if result is None:
            continue
        audio = resample(result.audio, result.sample_rate, rate)
        lead = int(round(result.boundaries[0] * rate / result.sample_rate))
        first = int(round(places[seg.id].start * rate)) - lead
        if first < 0:  # a render's lead-in before time zero is cut, not the speech
            audio, first = audio[-first:], 0
        offsets[seg.id] = first
        pieces.append((seg.track_id, first, audio))
        end = max(end, first + len(audio))
    length = end + int(tail_s * rate)
    out = {t.id: np.zeros(length, dtype=np.float32) for t in project.tracks}
    for track_id, first, audio in pieces:
        out[track_id][first:first + len(audio)] += audio
    for t in project.tracks:
        out[t.id] = np.zeros(length, np.float32) if t.muted else out[t.id] * np.float32(10 ** (t.gain_db / 20))
    return out, offsets


def mix(stem_audio: dict[str, np.ndarray]) -> np.ndarray:
    if not stem_audio:
        return np.zeros(0, dtype=np.float32)
    return np.sum(list(stem_audio.values()), axis=0).astype(np.float32)
