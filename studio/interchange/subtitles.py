"""Subtitles in and out: SRT with the `srt` library, WebVTT with `webvtt-py`.

In, each cue becomes a segment pinned at the cue's start, with the cue's length as its target slot. A speaker
label picks the track: `NAME: line` at the start of a cue, or a WebVTT voice tag `<v NAME>`. Out, the cues carry
the synthesized timing of each segment (first to last phoneme).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from studio.core.model import Project, Segment, VoiceRef, new_id
from studio.core.script import track_for

_LABEL = re.compile(r"^\s*([^\W\d_][\w .'\-]{0,39}?)\s*:\s+(\S.*)$", re.S)
_TAGS = re.compile(r"<[^>]+>")


class SubtitleError(Exception):
    """A subtitle file could not be read; the message is one sentence for the user."""


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    speaker: str | None = None


def _split_label(text: str, speaker: str | None) -> tuple[str | None, str]:
    text = " ".join(_TAGS.sub("", text).split())
    m = _LABEL.match(text)
    if m and speaker is None:
        return m.group(1).strip(), m.group(2).strip()
    return speaker, text


def read_srt(text: str) -> list[Cue]:
    import srt

    try:
        subs = list(srt.parse(text))
    except (srt.SRTParseError, ValueError) as exc:
        raise SubtitleError(f"This SRT file cannot be read ({exc}); check its cue numbers and timestamps.") from None
    cues = []
    for sub in subs:
        speaker, body = _split_label(sub.content, None)
        if body:
            cues.append(Cue(sub.start.total_seconds(), sub.end.total_seconds(), body, speaker))
    return cues


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    return sum(float(p) * 60 ** i for i, p in enumerate(reversed(parts)))


def read_vtt(text: str) -> list[Cue]:
    import webvtt

    try:
        captions = webvtt.from_buffer(io.StringIO(text))
    except Exception as exc:  # noqa: BLE001 - webvtt raises its own and stdlib errors; the user gets one sentence
        raise SubtitleError(f"This WebVTT file cannot be read ({exc.__class__.__name__}); it must start with "
                            "WEBVTT and have valid cue timings.") from None
    cues = []
    for c in captions:
        voice = getattr(c, "voice", None)
        speaker, body = _split_label(c.text, voice.strip() if voice else None)
        if body:
            cues.append(Cue(_seconds(c.start), _seconds(c.end), body, speaker))
    return cues


def read_subtitles(path: str | Path, text: str) -> list[Cue]:
    cues = read_vtt(text) if str(path).lower().endswith(".vtt") else read_srt(text)
    for c in cues:
        if not (0 <= c.start < c.end) or c.end - c.start > 3600:
            raise SubtitleError(f"A cue at {c.start:.3f} s has an impossible time range; fix the file and import "
                                "it again.")
    if not cues:
        raise SubtitleError(f"{Path(path).name} has no cues with text.")
    return sorted(cues, key=lambda c: c.start)


def cues_to_project(cues: list[Cue], analyzer, voice: VoiceRef, speakers: list[str], title: str = "") -> Project:
    project = Project(title=title)
    for cue in cues:
        track = track_for(project, cue.speaker, voice, speakers)
        words = analyzer.analyze(cue.text, voice, track.mix)
        project.segments.append(Segment(new_id(), cue.text, track.id, words, start=cue.start,
                                        slot=cue.end - cue.start))
    return project


def _td(seconds: float) -> timedelta:
    return timedelta(seconds=max(0.0, seconds))


def write_srt(path: str | Path, entries: list[tuple[float, float, str, str]]) -> None:
    """entries: (start, end, speaker, text)."""
    import srt

    subs = [srt.Subtitle(i + 1, _td(a), _td(b), f"{who}: {text}" if who else text)
            for i, (a, b, who, text) in enumerate(entries)]
    Path(path).write_text(srt.compose(subs, reindex=False), encoding="utf-8")


def write_vtt(path: str | Path, entries: list[tuple[float, float, str, str]]) -> None:
    import webvtt
    from webvtt import Caption

    def stamp(s: float) -> str:
        ms = int(round(s * 1000))
        return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"
    vtt = webvtt.WebVTT()
    for a, b, who, text in entries:
        vtt.captions.append(Caption(stamp(a), stamp(b), f"<v {who}>{text}" if who else text))
    vtt.save(str(path))
