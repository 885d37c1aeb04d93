"""Laying rendered segments on the project timeline: per-track stems and the full mix, sample-aligned.

`stems` and `mix` make whole arrays, for the editor's playback of what is on screen; the files of a render or an
export are written in blocks by engine.output.master, which never holds the timeline in memory.

A segment's audio is placed so that its first phoneme starts at the segment's place on the timeline (leading
silence in the render falls before it). Every stem spans the whole project, so stems line up when dropped
into a video editor, and the mix is their sum.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from studio.core.model import Project
from studio.core.timeline import layout

from studio.engine.voices.backbone import RenderResult


def resample(audio: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    if rate_in == rate_out:
        return audio
    import soxr

    return soxr.resample(audio.astype(np.float32), rate_in, rate_out, quality="HQ").astype(np.float32)


def spoken_durations(results: dict[str, RenderResult]) -> dict[str, float]:
    """Each rendered segment's spoken length (first to last phoneme boundary): emotion tempo and DSP make it
    differ from the sum of the document's durations, and the timeline and the stems follow what is heard."""
    return {k: (r.boundaries[-1] - r.boundaries[0]) / r.sample_rate for k, r in results.items()}


@dataclass(frozen=True)
class Placed:
    """One segment on the output's sample grid: every export reads its times from here, so all agree. The audio
    at the output rate is made when asked for, not kept: a long project holds its renders once, at their own
    rate, and the writers resample a segment only while they write it."""

    segment_id: str
    offset: int  # first sample of the segment's (resampled) audio in the file
    boundaries: tuple[int, ...]  # phoneme starts and the last phoneme's end, relative to `offset`, strictly rising
    source: RenderResult = field(repr=False, compare=False)
    rate: int = 0  # the output rate
    cut: int = 0  # samples of the resampled audio before time zero, which are not placed

    @property
    def audio(self) -> np.ndarray:
        """The segment's audio at the output rate, from `offset` on."""
        audio = resample(self.source.audio, self.source.sample_rate, self.rate)
        n = self.length + self.cut
        if len(audio) != n:  # soxr gives round(n * out / in); keep to the promised length whatever it does
            audio = np.pad(audio, (0, max(0, n - len(audio))))[:n]
        return audio[self.cut:]

    @property
    def length(self) -> int:
        n = len(self.source.audio)
        if self.rate != self.source.sample_rate:
            n = round(n * self.rate / self.source.sample_rate)
        return max(0, n - self.cut)

    @property
    def start(self) -> int:
        return self.offset + self.boundaries[0]

    @property
    def end(self) -> int:
        return self.offset + self.boundaries[-1]


def grid(project: Project, results: dict[str, RenderResult], rate: int, shift: bool = True) -> dict[str, Placed]:
    """Each rendered segment's place in samples at `rate`. Boundaries are converted once and kept strictly
    rising, so no phoneme or word collapses at any rate. With shift, a segment on a track never starts before
    the previous one on that track ends (in whole samples); without, pinned segments start on their pin."""
    places = {p.segment_id: p for p in layout(project, spoken_durations(results), shift=shift)}
    out: dict[str, Placed] = {}
    track_end: dict[str, int] = {}
    for seg in project.segments:
        result = results.get(seg.id)
        if result is None:
            continue
        bounds: list[int] = []
        for b in result.boundaries:
            x = int(round(b * rate / result.sample_rate))
            bounds.append(max(x, bounds[-1] + 1) if bounds else x)
        first = int(round(places[seg.id].start * rate)) - bounds[0]
        if shift or seg.start is None:
            first = max(first, track_end.get(seg.track_id, 0) - bounds[0])
        cut = 0
        if first < 0:  # a render's lead-in before time zero is cut, not the speech (starts are never negative)
            cut, bounds, first = -first, [b + first for b in bounds], 0
        out[seg.id] = Placed(seg.id, first, tuple(bounds), result, rate, cut)
        track_end[seg.track_id] = max(track_end.get(seg.track_id, 0), first + bounds[-1])
    return out


def stems(project: Project, results: dict[str, RenderResult], rate: int, tail_s: float = 0.5, shift: bool = True,
          placed: dict[str, Placed] | None = None) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """({track id: audio}, {segment id: first sample of its audio}) for the segments that have a result."""
    placed = grid(project, results, rate, shift) if placed is None else placed
    end = max((p.offset + max(p.length, p.boundaries[-1]) for p in placed.values()), default=0)
    length = end + int(tail_s * rate)
    out = {t.id: np.zeros(length, dtype=np.float32) for t in project.tracks}
    for seg in project.segments:
        p = placed.get(seg.id)
        if p is not None:
            out[seg.track_id][p.offset:p.offset + p.length] += p.audio
    for t in project.tracks:
        out[t.id] = np.zeros(length, np.float32) if t.muted else out[t.id] * np.float32(10 ** (t.gain_db / 20))
    return out, {k: p.offset for k, p in placed.items()}


def mix(stem_audio: dict[str, np.ndarray]) -> np.ndarray:
    if not stem_audio:
        return np.zeros(0, dtype=np.float32)
    return np.sum(list(stem_audio.values()), axis=0).astype(np.float32)
