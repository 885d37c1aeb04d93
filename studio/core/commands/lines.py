"""Edits of lines (segments): their fields (emotion, mix, start, slot, seed, controls, silences), their text,
an emotion curve over their words, and adding, removing and moving them in the script."""

from __future__ import annotations

from typing import Any, Sequence

from studio.core.analysis import Analyzer
from studio.core.commands.base import Command, Macro, SetField
from studio.core.model import (MAX_EMOTION_INTENSITY, MAX_PAUSE_S, MAX_TIMELINE_S, Emotion, LineControls, Project,
                               Segment, SpeakerMix, clamp)
from studio.core.retext import carry_edits


class SetSegmentField(SetField):
    kind = "segment"

    def __init__(self, target_id: str, attr: str, value: Any, text: str, mergeable: bool = False):
        super().__init__(attr, value, text)
        self.target_id = target_id
        self.merge_key = (self.kind, target_id, attr) if mergeable else None

    def _target(self, project: Project) -> Segment:
        return project.segment(self.target_id)

    def touched_segments(self, project: Project) -> set[str]:
        return {self.target_id}


def set_emotion(segment_id: str, emotion: Emotion, mergeable: bool = True) -> SetSegmentField:
    return SetSegmentField(segment_id, "emotion", emotion, f"Emotion {emotion.name}", mergeable)


def set_segment_mix(segment_id: str, mix: SpeakerMix | None, mergeable: bool = True) -> SetSegmentField:
    return SetSegmentField(segment_id, "mix", mix, "Segment voice mix", mergeable)


def set_segment_start(segment_id: str, start: float | None) -> SetSegmentField:
    value = None if start is None else clamp(float(start), 0.0, MAX_TIMELINE_S)
    return SetSegmentField(segment_id, "start", value, "Pin segment start")


def set_segment_slot(segment_id: str, slot: float | None) -> SetSegmentField:
    value = None if slot is None else clamp(float(slot), 0.0, MAX_TIMELINE_S)
    return SetSegmentField(segment_id, "slot", value, "Segment slot")


def set_segment_seed(segment_id: str, seed: int) -> SetSegmentField:
    return SetSegmentField(segment_id, "seed", int(seed) & 0x7FFFFFFF, "Segment seed")


def dismiss_flag(project: Project, segment_id: str, index: int) -> SetSegmentField:
    """Dismiss the proof pass's flag on word `index` of the line (saved in the project)."""
    seg = project.segment(segment_id)
    if not 0 <= index < len(seg.words):
        raise ValueError(f"The line has no word {index + 1}.")
    mark = (index, seg.words[index].text)
    kept = tuple(sorted(set(seg.proof_dismissed) | {mark}))
    return SetSegmentField(segment_id, "proof_dismissed", kept, f"Dismiss flag on '{seg.words[index].text}'")


def set_line_controls(segment_id: str, controls: LineControls, mergeable: bool = True) -> SetSegmentField:
    return SetSegmentField(segment_id, "controls", controls, "Line controls", mergeable)


def set_silence(segment_id: str, before: float | None, after: float | None) -> Command:
    def seconds(v):
        return None if v is None else clamp(float(v), 0.0, MAX_PAUSE_S)
    return Macro([SetSegmentField(segment_id, "gap_before", seconds(before), "Silence before"),
                  SetSegmentField(segment_id, "gap_after", seconds(after), "Silence after")], "Silence around line")


