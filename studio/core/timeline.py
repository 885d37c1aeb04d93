"""Where each segment sits on the project timeline.

A pinned segment (subtitles, dubbing) starts at its `start`. An unpinned one follows the previous segment of the
script after its `gap_before`, or the pause the project's settings give its place (core/line_prosody.py). Tracks play in parallel, so a pinned line may overlap
another track's line; on one track a segment never starts before the previous one on that track ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.core.line_prosody import effective_duration, gap_before
from studio.core.model import Project

DEFAULT_GAP_S = 0.3


@dataclass(frozen=True)
class Placement:
    segment_id: str
    start: float
    duration: float

    @property
    def end(self) -> float:
        return self.start + self.duration


def layout(project: Project, durations: dict[str, float] | None = None, shift: bool = True) -> list[Placement]:
    """Placements in script order. `durations` overrides a segment's length (e.g. its rendered audio length);
    otherwise the phonemes' edited durations give it. With shift=False a pinned segment keeps its start even when
    the line before it on its track is still speaking (dubbing: every cue on time, overlaps reported)."""
    out: list[Placement] = []
    track_end: dict[str, float] = {}
    cursor = 0.0
    for i, seg in enumerate(project.segments):
        length = (durations or {}).get(seg.id)
        if length is None:
            length = effective_duration(project, seg)
        if seg.start is not None:
            start = seg.start
        else:
            start = cursor + gap_before(project, i)
        if shift or seg.start is None:
            start = max(start, track_end.get(seg.track_id, 0.0))
        out.append(Placement(seg.id, start, length))
        track_end[seg.track_id] = start + length
        cursor = max(cursor, start + length) if seg.start is None else start + length
    return out
