"""Every change to a document is one of these commands.

A command validates its input when it is made, changes the project in `redo` and restores it exactly in
`undo`. Commands with the same non-None `merge_key` merge while the history's merge window is open, so a
continuous drag or slider move becomes one undo step. The editor wraps them in QUndoCommands; the headless
tools and the tests use `History` directly.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from studio.core.analysis import Analyzer
from studio.core.model import (DURATION_SCALE_RANGE, ENERGY_LIMIT_DB, MAX_EMOTION_INTENSITY, MAX_TIMELINE_S,
                               PITCH_LIMIT_ST, Emotion, Project, Segment, SpeakerMix, Track, VoiceRef, clamp)
from studio.core.retext import carry_edits


class Command:
    text = "Edit"
    merge_key: tuple | None = None

    def redo(self, project: Project) -> None:
        raise NotImplementedError

    def undo(self, project: Project) -> None:
        raise NotImplementedError

    def merge(self, other: "Command") -> bool:
        """Absorb `other` (already applied) into self. Only called when merge keys are equal."""
        return False

    def touched_segments(self, project: Project) -> set[str]:
        """Segments whose sound this command changes; the renderer marks them stale."""
        return set()


# ---- phoneme edits -------------------------------------------------------------------------------------------

_PHONEME_FIELDS: dict[str, Callable[[Any], Any]] = {
    "pitch_st": lambda v: clamp(float(v), -PITCH_LIMIT_ST, PITCH_LIMIT_ST),
    "energy_db": lambda v: clamp(float(v), -ENERGY_LIMIT_DB, ENERGY_LIMIT_DB),
    "duration_scale": lambda v: clamp(float(v), *DURATION_SCALE_RANGE),
    "locked": bool,
}
_LABELS = {"pitch_st": "Pitch", "energy_db": "Energy", "duration_scale": "Duration", "locked": "Lock"}


class SetPhonemes(Command):
    """Set one field (pitch_st, energy_db, duration_scale or locked) of some phonemes of a segment.

    `indices` are positions in `segment.phonemes()`; `values` is one value per index.
    """

    def __init__(self, segment_id: str, indices: Sequence[int], field: str, values: Sequence[Any]):
        if field not in _PHONEME_FIELDS:
            raise ValueError(f"phonemes have no editable field '{field}'")
        if len(indices) != len(values):
            raise ValueError("give one value per phoneme")
        self.segment_id, self.field = segment_id, field
        self.indices = tuple(int(i) for i in indices)
        self.values = tuple(_PHONEME_FIELDS[field](v) for v in values)
        self.old: tuple | None = None
        self.text = f"{_LABELS[field]} of {len(self.indices)} phoneme{'s' if len(self.indices) != 1 else ''}"
        self.merge_key = ("phonemes", segment_id, field, self.indices)

    def _targets(self, project: Project):
        phonemes = project.segment(self.segment_id).phonemes()
        for i in self.indices:
            if not 0 <= i < len(phonemes):
                raise IndexError(f"segment has no phoneme {i}")
        return [phonemes[i] for i in self.indices]

    def redo(self, project: Project) -> None:
        targets = self._targets(project)
        if self.old is None:
            self.old = tuple(getattr(p, self.field) for p in targets)
        for p, v in zip(targets, self.values):
            setattr(p, self.field, v)

    def undo(self, project: Project) -> None:
        for p, v in zip(self._targets(project), self.old):
            setattr(p, self.field, v)

    def merge(self, other: Command) -> bool:
        self.values = other.values  # keep our `old`: undo goes back to before the whole drag
        return True

    def touched_segments(self, project: Project) -> set[str]:
        return {self.segment_id}


def shift_phonemes(project: Project, segment_id: str, indices: Sequence[int], field: str,
                   delta: float) -> SetPhonemes:
    """Add `delta` to a numeric field of the chosen phonemes (a multiplicative factor for duration_scale)."""
    phonemes = project.segment(segment_id).phonemes()
    if field == "duration_scale":
        values = [phonemes[i].duration_scale * delta for i in indices]
    else:
        values = [getattr(phonemes[i], field) + delta for i in indices]
    return SetPhonemes(segment_id, indices, field, values)


def reset_phonemes(segment_id: str, indices: Sequence[int]) -> "Macro":
    fields = (("pitch_st", 0.0), ("energy_db", 0.0), ("duration_scale", 1.0))
    return Macro([SetPhonemes(segment_id, indices, f, [v] * len(indices)) for f, v in fields], "Reset phonemes")


# ---- fields of segments and tracks ----------------------------------------------------------------------------

class _SetField(Command):
    """Set one attribute of a segment or a track; the subclass says which object and how to validate."""

    kind = ""

    def __init__(self, target_id: str, attr: str, value: Any, text: str, mergeable: bool = False):
        self.target_id, self.attr, self.value, self.text = target_id, attr, value, text
        self.old: Any = None
        self._have_old = False
        self.merge_key = (self.kind, target_id, attr) if mergeable else None

    def _target(self, project: Project):
        raise NotImplementedError

    def redo(self, project: Project) -> None:
        obj = self._target(project)
        if not self._have_old:
            self.old, self._have_old = getattr(obj, self.attr), True
        setattr(obj, self.attr, self.value)

    def undo(self, project: Project) -> None:
        setattr(self._target(project), self.attr, self.old)

    def merge(self, other: Command) -> bool:
        self.value = other.value
        return True


class SetSegmentField(_SetField):
    kind = "segment"

    def _target(self, project: Project) -> Segment:
        return project.segment(self.target_id)

    def touched_segments(self, project: Project) -> set[str]:
        return {self.target_id}


class SetTrackField(_SetField):
    kind = "track"

    def _target(self, project: Project) -> Track:
        return project.track(self.target_id)

    def touched_segments(self, project: Project) -> set[str]:
        return {s.id for s in project.segments_of(self.target_id)}


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


def set_track_mix(track_id: str, mix: SpeakerMix, mergeable: bool = True) -> SetTrackField:
    return SetTrackField(track_id, "mix", mix, "Track voice mix", mergeable)


def set_track_voice(track_id: str, voice: VoiceRef) -> SetTrackField:
    return SetTrackField(track_id, "voice", voice, f"Voice {voice.model}")


def rename_track(track_id: str, name: str) -> SetTrackField:
    name = " ".join(str(name).split())
    if not name:
        raise ValueError("a track needs a name")
    return SetTrackField(track_id, "name", name, f"Rename track to {name}")


def set_track_gain(track_id: str, gain_db: float, mergeable: bool = True) -> SetTrackField:
    return SetTrackField(track_id, "gain_db", clamp(float(gain_db), -60.0, 24.0), "Track gain", mergeable)


def set_track_muted(track_id: str, muted: bool) -> SetTrackField:
    return SetTrackField(track_id, "muted", bool(muted), "Mute track" if muted else "Unmute track")


# ---- text ------------------------------------------------------------------------------------------------------

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


# ---- structure ---------------------------------------------------------------------------------------------------

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


class AddTrack(Command):
    def __init__(self, track: Track, index: int | None = None):
        self.track, self.index, self.text = track, index, f"Add track {track.name}"

    def redo(self, project: Project) -> None:
        if any(t.id == self.track.id for t in project.tracks):
            raise ValueError(f"a track with id {self.track.id!r} exists already")
        index = len(project.tracks) if self.index is None else max(0, min(self.index, len(project.tracks)))
        self.index = index
        project.tracks.insert(index, self.track)

    def undo(self, project: Project) -> None:
        project.tracks.remove(self.track)


class RemoveTrack(Command):
    """Remove a track together with its segments; undo puts every segment back in its place."""

    def __init__(self, track_id: str):
        self.track_id, self.text = track_id, "Remove track"
        self.track_index: int | None = None
        self.track: Track | None = None
        self.removed: list[tuple[int, Segment]] = []

    def redo(self, project: Project) -> None:
        self.track = project.track(self.track_id)
        self.track_index = project.tracks.index(self.track)
        self.removed = [(i, s) for i, s in enumerate(project.segments) if s.track_id == self.track_id]
        project.segments[:] = [s for s in project.segments if s.track_id != self.track_id]
        project.tracks.pop(self.track_index)

    def undo(self, project: Project) -> None:
        project.tracks.insert(self.track_index, self.track)
        for i, seg in self.removed:  # ascending order, so each index is right when it is inserted
            project.segments.insert(i, seg)

    def touched_segments(self, project: Project) -> set[str]:
        return {s.id for _, s in self.removed}


class SetLibraryMix(Command):
    """Save (or, with None, delete) a named mix in the project's voice library."""

    def __init__(self, name: str, mix: SpeakerMix | None):
        name = " ".join(str(name).split())
        if not name:
            raise ValueError("a saved mix needs a name")
        self.name, self.mix, self.text = name, mix, f"Save mix {name}" if mix else f"Delete mix {name}"
        self.old: SpeakerMix | None = None
        self._have_old = False

    def redo(self, project: Project) -> None:
        if not self._have_old:
            self.old, self._have_old = project.voice_library.get(self.name), True
        _put(project.voice_library, self.name, self.mix)

    def undo(self, project: Project) -> None:
        _put(project.voice_library, self.name, self.old)


