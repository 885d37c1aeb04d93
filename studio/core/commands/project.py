"""Edits of the project as a whole: its attributes (pauses, reference audio and video, the video's offset), the
pronunciation lexicon, the saved voice mixes and emotion presets, and the markers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from studio.core.commands.base import Command, SetField
from studio.core.lexicon import check_entry
from studio.core.model import MAX_TIMELINE_S, Marker, PauseSettings, Project, SpeakerMix, clamp


class SetProjectAttr(SetField):
    def __init__(self, attr: str, value: Any, text: str, touches_all: bool):
        super().__init__(attr, value, text)
        self.touches_all = touches_all

    def _target(self, project: Project) -> Project:
        return project

    def merge(self, other: Command) -> bool:
        return False  # only the video offset merges (below)

    def touched_segments(self, project: Project) -> set[str]:
        return {s.id for s in project.segments} if self.touches_all else set()


def set_pauses(pauses: PauseSettings) -> Command:
    return SetProjectAttr("pauses", pauses, "Pause lengths", touches_all=True)


def set_reference_audio(path: str | None) -> Command:
    return SetProjectAttr("reference_audio", path, "Reference audio" if path else "Remove reference audio", False)


def set_reference_video(path: str | None) -> Command:
    return SetProjectAttr("reference_video", path, "Reference video" if path else "Remove reference video", False)


class SetVideoOffset(SetProjectAttr):
    """The video's time at project 0. Spinning the box gives many small steps; they merge into one undo step."""

    merge_key = ("video_offset",)

    def __init__(self, seconds: float):
        seconds = round(clamp(float(seconds), -MAX_TIMELINE_S, MAX_TIMELINE_S), 3)
        super().__init__("video_offset", seconds, f"Video offset {seconds:+.3f} s", False)

    def merge(self, other: Command) -> bool:
        self.value = other.value
        self.text = other.text
        return True


class SetLexiconEntry(Command):
    """Add, change or (with None) remove a word of the project's pronunciation lexicon. Re-analysing the lines
    that contain the word is a separate command in the same macro (the analysis needs a voice)."""

    def __init__(self, word: str, pronunciation: str | None):
        if pronunciation is None:
            self.word, self.pron = " ".join(str(word).split()), None
            self.text = f"Remove pronunciation of '{self.word}'"
        else:
            self.word, self.pron = check_entry(word, pronunciation)
            self.text = f"Pronounce '{self.word}' as {self.pron}"
        self.old: tuple[str, str] | None = None
        self._have_old = False

    def _key(self, project: Project) -> str:
        return next((k for k in project.lexicon if k.lower() == self.word.lower()), self.word)

    def redo(self, project: Project) -> None:
        key = self._key(project)
        if not self._have_old:
            self.old = (key, project.lexicon[key]) if key in project.lexicon else None
            self._have_old = True
        project.lexicon.pop(key, None)
        if self.pron is not None:
            project.lexicon[self.word] = self.pron

    def undo(self, project: Project) -> None:
        project.lexicon.pop(self._key(project), None)
        if self.old is not None:
            project.lexicon[self.old[0]] = self.old[1]


def _put(table: dict, name: str, value: Any) -> None:
    if value is None:
        table.pop(name, None)
    else:
        table[name] = value


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


# ---- markers: the whole (sorted) list is one project attribute, so each change is one SetProjectAttr ----------

def _marker_name(name: str) -> str:
    return " ".join(str(name).split())[:200]


def _marker_time(time: float) -> float:
    return round(clamp(float(time), 0.0, MAX_TIMELINE_S), 3)


def add_marker(project: Project, time: float, name: str) -> Command:
    """A marker at `time` (kept in time order); the name is trimmed, and an empty one is numbered."""
    name = _marker_name(name) or f"Marker {len(project.markers) + 1}"
    marker = Marker(_marker_time(time), name)
    markers = sorted([*project.markers, marker], key=lambda m: m.time)
    return SetProjectAttr("markers", markers, f"Add marker '{name}' at {marker.time:.2f} s", False)


def rename_marker(project: Project, index: int, name: str) -> Command:
    """Raises ValueError, in a sentence for the user, for a name that is empty once trimmed: unlike a new marker,
    a renamed one has a name the user chose, which a number would silently throw away."""
    old = project.markers[index]
    name = _marker_name(name)
    if not name:
        raise ValueError(f"A marker needs a name, so '{old.name}' keeps its own.")
    markers = [replace(m, name=name) if i == index else m for i, m in enumerate(project.markers)]
    return SetProjectAttr("markers", markers, f"Rename marker '{old.name}' to '{name}'", False)


def move_marker(project: Project, index: int, time: float) -> Command:
    """The marker at `index` to `time`; the list is re-sorted, so its index may change."""
    old = project.markers[index]
    moved = replace(old, time=_marker_time(time))
    markers = sorted([moved if i == index else m for i, m in enumerate(project.markers)], key=lambda m: m.time)
    return SetProjectAttr("markers", markers, f"Move marker '{old.name}' to {moved.time:.2f} s", False)


def nearest_marker(project: Project, time: float) -> int | None:
    """The index of the marker closest to `time`, or None without markers."""
    markers = project.markers
    return min(range(len(markers)), key=lambda i: abs(markers[i].time - time)) if markers else None


def remove_marker(project: Project, index: int) -> Command:
    marker = project.markers[index]
    markers = [m for i, m in enumerate(project.markers) if i != index]
    return SetProjectAttr("markers", markers, f"Remove marker '{marker.name}'", False)


def next_marker(project: Project, time: float, forward: bool = True):
    """The first marker after `time` (or the last one before it), or None; markers within 1 ms count as here."""
    if forward:
        return next((m for m in project.markers if m.time > time + 1e-3), None)
    return next((m for m in reversed(project.markers) if m.time < time - 1e-3), None)
