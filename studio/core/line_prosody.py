"""What a line's controls and the project's pause settings do to its phonemes and to the gaps between lines.

The phoneme edits the user drew stay as they are in the document; a line's speed, volume, pitch offset and
intonation scale, and the comma pause, are folded in only when the line is laid out or rendered. So a control
can be changed back without touching a single drawn point.
"""

from __future__ import annotations

import math
import re

from studio.core.model import DURATION_SCALE_RANGE, ENERGY_LIMIT_DB, PITCH_LIMIT_ST, Project, Segment

_CLOSERS = "\"'”’»)]"


def _st(hz: float) -> float:
    return 12.0 * math.log2(hz / 100.0)


def comma_pauses(segment: Segment) -> set[int]:
    """Indices (in segment.words) of pause words that follow a comma, semicolon or colon in the text."""
    text, pos, out = segment.text, 0, set()
    for i, word in enumerate(segment.words):
        if word.is_pause:
            if i and _after_comma(text, pos):
                out.add(i)
            continue
        if not word.text:
            continue
        at = text.find(word.text, pos)
        if at >= 0:
            pos = at + len(word.text)
    return out


def _after_comma(text: str, pos: int) -> bool:
    rest = text[pos:].lstrip(_CLOSERS)
    return bool(rest) and rest[0] in ",;:"


def effective_edits(project: Project, segment: Segment) -> list[tuple[float, float, float]]:
    """(duration scale, pitch st, energy dB) per phoneme, with the line controls and comma pause folded in."""
    c = segment.controls
    phonemes = segment.phonemes()
    voiced = [_st(p.pitch) for p in phonemes if p.pitch > 0 and not p.is_pause]
    mean = sum(voiced) / len(voiced) if voiced else 0.0
    comma = project.pauses.comma
    stretch: dict[int, float] = {}
    if comma is not None:
        k = 0
        commas = comma_pauses(segment)
        for wi, word in enumerate(segment.words):
            for p in word.phonemes:
                if wi in commas and p.is_pause and p.duration > 0:
                    stretch[k] = comma / p.duration
                k += 1
    out = []
    lo, hi = DURATION_SCALE_RANGE
    for k, p in enumerate(phonemes):
        scale = stretch.get(k, p.duration_scale) / c.speed
        pitch = p.pitch_st + c.pitch_st
        if c.intonation != 1.0 and p.pitch > 0 and not p.is_pause:
            pitch += (c.intonation - 1.0) * (_st(p.pitch) + p.pitch_st - mean)
        out.append((min(hi, max(lo, scale)), min(PITCH_LIMIT_ST, max(-PITCH_LIMIT_ST, pitch)),
                    min(ENERGY_LIMIT_DB, max(-ENERGY_LIMIT_DB, p.energy_db + c.volume_db))))
    return out


def effective_duration(project: Project, segment: Segment) -> float:
    if segment.controls.is_default and project.pauses.comma is None:
        return segment.duration
    return sum(p.duration * e[0] for p, e in zip(segment.phonemes(), effective_edits(project, segment)))


_QUESTION = re.compile(r"\?[" + re.escape(_CLOSERS) + r"]*\s*$")


def gap_before(project: Project, index: int) -> float:
    """Silence before the line at `index` when it follows the previous line: its own gap if set, else the pause
    its place calls for (paragraph, or the previous line's closing punctuation), plus the previous line's
    silence after."""
    if index <= 0:
        return project.segments[0].gap_before or 0.0 if project.segments else 0.0
    seg, prev = project.segments[index], project.segments[index - 1]
    if seg.gap_before is not None:
        gap = seg.gap_before
    elif seg.paragraph_start:
        gap = project.pauses.paragraph
    elif _QUESTION.search(prev.text):
        gap = project.pauses.question
    else:
        gap = project.pauses.sentence
    return gap + (prev.gap_after or 0.0)