def _put(library: dict, name: str, mix: SpeakerMix | None) -> None:
    if mix is None:
        library.pop(name, None)
    else:
        library[name] = mix


class Macro(Command):
    """Several commands as one undo step."""

    def __init__(self, commands: list[Command], text: str):
        self.commands, self.text = list(commands), text

    def redo(self, project: Project) -> None:
        for c in self.commands:
            c.redo(project)

    def undo(self, project: Project) -> None:
        for c in reversed(self.commands):
            c.undo(project)

    def touched_segments(self, project: Project) -> set[str]:
        return set().union(*(c.touched_segments(project) for c in self.commands)) if self.commands else set()



class SetEmotionPreset(Command):
    """Save (or, with None, delete) a project emotion preset; a built-in name overrides the built-in preset."""

    def __init__(self, name: str, preset):
        name = " ".join(str(name).split())
        if not name or len(name) > 40:
            raise ValueError("an emotion preset needs a short name")
        self.name, self.preset = name, preset
        self.text = f"Save emotion preset {name}" if preset is not None else f"Delete emotion preset {name}"
        self.old = None
        self._have_old = False

    def redo(self, project: Project) -> None:
        if not self._have_old:
            self.old, self._have_old = project.emotion_presets.get(self.name), True
        _put(project.emotion_presets, self.name, self.preset)

    def undo(self, project: Project) -> None:
        _put(project.emotion_presets, self.name, self.old)

    def touched_segments(self, project: Project) -> set[str]:
        return {s.id for s in project.segments if s.emotion.name == self.name}


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