class SetWordEmotion(Command):
    """Give words of a segment their own emotion intensity (None follows the segment): an emotion curve."""

    def __init__(self, segment_id: str, word_indices: Sequence[int], intensities: Sequence[float | None]):
        if len(word_indices) != len(intensities):
            raise ValueError("give one intensity per word")
        self.segment_id = segment_id
        self.indices = tuple(int(i) for i in word_indices)
        self.values = tuple(None if v is None else clamp(float(v), 0.0, MAX_EMOTION_INTENSITY) for v in intensities)
        self.old: tuple | None = None
        self.text = "Emotion curve"
        self.merge_key = ("word-emotion", segment_id, self.indices)

    def redo(self, project: Project) -> None:
        words = project.segment(self.segment_id).words
        if self.old is None:
            self.old = tuple(words[i].emotion_intensity for i in self.indices)
        for i, v in zip(self.indices, self.values):
            words[i].emotion_intensity = v

    def undo(self, project: Project) -> None:
        words = project.segment(self.segment_id).words
        for i, v in zip(self.indices, self.old):
            words[i].emotion_intensity = v

    def merge(self, other: Command) -> bool:
        self.values = other.values
        return True

    def touched_segments(self, project: Project) -> set[str]:
        return {self.segment_id}


class EditText(Command):
    """Replace a segment's text and analysis; phonemes that are still there keep their edits."""

    def __init__(self, segment_id: str, text: str, words: list):
        self.segment_id, self.new_text, self.new_words = segment_id, text, words
        self.old_text: str | None = None
        self.old_words: list | None = None
        self.text = "Edit text"

    def redo(self, project: Project) -> None:
        seg = project.segment(self.segment_id)
        if self.old_words is None:
            self.old_text, self.old_words = seg.text, seg.words
        seg.text, seg.words = self.new_text, self.new_words

    def undo(self, project: Project) -> None:
        seg = project.segment(self.segment_id)
        seg.text, seg.words = self.old_text, self.old_words

    def touched_segments(self, project: Project) -> set[str]:
        return {self.segment_id}


def edit_text(project: Project, segment_id: str, text: str, analyzer: Analyzer) -> EditText:
    text = " ".join(str(text).split())
    if not text:
        raise ValueError("a segment needs some text; remove the segment instead")
    seg = project.segment(segment_id)
    track = project.track(seg.track_id)
    new_words = analyzer.analyze(text, track.voice, project.effective_mix(seg))
    return EditText(segment_id, text, carry_edits(seg.words, new_words))


class AddSegment(Command):
    def __init__(self, segment: Segment, index: int | None = None):
        self.segment, self.index, self.text = segment, index, "Add segment"

    def redo(self, project: Project) -> None:
        project.track(self.segment.track_id)  # refuse a segment for a missing track
        index = len(project.segments) if self.index is None else max(0, min(self.index, len(project.segments)))
        self.index = index
        project.segments.insert(index, self.segment)

    def undo(self, project: Project) -> None:
        project.segments.pop(project.segment_index(self.segment.id))

    def touched_segments(self, project: Project) -> set[str]:
        return {self.segment.id}


class RemoveSegment(Command):
    def __init__(self, segment_id: str):
        self.segment_id, self.text = segment_id, "Remove segment"
        self.index: int | None = None
        self.segment: Segment | None = None

    def redo(self, project: Project) -> None:
        self.index = project.segment_index(self.segment_id)
        self.segment = project.segments.pop(self.index)

    def undo(self, project: Project) -> None:
        project.segments.insert(self.index, self.segment)

    def touched_segments(self, project: Project) -> set[str]:
        return {self.segment_id}


class MoveSegment(Command):
    """Move a segment to another place in the script, and optionally onto another track."""

    def __init__(self, segment_id: str, index: int, track_id: str | None = None):
        self.segment_id, self.new_index, self.new_track = segment_id, int(index), track_id
        self.old_index: int | None = None
        self.old_track: str | None = None
        self.text = "Move segment"

    def redo(self, project: Project) -> None:
        self.old_index = project.segment_index(self.segment_id)
        seg = project.segments.pop(self.old_index)
        self.old_track = seg.track_id
        if self.new_track is not None:
            project.track(self.new_track)
            seg.track_id = self.new_track
        project.segments.insert(max(0, min(self.new_index, len(project.segments))), seg)

    def undo(self, project: Project) -> None:
        seg = project.segments.pop(project.segment_index(self.segment_id))
        seg.track_id = self.old_track
        project.segments.insert(self.old_index, seg)

    def touched_segments(self, project: Project) -> set[str]:
        return {self.segment_id}
